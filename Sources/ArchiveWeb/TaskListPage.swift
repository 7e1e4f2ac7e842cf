import Foundation
import ArchiveExport
import ArchiveStore

/// `/`: the task list, newest activity first, with status, account and date filters, in pages.
enum TaskListPage {
    static let pageSize = 50

    struct Filters: Sendable {
        var statuses: [String] = []
        var account: String?
        var since: String?
        var until: String?
        var page = 1

        /// The query string that keeps these filters (for paging links).
        func query(page: Int) -> String {
            var parts = statuses.map { "status=" + HTML.urlComponent($0) }
            if let account { parts.append("account=" + HTML.urlComponent(account)) }
            if let since { parts.append("since=" + HTML.urlComponent(since)) }
            if let until { parts.append("until=" + HTML.urlComponent(until)) }
            if page > 1 { parts.append("page=\(page)") }
            return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
        }
    }

    static func render(tasks: [TaskSummary], queued: [QueuedTask], filters: Filters, archiveIsEmpty: Bool) -> String {
        var body = "<h1>Tasks</h1>\n" + form(filters)
        if archiveIsEmpty {
            body += """
                <p class="notice">The archive is empty. Run <code>sigmic-archive sync</code> to mirror your tasks here, \
                or <code>sigmic-archive demo</code> to try it with an emulated API.</p>
                """
            return Layout.page(title: "Tasks", body: body)
        }
        let rows = queued.map(row) + tasks.map(row)
        if rows.isEmpty {
            body += "<p class=\"notice\">No tasks match these filters.</p>"
        } else {
            body += """
                <table>
                <thead><tr><th>Status</th><th>Task</th><th class="optional">Messages</th><th>Last activity</th></tr></thead>
                <tbody>
                \(rows.joined(separator: "\n"))
                </tbody>
                </table>
                """
        }
        var pages: [String] = []
        if filters.page > 1 { pages.append("<a rel=\"prev\" href=\"/\(filters.query(page: filters.page - 1))\">← Newer</a>") }
        if tasks.count == pageSize { pages.append("<a rel=\"next\" href=\"/\(filters.query(page: filters.page + 1))\">Older →</a>") }
        if !pages.isEmpty { body += "<nav class=\"pages\">\(pages.joined())</nav>" }
        return Layout.page(title: "Tasks", body: body)
    }

    static func row(_ task: TaskSummary) -> String {
        let gone = task.remoteState == .missing ? " <span class=\"muted\">(gone from the server)</span>" : ""
        return """
            <tr><td>\(Layout.status(task.status.rawValue))</td>\
            <td class="title"><a href="/tasks/\(HTML.urlComponent(task.id))">\(HTML.escape(task.title.isEmpty ? task.id : task.title))</a>\(gone)\
            <br><span class="muted">\(HTML.escape(String(task.id.prefix(8)))) · \(HTML.escape(task.account))</span></td>\
            <td class="optional">\(task.messageCount.map(String.init) ?? "")</td><td>\(Layout.time(task.lastActivityAt))</td></tr>
            """
    }

    static func row(_ task: QueuedTask) -> String {
        """
        <tr><td>\(Layout.status(task.status))</td><td class="title">\(HTML.escape(task.title))\
        <br><span class="muted">\(HTML.escape(task.id)) · local, not sent yet</span></td>\
        <td class="optional"></td><td>\(Layout.time(task.lastActivityAt))</td></tr>
        """
    }

    static func form(_ filters: Filters) -> String {
        let options = TaskStatus.documented.map(\.rawValue).sorted().map { status in
            "<option\(filters.statuses.contains(status) ? " selected" : "")>\(HTML.escape(status))</option>"
        }.joined()
        return """
            <form class="filters" method="get" action="/">
            <label>Status<select name="status"><option value="">any</option>\(options)</select></label>
            <label>Account<input name="account" value="\(HTML.escape(filters.account ?? ""))" placeholder="part of its URL"></label>
            <label>Since<input type="date" name="since" value="\(HTML.escape(filters.since ?? ""))"></label>
            <label>Until<input type="date" name="until" value="\(HTML.escape(filters.until ?? ""))"></label>
            <button type="submit">Filter</button>
            </form>
            """
    }
}
