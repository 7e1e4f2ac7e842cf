import Foundation
import ArchiveExport
import ArchiveStore

/// `/search`: hits of the query language `search` speaks, with the matches marked, in pages.
enum SearchPage {
    static let pageSize = 20

    static func render(query: String, hits: [SearchHit], page: Int) -> String {
        let results = self.results(query: query, hits: hits, page: page)
        return Layout.page(title: query.isEmpty ? "Search" : "Search: \(query)", query: query, results: results, isSearchPage: true,
                           body: query.isEmpty ? help : "")
    }

    static let help = """
        <div class="notice"><p>Words must all match; <code>"a phrase"</code> matches in order; <code>a OR b</code>; \
        <code>-word</code> excludes; <code>deploy*</code> matches a prefix.</p>
        <p>Filters: <code>role:user</code> <code>status:failed</code> <code>task:3f2a</code> <code>tool:read_file</code> \
        <code>kind:message|thought|tool|artifact</code> <code>after:2026-01-01</code> <code>before:2026-02-01</code> \
        <code>has:artifact</code> <code>account:example</code>.</p></div>
        """

    /// The hits alone: the search page's `#results`, and what search as you type fetches.
    static func results(query: String, hits: [SearchHit], page: Int) -> String {
        guard !query.trimmingCharacters(in: .whitespaces).isEmpty else { return "" }
        guard !hits.isEmpty else { return "<p class=\"muted\">\(page > 1 ? "No more matches." : "No matches.")</p>" }
        var out = hits.first?.match == .substring ? "<p class=\"muted\">No whole word matched; showing matches inside words.</p>" : ""
        out += "<ol class=\"hits\">\n" + hits.map(item).joined(separator: "\n") + "\n</ol>"
        var pages: [String] = []
        let base = "/search?q=" + HTML.urlComponent(query)
        if page > 1 { pages.append("<a rel=\"prev\" href=\"\(base)&amp;page=\(page - 1)\">← Previous</a>") }
        if hits.count == pageSize { pages.append("<a rel=\"next\" href=\"\(base)&amp;page=\(page + 1)\">Next →</a>") }
        if !pages.isEmpty { out += "<nav class=\"pages\">\(pages.joined())</nav>" }
        return out
    }

    static func item(_ hit: SearchHit) -> String {
        var what = hit.kind == .message ? (hit.role ?? "message") : hit.kind.rawValue
        if let tool = hit.toolName { what += " " + tool }
        if let path = hit.artifactPath { what += " " + path }
        return """
            <li><div class="where"><a href="\(link(hit))">\(HTML.escape(hit.taskTitle ?? hit.taskID))</a> · \(HTML.escape(what)) · \
            \(Layout.time(hit.createdAt))</div>
            <div class="snippet">\(snippet(hit.snippet))</div></li>
            """
    }

    /// Where a hit is: its message (whose thought or tool call opens, via `hit=`), or the artifact list.
    static func link(_ hit: SearchHit) -> String {
        let task = "/tasks/" + HTML.urlComponent(hit.taskID)
        if hit.kind == .artifact { return task + "#artifacts" }
        guard let message = hit.messageID else { return task }
        return task + "?hit=" + HTML.urlComponent(hit.kind.rawValue + ":" + message) + "#" + TaskPage.anchor(message)
    }

    /// The snippet escaped, with the store's match markers turned into `<mark>`.
    static func snippet(_ text: String) -> String {
        var out = ""
        var run = ""
        for character in text {
            switch character {
            case SearchHit.matchStart, SearchHit.matchEnd:
                out += HTML.escape(run) + (character == SearchHit.matchStart ? "<mark>" : "</mark>")
                run = ""
            default:
                run.append(character)
            }
        }
        return out + HTML.escape(run)
    }
}
