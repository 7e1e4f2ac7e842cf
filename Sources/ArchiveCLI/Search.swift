import ArchiveExport
import ArchiveStore
import ArgumentParser
import Foundation

struct Search: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search every archived message, thought, tool call and artifact name (offline).",
        discussion: """
            Words must all match; "a phrase" matches in order; a OR b; -word excludes; deploy* matches \
            a prefix. Filters: role:user status:failed task:3f2a tool:read_file kind:message|thought|tool|artifact \
            after:2026-01-01 before:2026-02-01 has:artifact account:example. Text without spaces (Chinese, \
            Japanese) is matched as written; when no whole word matches, words are looked for inside longer \
            words. The options below add the same filters as the query words.
            """)

    @OptionGroup var options: ArchiveOptions

    @Argument(parsing: .allUnrecognized, help: "The query (several arguments are joined with spaces; a -word excludes).")
    var query: [String]
    @Option(help: ArgumentHelp("Order: relevance (bm25), newest or oldest.", valueName: "order"))
    var sort: SortOrder = .relevance
    @Option(help: "At most this many results (default 20; 0 for all).")
    var limit: Int?
    @Option(help: "Skip this many results first (for paging).")
    var offset = 0
    @Option(help: ArgumentHelp("Only tasks with this status (repeatable).", valueName: "status"))
    var status: [String] = []
    @Option(help: ArgumentHelp("Only entries from this date on (YYYY-MM-DD or ISO-8601).", valueName: "date"))
    var since: String?
    @Option(help: ArgumentHelp("Only entries before this date.", valueName: "date"))
    var until: String?
    @Option(help: ArgumentHelp("Only this kind: message, thought, tool or artifact (repeatable).", valueName: "kind"))
    var kind: [String] = []
    @Option(help: ArgumentHelp("Only messages with this role (repeatable).", valueName: "role"))
    var role: [String] = []
    @Flag(help: "Print a JSON array.")
    var json = false
    @Flag(help: "Print one JSON object per line.")
    var ndjson = false

    func validate() throws {
        guard (limit ?? 0) >= 0 else { throw ValidationError("--limit must be ≥ 0 (0 for all)") }
        guard offset >= 0 else { throw ValidationError("--offset must be ≥ 0") }
        guard !(json && ndjson) else { throw ValidationError("choose one of --json and --ndjson") }
        try FilterCheck.validate(statuses: status, dates: [("--since", since), ("--until", until)])
    }

    /// The query words plus the option filters, parsed once.
    func parsedQuery() throws -> SearchQuery {
        let filters = try SearchQuery.Filters(statuses: status, kinds: kind, roles: role, since: since, until: until)
        return try SearchQuery.parse(query.joined(separator: " "), filters: filters)
    }

    func run() async throws {
        let parsed = try parsedQuery()
        let archive = try await options.openReader()
        let limit = ListLimit(requested: limit, defaultRows: 20)
        let hits = try await archive.search(parsed, options: SearchOptions(sort: sort.store, limit: limit.rows, offset: offset))
        if let match = hits.first?.match,
           let note = try await limit.note(shown: hits.count, offset: offset, total: { try await archive.searchCount(parsed, match: match) }) {
            Terminal.note(note)
        }
        if json {
            Terminal.print(Documents.searchHits(hits))
        } else if ndjson {
            for hit in hits { Terminal.print(Documents.searchHit(hit).compact) }
        } else if hits.isEmpty {
            Terminal.print(offset > 0 ? "No more matches." : "No matches.")
        } else {
            if hits.first?.match == .substring {
                Terminal.note("no whole word matched; showing matches inside words")
            }
            Terminal.print(Self.render(hits, colour: Terminal.useColour, width: Terminal.width))
        }
    }

    /// Two lines per hit: where it is, then the snippet with the matches marked.
    static func render(_ hits: [SearchHit], colour: Bool, width: Int) -> String {
        var lines: [String] = []
        for hit in hits {
            let when = hit.createdAt.map { $0.prefix(16).replacingOccurrences(of: "T", with: " ") } ?? "----------------"
            var what = hit.kind == .message ? (hit.role ?? "message") : hit.kind.rawValue
            if let tool = hit.toolName { what += " " + tool }
            if let path = hit.artifactPath { what += " " + path }
            var head = "\(hit.taskID.prefix(8))  \(when)  \(what)"
            if let title = hit.taskTitle, !title.isEmpty {
                let room = width - head.count - 4
                if room >= 10 { head += "  " + (title.count > room ? String(title.prefix(room - 1)) + "…" : title) }
            }
            lines.append(colour ? "\u{1B}[1m\(head)\u{1B}[0m" : head)
            let flat = hit.snippet.split(whereSeparator: \.isNewline).joined(separator: " ")
            lines.append("    " + highlight(flat, colour: colour))
        }
        return lines.joined(separator: "\n")
    }

    /// The snippet's match markers as colour on a terminal, else as [brackets].
    static func highlight(_ snippet: String, colour: Bool) -> String {
        colour ? Documents.marked(snippet, open: "\u{1B}[1;33m", close: "\u{1B}[0m") : Documents.marked(snippet)
    }
}

/// `--sort`'s values (the store's orders, spelled for the command line).
enum SortOrder: String, ExpressibleByArgument, CaseIterable {
    case relevance, newest, oldest
    var store: SearchOptions.Sort { SearchOptions.Sort(rawValue: rawValue) ?? .relevance }
}
