import ArchiveExport
import ArchiveStore
import Foundation

/// `/insights`: `stats` drawn — tasks per period stacked by status, the duration distribution, activity
/// by weekday and hour, the top tools with their approval share, the top errors (each a link to a
/// search for it) — each chart an SVG from `SVGChart` with a table beside it holding the same numbers
/// (for screen readers, and for whoever wants the figures), then the other figures as tables. The
/// filters are a plain form: the page needs no script.
enum InsightsPage {
    static func render(_ report: InsightsReport) -> String {
        var body = "<h1>Insights</h1>\n" + form(report.scope)
        let rate = InsightsReport.failureRate(report.byStatus).map { String(format: "%.1f %%", $0 * 100) } ?? "–"
        body += "<p class=\"summary\">\(report.totalTasks) task\(report.totalTasks == 1 ? "" : "s") created\(range(report.scope)); " +
            "failure rate \(rate) (failed among those that ended). Times are UTC. The same figures as JSON: " +
            "<a href=\"/api/insights\(query(report.scope))\">/api/insights</a>.</p>\n"
        guard report.totalTasks > 0 else {
            return body + "<p class=\"notice\">No tasks were created in this range.</p>\n"
        }
        body += statusChart(report) + durationChart(report) + activityChart(report) + toolChart(report) + errorChart(report) + otherFigures(report)
        return body
    }

    static func form(_ scope: InsightScope) -> String {
        let periods = InsightScope.Period.allCases.map { period in
            "<option value=\"\(period.rawValue)\"\(period == scope.period ? " selected" : "")>\(period.rawValue)</option>"
        }.joined()
        return """
            <form class="filters" action="/insights" method="get">
            <label>Since <input type="date" name="since" value="\(HTML.escape(scope.since.map { String($0.prefix(10)) } ?? ""))"></label>
            <label>Until <input type="date" name="until" value="\(HTML.escape(scope.until.map { String($0.prefix(10)) } ?? ""))"></label>
            <label>Account <input type="text" name="account" value="\(HTML.escape(scope.account ?? ""))" placeholder="part of its URL"></label>
            <label>Per <select name="by">\(periods)</select></label>
            <button type="submit">Show</button>
            </form>

            """
    }

    // MARK: Charts

    static func statusChart(_ report: InsightsReport) -> String {
        let groups = report.periods.map { period in
            (period.period, period.byStatus.map { pair in
                SVGChart.Segment(label: "\(period.period)|\(pair.status)", value: pair.count, cssClass: "seg s-\(css(pair.status))",
                                 title: "\(period.period): \(pair.count) \(pair.status)")
            })
        }
        let caption = "Tasks per \(report.scope.period.rawValue), by status"
        let legend = report.statuses.map { "<li><span class=\"swatch s-\(css($0))\"></span>\(HTML.escape($0))</li>" }.joined()
        var rows = report.periods.map { period in
            "<tr><th scope=\"row\">\(HTML.escape(period.period))</th>" + report.statuses.map { status in
                let count = period.byStatus.first { $0.status == status }?.count ?? 0
                return "<td data-label=\"\(HTML.escape(period.period))|\(HTML.escape(status))\" data-value=\"\(count)\">\(count)</td>"
            }.joined() + "<td>\(period.total)</td><td>\(percent(InsightsReport.failureRate(period.byStatus)))</td></tr>"
        }
        rows.append("<tr class=\"total\"><th scope=\"row\">all</th>" + report.byStatus.map { "<td>\($0.count)</td>" }.joined() +
                    "<td>\(report.totalTasks)</td><td>\(percent(InsightsReport.failureRate(report.byStatus)))</td></tr>")
        let head = "<tr><th scope=\"col\">\(report.scope.period.rawValue)</th>" + report.statuses.map { "<th scope=\"col\">\(HTML.escape($0))</th>" }.joined() +
            "<th scope=\"col\">total</th><th scope=\"col\">failed</th></tr>"
        return figure(id: "chart-status", caption: caption,
                      chart: SVGChart.stackedColumns(groups, caption: caption) + "<ul class=\"legend\">\(legend)</ul>\n",
                      table: "<table><thead>\(head)</thead><tbody>\(rows.joined(separator: "\n"))</tbody></table>")
    }

    static func durationChart(_ report: InsightsReport) -> String {
        let buckets = report.histogram.map { bucket in (name: bucketName(bucket.from, bucket.to), tasks: bucket.tasks) }
        let groups = buckets.map { bucket in
            (bucket.name, [SVGChart.Segment(label: bucket.name, value: bucket.tasks, cssClass: "seg duration", title: "\(bucket.name): \(bucket.tasks) tasks")])
        }
        let caption = "How long tasks took, created to completed"
        let rows = buckets.map { "<tr><th scope=\"row\">\(HTML.escape($0.name))</th><td data-label=\"\(HTML.escape($0.name))\" data-value=\"\($0.tasks)\">\($0.tasks)</td></tr>" }
        var percentiles = ""
        for kind in InsightAggregates.DurationKind.allCases {
            guard let figures = report.durations(kind, period: nil) else { continue }
            let name = kind == .createdToCompleted ? "created → completed" : "started → completed"
            percentiles += "<tr><th scope=\"row\">\(name)</th><td>\(span(figures.p50))</td><td>\(span(figures.p90))</td><td>\(span(figures.max))</td><td>\(figures.count)</td></tr>"
        }
        let table = "<table><thead><tr><th scope=\"col\">duration</th><th scope=\"col\">tasks</th></tr></thead><tbody>\(rows.joined(separator: "\n"))</tbody></table>\n" +
            "<table class=\"percentiles\"><thead><tr><th scope=\"col\"></th><th scope=\"col\">p50</th><th scope=\"col\">p90</th><th scope=\"col\">max</th>" +
            "<th scope=\"col\">tasks</th></tr></thead><tbody>\(percentiles)</tbody></table>"
        return figure(id: "chart-durations", caption: caption, chart: SVGChart.stackedColumns(groups, caption: caption), table: table)
    }

    static func activityChart(_ report: InsightsReport) -> String {
        let hours = (0..<24).map { String(format: "%02d", $0) }
        let days = InsightsReport.weekdays
        let caption = "Tasks created by weekday and hour (UTC)"
        let chart = SVGChart.heatmap(report.aggregates.activity, rowNames: days, columnNames: hours, caption: caption,
                                     label: { "\(days[$0]) \(hours[$1])" },
                                     title: { "\(days[$0]) \(hours[$1]):00: \($2) task\($2 == 1 ? "" : "s")" })
        let head = "<tr><th scope=\"col\"></th>" + hours.map { "<th scope=\"col\">\($0)</th>" }.joined() + "</tr>"
        let rows = zip(days, report.aggregates.activity).map { day, counts in
            "<tr><th scope=\"row\">\(day)</th>" + counts.enumerated().map { hour, count in
                "<td data-label=\"\(day) \(hours[hour])\" data-value=\"\(count)\">\(count)</td>"
            }.joined() + "</tr>"
        }
        return figure(id: "chart-activity", caption: caption, chart: chart,
                      table: "<div class=\"wide\"><table class=\"grid\"><thead>\(head)</thead><tbody>\(rows.joined(separator: "\n"))</tbody></table></div>")
    }

    static func toolChart(_ report: InsightsReport) -> String {
        let tools = Array(report.aggregates.tools.prefix(10))
        guard !tools.isEmpty else { return "" }
        let items = tools.map { tool in
            (tool.name, [
                SVGChart.Segment(label: "\(tool.name)|calls", value: tool.calls, cssClass: "seg calls", title: "\(tool.name): \(tool.calls) calls"),
                SVGChart.Segment(label: "\(tool.name)|needingApproval", value: tool.needingApproval, cssClass: "seg approval",
                                 title: "\(tool.name): \(tool.needingApproval) needed approval"),
            ])
        }
        let caption = "Top tools: calls, and how many needed approval"
        let rows = tools.map { tool in
            "<tr><th scope=\"row\">\(HTML.escape(tool.name))</th>" +
                "<td data-label=\"\(HTML.escape(tool.name))|calls\" data-value=\"\(tool.calls)\">\(tool.calls)</td>" +
                "<td data-label=\"\(HTML.escape(tool.name))|needingApproval\" data-value=\"\(tool.needingApproval)\">\(tool.needingApproval)</td>" +
                "<td>\(percent(tool.calls == 0 ? nil : Double(tool.needingApproval) / Double(tool.calls)))</td>" +
                "<td>\(tool.approved)</td><td>\(tool.denied)</td><td>\(tool.failed)</td></tr>"
        }
        let head = "<tr><th scope=\"col\">tool</th><th scope=\"col\">calls</th><th scope=\"col\">needed approval</th><th scope=\"col\">share</th>" +
            "<th scope=\"col\">approved</th><th scope=\"col\">denied</th><th scope=\"col\">failed</th></tr>"
        return figure(id: "chart-tools", caption: caption,
                      chart: SVGChart.rows(items, caption: caption) +
                        "<ul class=\"legend\"><li><span class=\"swatch calls\"></span>calls</li><li><span class=\"swatch approval\"></span>needed approval</li></ul>\n",
                      table: "<table><thead>\(head)</thead><tbody>\(rows.joined(separator: "\n"))</tbody></table>")
    }

    static func errorChart(_ report: InsightsReport) -> String {
        let errors = report.aggregates.errors
        guard !errors.isEmpty else { return "" }
        let items = errors.map { error in
            (error.message, [SVGChart.Segment(label: error.message, value: error.tasks, cssClass: "seg s-failed", title: "\(error.message): \(error.tasks) tasks")])
        }
        let caption = "The most common errors of failed tasks"
        let rows = errors.map { error in
            "<tr><td class=\"title\"><a class=\"error-search\" href=\"/search?q=\(HTML.urlComponent(searchQuery(error.message)))\">\(HTML.escape(error.message))</a></td>" +
                "<td data-label=\"\(HTML.escape(error.message))\" data-value=\"\(error.tasks)\">\(error.tasks)</td><td>\(Layout.time(error.lastAt))</td></tr>"
        }
        return figure(id: "chart-errors", caption: caption, chart: SVGChart.rows(items, caption: caption),
                      table: "<table><thead><tr><th scope=\"col\">error (search for it)</th><th scope=\"col\">tasks</th><th scope=\"col\">last</th></tr></thead>" +
                        "<tbody>\(rows.joined(separator: "\n"))</tbody></table>")
    }

    /// The search an error links to: its words, as a phrase (the query language never reads the text
    /// as syntax). `(no message)` searches for nothing useful, so it asks for failed tasks instead.
    static func searchQuery(_ message: String) -> String {
        message == "(no message)" ? "status:failed" : "\"" + message.replacingOccurrences(of: "\"", with: " ") + "\""
    }

    static func otherFigures(_ report: InsightsReport) -> String {
        let aggregates = report.aggregates
        let types = aggregates.artifactTypes.map { "<tr><td>\(HTML.escape($0.type))</td><td>\($0.count)</td><td>\(Layout.bytes($0.bytes))</td></tr>" }
        func taskRows(_ list: [InsightAggregates.TaskSize], _ value: (Int64) -> String) -> String {
            list.map { task in
                "<tr><td class=\"title\"><a href=\"/tasks/\(HTML.urlComponent(task.id))\">\(HTML.escape(InsightsReport.title(task.prompt, id: task.id)))</a></td><td>\(value(task.value))</td></tr>"
            }.joined(separator: "\n")
        }
        let followUps = report.followUps
        return """
            <section class="figures"><h2>Files, sizes and habits</h2>
            <div class="columns">
            <table><caption>Artifacts by type</caption><thead><tr><th scope="col">type</th><th scope="col">files</th><th scope="col">bytes</th></tr></thead>
            <tbody>\(types.joined(separator: "\n"))</tbody></table>
            <table><caption>Largest tasks by messages</caption><tbody>\(taskRows(aggregates.largestByMessages) { "\($0)" })</tbody></table>
            <table><caption>Largest tasks by files</caption><tbody>\(taskRows(aggregates.largestByBytes) { Layout.bytes($0) })</tbody></table>
            </div>
            <p>Follow-ups: \(followUps.tasksWithFollowUps) of \(report.totalTasks) tasks had any; \(String(format: "%.2f", followUps.mean)) per task, \
            at most \(followUps.max). Started through <code>run</code>: \(aggregates.startedByRun); elsewhere: \(report.totalTasks - aggregates.startedByRun).</p>
            </section>

            """
    }

    // MARK: Pieces

    static func figure(id: String, caption: String, chart: String, table: String) -> String {
        """
        <figure class="insight" id="\(id)">
        <figcaption><h2>\(HTML.escape(caption))</h2></figcaption>
        <div class="chart-box"><div class="drawing">\(chart)</div><div class="figures">\(table)</div></div>
        </figure>

        """
    }

    static func bucketName(_ from: Double, _ to: Double?) -> String {
        func short(_ seconds: Double) -> String {
            seconds < 60 ? "\(Int(seconds)) s" : seconds < 3_600 ? "\(Int(seconds / 60)) min" : "\(Int(seconds / 3_600)) h"
        }
        guard let to else { return "\(short(from)) or more" }
        return from == 0 ? "under \(short(to))" : "\(short(from))–\(short(to))"
    }

    static func span(_ seconds: Double) -> String { InsightsReport.span(seconds) }

    static func percent(_ value: Double?) -> String { InsightsReport.percent(value) }

    static func css(_ status: String) -> String {
        String(status.map { $0.isLetter || $0 == "_" ? $0 : "-" })
    }

    static func range(_ scope: InsightScope) -> String {
        var parts: [String] = []
        if let since = scope.since { parts.append(" from \(since.prefix(10))") }
        if let until = scope.until { parts.append(" before \(until.prefix(10))") }
        if let account = scope.account { parts.append(" in accounts matching \(HTML.escape(account))") }
        return parts.joined()
    }

    /// The page's filters as a query string, for the JSON link.
    static func query(_ scope: InsightScope) -> String {
        var pairs: [String] = []
        if let since = scope.since { pairs.append("since=" + HTML.urlComponent(String(since.prefix(10)))) }
        if let until = scope.until { pairs.append("until=" + HTML.urlComponent(String(until.prefix(10)))) }
        if let account = scope.account { pairs.append("account=" + HTML.urlComponent(account)) }
        pairs.append("by=" + scope.period.rawValue)
        return "?" + pairs.joined(separator: "&amp;")
    }
}
