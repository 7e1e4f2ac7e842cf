import Foundation
internal import GRDB

/// One search result: a message, thought, tool call or artifact that matched.
public struct SearchHit: Sendable, Equatable {
    public let taskID: String
    public let taskTitle: String?
    public let messageID: String?
    public let kind: SearchQuery.Kind
    public let role: String?
    public let toolName: String?
    public let artifactPath: String?
    public let createdAt: String?
    /// Text around the matches; each match is wrapped in `SearchHit.matchStart` … `SearchHit.matchEnd`.
    public let snippet: String
    /// Higher is better (bm25, negated); 0 when the query had only filters.
    public let score: Double
    /// Whether the terms matched as words, or (after a word search found nothing) inside words.
    public let match: Match

    public enum Match: String, Sendable { case words, substring }

    public static let matchStart: Character = "\u{2}"
    public static let matchEnd: Character = "\u{3}"

    package init(taskID: String, taskTitle: String?, messageID: String?, kind: SearchQuery.Kind, role: String?, toolName: String?,
                 artifactPath: String?, createdAt: String?, snippet: String, score: Double, match: Match) {
        self.taskID = taskID; self.taskTitle = taskTitle; self.messageID = messageID; self.kind = kind; self.role = role
        self.toolName = toolName; self.artifactPath = artifactPath; self.createdAt = createdAt; self.snippet = snippet
        self.score = score; self.match = match
    }
}

public struct SearchOptions: Sendable {
    public enum Sort: String, Sendable, CaseIterable { case relevance, newest, oldest }
    public var sort: Sort
    /// At most this many hits; 0 for all of them.
    public var limit: Int
    public var offset: Int
    /// How long the search may work before it stops as too broad.
    public var deadline: SearchDeadline

    public init(sort: Sort = .relevance, limit: Int = 20, offset: Int = 0, deadline: SearchDeadline = .standard) {
        self.sort = sort
        self.limit = limit
        self.offset = offset
        self.deadline = deadline
    }
}

extension Archive {
    /// One way of matching a parsed query: bm25-ranked full-text matches (or, for a filters-only
    /// query, the newest matching rows), with snippets. Words go to the word index and text without
    /// spaces to the trigram index (see `SearchPlan`); `match: .substring` looks for every term as a
    /// substring. When to retry as substrings is decided above the engines (`ArchiveReader.search`).
    /// Every user string is bound as a parameter.
    public func search(_ query: SearchQuery, options: SearchOptions, match: SearchHit.Match) async throws -> [SearchHit] {
        try await search(query, options: options, mode: match == .substring ? .substrings : .words)
    }

    /// How many entries match a query in the way its hits did (`match`), whatever the page: the
    /// "20 of 812" of a cut list, counted with the same FROM and conditions as the search itself.
    public func searchCount(_ query: SearchQuery, match: SearchHit.Match) async throws -> Int {
        let (_, from, conditions, arguments, needsTask) = Self.matching(query, mode: match == .substring ? .substrings : .words)
        let sql = """
            SELECT count(*) FROM \(from)
            \(needsTask ? "JOIN task t ON t.id = d.task_id JOIN account acc ON acc.id = t.account_id" : "")
            WHERE \(conditions.isEmpty ? "1" : conditions.joined(separator: " AND "))
            """
        let statementArguments: StatementArguments = StatementArguments(arguments)
        return try await read("counting matches") { db in
            try Int.fetchOne(db, sql: sql, arguments: statementArguments) ?? 0
        }
    }

    /// Every task with at least one entry matching the query in one way, newest activity first: what
    /// `export --query` exports (`ArchiveReader.storedTasks(matching:)` decides the way).
    public func storedTasks(matching query: SearchQuery, match: SearchHit.Match) async throws -> [StoredTask] {
        let (_, from, conditions, arguments, needsTask) = Self.matching(query, mode: match == .substring ? .substrings : .words)
        let sql = """
            SELECT t.*, a.base_url AS account_base_url FROM task t JOIN account a ON a.id = t.account_id
            WHERE t.id IN (
                SELECT d.task_id FROM \(from)
                \(needsTask ? "JOIN task t ON t.id = d.task_id JOIN account acc ON acc.id = t.account_id" : "")
                WHERE \(conditions.isEmpty ? "1" : conditions.joined(separator: " AND ")))
            ORDER BY t.last_activity_at DESC, t.created_at DESC, t.remote_id
            """
        let statementArguments: StatementArguments = StatementArguments(arguments)
        return try await read("searching") { db in
            try Row.fetchAll(db, sql: sql, arguments: statementArguments).map(Self.storedTask)
        }
    }

    /// Two steps in one snapshot: first the page of matching entry ids in order, then the details of
    /// just those. When the index alone answers the query (ranked, no filter), the first step is the bare
    /// FTS5 query, snippets and all, and the second only looks rows up by id. Otherwise the first step
    /// touches the index, `search_doc`, and the task tables when a filter needs them, so FTS5 can still
    /// hand rows over sorted by rank and stop at the page's end, and the second cuts the snippets.
    /// Cutting snippets or joining for every match before sorting made frequent terms twice as slow.
    /// A damaged index (a row whose entry is gone) makes the bare query's snippet fail; the joined form
    /// skips such rows, so the search still answers and `verify` names the damage.
    private func search(_ query: SearchQuery, options: SearchOptions, mode: SearchPlan.Mode,
                        joiningEntries: Bool = false) async throws -> [SearchHit] {
        var (plan, from, conditions, arguments, needsTask) = Self.matching(query, mode: mode)
        let table = plan.primary?.index.table
        // The index alone answers when its MATCH is the only condition: no filter, no second group.
        let indexAlone = !joiningEntries && table != nil && conditions.count == 1 && options.sort == .relevance
        let body = indexAlone ? "\(table!).body" : "d.body"
        // A long entry's snippet is cut from a window of it (`WindowSnippet`), never by snippet().
        // (A filters-only query shows an entry's first 160 characters, long or not.)
        let isLong = table == nil && plan.highlightTerms.isEmpty ? "0" : "length(CAST(\(body) AS BLOB)) > \(WindowSnippet.longEntry)"
        let snippet: String
        if let table {
            snippet = "CASE WHEN \(isLong) THEN NULL ELSE snippet(\(table), 0, char(2), char(3), '…', \(plan.primary?.index == .trigram ? 48 : 16)) END"
        } else if !plan.highlightTerms.isEmpty {
            snippet = "CASE WHEN \(isLong) THEN NULL ELSE d.body END"   // cut in Swift below
        } else {
            snippet = "substr(d.body, 1, 160)"
        }
        let pageSQL: String
        if let table, indexAlone {
            pageSQL = """
                SELECT rowid AS doc, -rank AS score, \(snippet) AS snippet, \(isLong) AS is_long FROM \(table)
                WHERE \(table) MATCH ? ORDER BY rank LIMIT ? OFFSET ?
                """
        } else {
            let order: String
            switch options.sort {
            case .relevance: order = table.map { "\($0).rank" } ?? "d.created_at DESC, d.id DESC"
            case .newest: order = "d.created_at DESC, d.id DESC"
            case .oldest: order = "d.created_at ASC, d.id ASC"
            }
            pageSQL = """
                SELECT d.id AS doc, \(table.map { "-\($0).rank" } ?? "0.0") AS score
                FROM \(from)
                \(needsTask ? "JOIN task t ON t.id = d.task_id JOIN account acc ON acc.id = t.account_id" : "")
                WHERE \(conditions.isEmpty ? "1" : conditions.joined(separator: " AND "))
                ORDER BY \(order)
                LIMIT ? OFFSET ?
                """
        }
        arguments.append(Self.sqlLimit(options.limit))
        arguments.append(max(0, options.offset))

        // The snippet needs the index's MATCH again, unless the page query cut it already.
        let primaryExpression = indexAlone ? nil : plan.primary?.expression
        let detailSQL = """
            SELECT d.kind, d.role, d.tool_name, d.created_at, t.remote_id AS task_id, t.message AS task_message,
                   m.remote_id AS message_id, a.path AS artifact_path\(indexAlone ? "" : ", \(snippet) AS snippet, \(isLong) AS is_long")
            FROM \(primaryExpression == nil ? "search_doc d" : from)
            JOIN task t ON t.id = d.task_id
            LEFT JOIN message m ON m.id = d.message_id
            LEFT JOIN artifact a ON a.id = d.artifact_id
            WHERE \(primaryExpression == nil ? "d.id = ?" : "\(table!) MATCH ? AND \(table!).rowid = ?")
            """
        let cutSnippets = table == nil && !plan.highlightTerms.isEmpty
        let match: SearchHit.Match = mode == .substrings ? .substring : .words
        let highlightTerms = plan.highlightTerms
        // What marks a long entry's snippet: the query's words as the word index matches them, or the
        // text of each term wherever it occurs (trigram and LIKE matches).
        let byWords = plan.primary?.index == .words
        let (windowTerms, locator) = WindowSnippet.marking(
            query, substrings: byWords ? nil : (cutSnippets ? highlightTerms : query.groups.joined().map(\.text)))
        let pageArguments = StatementArguments(arguments)
        let databasePath = databaseURL.path
        do {
            return try await pool.read { db in
                try withSearchDeadline(db, options.deadline) {
                    // Cached per connection: a long-running reader (`serve`, `mcp`) asks the same few shapes
                    // of query again and again, and preparing them (with GRDB's read tracking) was a tenth
                    // of a search request's time (BENCHMARKS.md, reading surfaces).
                    let page = try Row.fetchAll(db.cachedStatement(sql: pageSQL), arguments: pageArguments)
                    let details = try db.cachedStatement(sql: detailSQL)
                    return try page.compactMap { pageRow -> SearchHit? in
                        let doc: Int64 = pageRow["doc"]
                        let detailArguments: StatementArguments = primaryExpression.map { [$0, doc] } ?? [doc]
                        guard let row = try Row.fetchOne(details, arguments: detailArguments) else { return nil }
                        let snippetRow = indexAlone ? pageRow : row
                        // A damaged index can leave an entry without a rank or text: one line, not a trap.
                        guard let isLong: Bool = snippetRow["is_long"], let score: Double = pageRow["score"] else {
                            throw ArchiveError.corrupt(path: databasePath,
                                                       detail: "the search index does not match its entries")
                        }
                        let text: String
                        if isLong {
                            text = try Self.longEntrySnippet(db, entry: doc, locator: locator, terms: windowTerms, substrings: !byWords)
                        } else if let cut: String = snippetRow["snippet"] {
                            text = cutSnippets ? SnippetCutter.snippet(cut, terms: highlightTerms) : cut
                        } else {
                            throw ArchiveError.corrupt(path: databasePath,
                                                       detail: "the search index does not match its entries")
                        }
                        return SearchHit(
                            taskID: row["task_id"], taskTitle: (row["task_message"] as String?).map(Self.title),
                            messageID: row["message_id"], kind: Self.state(row["kind"]), role: row["role"],
                            toolName: row["tool_name"], artifactPath: row["artifact_path"], createdAt: row["created_at"],
                            snippet: text, score: score, match: match)
                    }
                }
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT && indexAlone {
            return try await search(query, options: options, mode: mode, joiningEntries: true)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT {
            throw options.deadline.interrupted
        } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR {
            // Only reachable if the quoting above has a hole; say so in one line rather than crash.
            throw ArchiveError.invalidQuery("the search index rejected the query (\(error.message ?? "syntax error"))")
        } catch let error as DatabaseError {
            throw ArchiveError(error, path: databaseURL.path, operation: "searching")
        }
    }

    /// A long entry's snippet, from a window of its text placed by where the locator first occurs.
    private static func longEntrySnippet(_ db: Database, entry: Int64, locator: String, terms: [SearchQuery.Term],
                                         substrings: Bool) throws -> String {
        let start = "max(1, instr(lower(body), :locator) - \(WindowSnippet.lead))"
        let sql = "SELECT substr(body, \(start), \(WindowSnippet.windowLength)) AS window, \(start) AS start, length(body) AS length FROM search_doc WHERE id = :entry"
        guard let row = try Row.fetchOne(db.cachedStatement(sql: sql), arguments: ["locator": locator, "entry": entry]) else { return "" }
        return WindowSnippet.snippet(window: row["window"], windowStart: row["start"], entryLength: row["length"],
                                     terms: terms, substrings: substrings)
    }

    /// The FROM clause and WHERE conditions that select the entries matching a query: the driving index
    /// joined to `search_doc d` (or `search_doc d` alone), the plan's conditions, then the filters'.
    private static func matching(_ query: SearchQuery, mode: SearchPlan.Mode)
        -> (plan: SearchPlan, from: String, conditions: [String], arguments: [any DatabaseValueConvertible], needsTask: Bool) {
        let plan = SearchPlan(query, mode: mode)
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let primary = plan.primary {
            conditions.append("\(primary.index.table) MATCH ?")
            arguments.append(primary.expression)
        }
        conditions += plan.conditions
        arguments += plan.arguments
        let needsTask = addFilters(query.filters, to: &conditions, &arguments)
        let from = plan.primary.map { "\($0.index.table) JOIN search_doc d ON d.id = \($0.index.table).rowid" } ?? "search_doc d"
        return (plan, from, conditions, arguments, needsTask)
    }

    /// Adds the filters' conditions; returns whether they need the task and account tables joined.
    @discardableResult
    private static func addFilters(_ filters: SearchQuery.Filters, to conditions: inout [String],
                                   _ arguments: inout [any DatabaseValueConvertible]) -> Bool {
        func anyOf(_ values: [String], _ clause: String, _ bind: (String) -> [any DatabaseValueConvertible]) {
            guard !values.isEmpty else { return }
            conditions.append("(" + values.map { _ in clause }.joined(separator: " OR ") + ")")
            for value in values { arguments.append(contentsOf: bind(value)) }
        }
        anyOf(filters.roles, "d.role = ?") { [$0] }
        anyOf(filters.kinds.map(\.rawValue), "d.kind = ?") { [$0] }
        anyOf(filters.statuses, "t.status = ?") { [$0] }
        anyOf(filters.tools, "d.tool_name = ? COLLATE NOCASE") { [$0] }
        anyOf(filters.taskPrefixes, "(t.remote_id >= ? AND t.remote_id < ?)") { [$0, $0 + "\u{10FFFF}"] }
        anyOf(filters.accounts, "(instr(acc.base_url, ?) > 0 OR acc.key_fingerprint = ?)") { [$0, $0] }
        if let after = filters.after {
            conditions.append("d.created_at >= ?")
            arguments.append(after)
        }
        if let before = filters.before {
            conditions.append("d.created_at < ?")
            arguments.append(before)
        }
        if filters.hasArtifact {
            conditions.append("EXISTS (SELECT 1 FROM artifact x WHERE x.task_id = d.task_id)")
        }
        return !(filters.statuses.isEmpty && filters.taskPrefixes.isEmpty && filters.accounts.isEmpty)
    }

    /// A task's title: the first line of its first message that has a letter or digit (so a leading
    /// `---` or a blank line is skipped; failing that, the first non-empty line), trimmed, at most 120
    /// characters. Scans only as far as the title line, by Unicode scalars rather than characters: messages
    /// can be long, and every search hit and task row needs a title (grapheme breaking was 8 % of a
    /// search request's profile). A newline is a grapheme of its own, so the lines are the same.
    public static func title(_ message: String) -> String {
        let scalars = message.unicodeScalars
        var fallback: Substring.UnicodeScalarView?
        var chosen: Substring.UnicodeScalarView?
        var rest = scalars[...]
        while !rest.isEmpty {
            let end = rest.firstIndex(where: isNewline) ?? rest.endIndex
            let line = rest[..<end]
            if !line.isEmpty {
                if fallback == nil { fallback = line }
                if SearchQuery.hasWordCharacter(Substring(line)) {
                    chosen = line
                    break
                }
            }
            rest = end < rest.endIndex ? rest[rest.index(after: end)...] : rest[rest.endIndex...]
        }
        var line = chosen ?? fallback ?? rest
        while let first = line.first, first == " " || first == "\t" { line = line.dropFirst() }
        while let last = line.last, last == " " || last == "\t" { line = line.dropLast() }
        let text = Substring(line)
        return text.prefix(120).endIndex < text.endIndex ? String(text.prefix(119)) + "…" : String(text)
    }

    /// The scalars `Character.isNewline` is true for (LF, VT, FF, CR, NEL, LS, PS).
    private static func isNewline(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: return true
        default: return false
        }
    }
}
