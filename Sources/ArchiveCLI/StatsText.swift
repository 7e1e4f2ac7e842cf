import ArchiveExport
import ArchiveStore
import Foundation

/// `stats` on a terminal: compact tables, a bar per period and a sparkline per weekday, in Unicode
/// blocks; bold headings only with colour (`NO_COLOR` off). Pure: the report in, the text out.
enum StatsText {
    static func render(_ report: InsightsReport, colour: Bool) -> String {
        func heading(_ text: String) -> String { colour ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
        var out: [String] = []
        let range = [report.scope.since.map { "from \($0.prefix(10))" }, report.scope.until.map { "before \($0.prefix(10))" }]
            .compactMap { $0 }.joined(separator: " ")
        out.append(heading("Tasks created\(range.isEmpty ? "" : " " + range), by \(report.scope.period.rawValue) (UTC): \(report.totalTasks)")
                   + (report.scope.account.map { " · account \($0)" } ?? ""))
        guard report.totalTasks > 0 else {
            out.append("No tasks in this range.")
            return out.joined(separator: "\n")
        }

        // Tasks per period, by status, with a bar of the total.
        let most = report.periods.map(\.total).max() ?? 1
        var rows = [["period"] + report.statuses.map(short) + ["total", "failed", ""]]
        for period in report.periods {
            rows.append([period.period] + report.statuses.map { status in String(period.byStatus.first { $0.status == status }?.count ?? 0) }
                        + [String(period.total), percent(InsightsReport.failureRate(period.byStatus)), bar(period.total, of: most, width: 20)])
        }
        rows.append(["all"] + report.byStatus.map { String($0.count) } + [String(report.totalTasks), percent(InsightsReport.failureRate(report.byStatus)), ""])
        out += table(rows, rightAligned: Set(1..<(rows[0].count - 1)))

        out.append("")
        out.append(heading("Durations") + "  (p50 / p90 / max)")
        var durations = [["period", "created → completed", "started → completed"]]
        for period in report.periods.map(\.period) + [nil] as [String?] {
            let cells = InsightAggregates.DurationKind.allCases.map { kind in
                report.durations(kind, period: period).map { "\(span($0.p50)) / \(span($0.p90)) / \(span($0.max))" } ?? "–"
            }
            durations.append([period ?? "all"] + cells)
        }
        out += table(durations, rightAligned: [1, 2])

        if !report.aggregates.tools.isEmpty {
            out.append("")
            out.append(heading("Tool calls"))
            var tools = [["tool", "calls", "approval", "approved", "denied", "waiting", "failed"]]
            for tool in report.aggregates.tools.prefix(15) {
                tools.append([tool.name, String(tool.calls), percent(tool.calls == 0 ? nil : Double(tool.needingApproval) / Double(tool.calls)),
                              String(tool.approved), String(tool.denied), String(tool.awaiting), String(tool.failed)])
            }
            out += table(tools, rightAligned: Set(1...6))
            if report.aggregates.tools.count > 15 { out.append("  … \(report.aggregates.tools.count - 15) more (--json lists all)") }
        }

        if !report.aggregates.errors.isEmpty {
            out.append("")
            out.append(heading("Most common errors of failed tasks"))
            out += table(report.aggregates.errors.map { [String($0.tasks), oneLine($0.message, 80), "last " + $0.lastAt.prefix(10)] }, rightAligned: [0])
        }

        if !report.aggregates.artifactTypes.isEmpty {
            out.append("")
            out.append(heading("Artifacts by type"))
            out += table([["type", "files", "bytes"]] + report.aggregates.artifactTypes.map { [$0.type, String($0.count), Status.bytes($0.bytes)] },
                         rightAligned: [1, 2])
        }

        out.append("")
        out.append(heading("Largest tasks"))
        out += table(report.aggregates.largestByMessages.prefix(5).map {
            ["\($0.value) messages", String($0.id.prefix(8)), InsightsReport.title($0.prompt, id: $0.id)]
        } + report.aggregates.largestByBytes.prefix(5).map {
            [Status.bytes($0.value), String($0.id.prefix(8)), InsightsReport.title($0.prompt, id: $0.id)]
        }, rightAligned: [0])

        let followUps = report.followUps
        out.append("")
        out.append(heading("Follow-ups") + "  \(followUps.tasksWithFollowUps) of \(report.totalTasks) tasks had any; "
                   + String(format: "%.2f", followUps.mean) + " per task, at most \(followUps.max)")
        out.append(heading("Started") + "  \(report.aggregates.startedByRun) through `run`, \(report.totalTasks - report.aggregates.startedByRun) elsewhere")

        out.append("")
        out.append(heading("Activity") + "  tasks created per hour, UTC")
        out.append("     " + stride(from: 0, to: 24, by: 6).map { String(format: "%02d", $0) + String(repeating: " ", count: 4) }.joined())
        let peak = report.aggregates.activity.flatMap { $0 }.max() ?? 0
        for (day, hours) in zip(InsightsReport.weekdays, report.aggregates.activity) {
            out.append(day + "  " + hours.map { spark($0, of: peak) }.joined())
        }
        return out.joined(separator: "\n")
    }

    static func short(_ status: String) -> String {
        status == "awaiting_approval" ? "awaiting" : status
    }

    static func percent(_ value: Double?) -> String { InsightsReport.percent(value) }

    static func span(_ seconds: Double) -> String { InsightsReport.span(seconds) }

    static func oneLine(_ text: String, _ width: Int) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count > width ? String(line.prefix(width - 1)) + "…" : line
    }

    /// `value` of `most` as a bar `width` cells long, in eighths of a cell.
    static func bar(_ value: Int, of most: Int, width: Int) -> String {
        guard most > 0, value > 0 else { return "" }
        let eighths = max(1, Int((Double(value) / Double(most) * Double(width * 8)).rounded()))
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][eighths % 8]
        return String(repeating: "█", count: eighths / 8) + partial
    }

    /// One cell of a sparkline: blank for none, then ▁ to █.
    static func spark(_ value: Int, of peak: Int) -> String {
        guard value > 0, peak > 0 else { return " " }
        let blocks = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        return blocks[min(7, Int(Double(value) / Double(peak) * 7.999))]
    }

    /// Columns padded to their widest cell; `rightAligned` columns (by index) are numbers.
    static func table(_ rows: [[String]], rightAligned: Set<Int>) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            "  " + row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column) ? pad + cell : cell + (column == row.count - 1 ? "" : pad)
            }.joined(separator: "  ")
        }
    }
}
