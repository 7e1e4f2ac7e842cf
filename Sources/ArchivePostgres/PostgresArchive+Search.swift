public import ArchiveStore
import Foundation
import Pacing
import PostgresNIO
import Synchronization

/// Search on PostgreSQL, with the SQLite store's query language and intent: words (and phrases and
/// prefixes) through `search_doc.words`, a tsvector under a GIN index, ranked by `ts_rank` and cut by
/// `ts_headline`; text written without spaces, and every term of a substring retry, through `ILIKE`,
/// which the pg_trgm GIN index answers. Every user string is bound as a parameter.
extension PostgresArchive {
    public func search(_ query: SearchQuery, options: SearchOptions, match: SearchHit.Match) async throws -> [SearchHit] {
        try await search(query, options: options, substrings: match == .substring)
    }

    public func searchCount(_ query: SearchQuery, match: SearchHit.Match) async throws -> Int {
        var statement = PostgresStatement()
        let (_, conditions, needsTask) = Self.matching(query, substrings: match == .substring, &statement)
        statement.sql = "SELECT count(*) FROM \(Self.entries(joiningTasks: needsTask)) WHERE \(conditions)"
        return try await read("counting matches") {
            try await connection.rows(statement, logger: Self.logger).first.map { try Columns($0)("count", as: Int.self) } ?? 0
        }
    }

    private func search(_ query: SearchQuery, options: SearchOptions, substrings: Bool) async throws -> [SearchHit] {
        var statement = PostgresStatement()
        let (tsquery, conditions, needsTask) = Self.matching(query, substrings: substrings, &statement)
        let likeTerms = substrings ? query.groups.joined().map(\.text) : query.groups.joined().filter(SearchPlan.needsTrigram).map(\.text)
        let score = tsquery.map { "ts_rank(d.words, \($0))" } ?? "0.0::real"
        // A long entry's snippet is cut from a window of it (`WindowSnippet`): ts_headline parses all of it.
        let isLong = "octet_length(d.body) > \(WindowSnippet.longEntry)"
        let snippet = tsquery.map {
            "CASE WHEN \(isLong) THEN NULL ELSE ts_headline('sigmic', d.body, \($0), 'StartSel=\"\u{2}\", StopSel=\"\u{3}\", MaxWords=16, MinWords=6, ShortWord=1, FragmentDelimiter=\"…\"') END"
        } ?? "CASE WHEN \(isLong) THEN NULL ELSE d.body END"
        let (windowTerms, locatorText) = WindowSnippet.marking(query, substrings: tsquery == nil ? likeTerms : nil)
        let locator = statement.bind(locatorText)
        // The page's order, and the same order for the rows joined back to it.
        let (order, pageOrder): (String, String)
        switch options.sort {
        case .relevance where tsquery != nil: (order, pageOrder) = ("score DESC, d.id", "page.score DESC, d.id")
        case .relevance, .newest: (order, pageOrder) = ("d.created_at DESC, d.id DESC", "d.created_at DESC, d.id DESC")
        case .oldest: (order, pageOrder) = ("d.created_at ASC, d.id ASC", "d.created_at ASC, d.id ASC")
        }
        let limit = statement.bind(options.limit == 0 ? nil : max(0, options.limit))
        let offset = statement.bind(max(0, options.offset))
        // The page first, then snippets for just its rows: ts_headline re-parses the whole text.
        statement.sql = """
            WITH page AS (
                SELECT d.id, \(score) AS score
                FROM \(Self.entries(joiningTasks: needsTask))
                WHERE \(conditions)
                ORDER BY \(order)
                LIMIT \(limit) OFFSET \(offset)
            )
            SELECT d.kind, d.role, d.tool_name, d.created_at, t.remote_id AS task_id, t.message AS task_message,
                   m.remote_id AS message_id, a.path AS artifact_path, \(snippet) AS snippet, page.score::float8 AS score,
                   substr(d.body, w.start, \(WindowSnippet.windowLength)) AS window, w.start AS window_start,
                   CASE WHEN \(isLong) THEN length(d.body) END AS entry_length
            FROM page JOIN search_doc d ON d.id = page.id JOIN task t ON t.id = d.task_id
            LEFT JOIN message m ON m.id = d.message_id LEFT JOIN artifact a ON a.id = d.artifact_id
            LEFT JOIN LATERAL (SELECT greatest(1, strpos(lower(d.body), \(locator)) - \(WindowSnippet.lead)) AS start) w ON \(isLong)
            ORDER BY \(pageOrder)
            """
        let match: SearchHit.Match = substrings ? .substring : .words
        return try await searching(options.deadline) {
            try await connection.rows(statement, logger: Self.logger).map { row in
                let column = Columns(row)
                let text: String
                if let window = try column("window", as: String?.self) {
                    text = WindowSnippet.snippet(window: window, windowStart: try column("window_start", as: Int.self),
                                                 entryLength: try column("entry_length", as: Int.self), terms: windowTerms,
                                                 substrings: tsquery == nil)
                } else {
                    let cut: String = try column("snippet")
                    text = tsquery == nil ? SnippetCutter.snippet(cut, terms: likeTerms) : Self.joiningMarks(cut)
                }
                return SearchHit(
                    taskID: try column("task_id"), taskTitle: try column("task_message", as: String?.self).map(Archive.title),
                    messageID: try column("message_id"), kind: Archive.state(try column("kind")), role: try column("role"),
                    toolName: try column("tool_name"), artifactPath: try column("artifact_path"), createdAt: try column("created_at"),
                    snippet: text, score: try column("score"), match: match)
            }
        }
    }

    /// Runs a search's statements under the deadline, as the reading connection's statement timeout
    /// for just their time; a search stopped by it (57014) is "too broad". Searches take turns on the
    /// connection (it runs one statement at a time anyway), so no other search resets the timeout
    /// early; another reader's statement that slips in between runs under the same limit, which no
    /// single read of one task or file piece comes near. When the asker goes (`cancellation`), a cancel
    /// request stops the running statement.
    func searching<T: Sendable>(_ deadline: SearchDeadline, _ body: () async throws -> T) async throws -> T {
        try await searchTurns.withPermit {
            if deadline.isCancelled { throw CancellationError() }
            let milliseconds = max(1, Int(deadline.limit / .milliseconds(1)))
            return try await read("searching") {
                _ = try await connection.rows(PostgresStatement("SET statement_timeout = \(milliseconds)"), logger: Self.logger)
                let running = Mutex(true)
                if let cancellation = deadline.cancellation {
                    let backend = try await readerBackend()
                    cancellation.onCancel { [configuration] in
                        guard running.withLock({ $0 }) else { return }
                        Task { await Self.cancelStatement(of: backend, configuration: configuration) }
                    }
                }
                let outcome: Result<T, any Error>
                do { outcome = .success(try await runUnderTimeout(deadline, body)) } catch { outcome = .failure(error) }
                running.withLock { $0 = false }
                _ = try? await connection.rows(PostgresStatement("SET statement_timeout = 0"), logger: Self.logger)
                return try outcome.get()
            }
        }
    }

    /// A search stopped by the statement timeout (57014) is "too broad", unless its asker went.
    private func runUnderTimeout<T>(_ deadline: SearchDeadline, _ body: () async throws -> T) async throws -> T {
        for attempt in 1...2 {
            do {
                return try await body()
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "57014" {
                if deadline.isCancelled { throw CancellationError() }
                // A cancel request sent just as an earlier search ended can reach this one: its
                // asker is still here, so it runs once more.
                if attempt == 1, error.serverInfo?[.message]?.contains("user request") == true { continue }
                throw deadline.exceeded
            }
        }
        throw deadline.exceeded
    }

    /// The reading connection's server process, asked for once.
    func readerBackend() async throws -> Int32 {
        if let known = readerBackendID.withLock({ $0 }) { return known }
        let id = try await connection.rows(PostgresStatement("SELECT pg_backend_pid()"), logger: Self.logger).first?.decode(Int32.self) ?? 0
        readerBackendID.withLock { $0 = id }
        return id
    }

    /// Asks the server to cancel what `backend` is running, over a connection of its own (the reading
    /// connection is busy running it). Best effort: the statement's timeout stops it anyway.
    static func cancelStatement(of backend: Int32, configuration: PostgresConnection.Configuration) async {
        guard let connection = try? await PostgresConnection.connect(configuration: configuration, id: 3, logger: logger) else { return }
        _ = try? await connection.query("SELECT pg_cancel_backend(\(backend))", logger: logger)
        try? await connection.close()
    }

    /// The search entries, with their tasks and accounts when a filter needs them (`d`, `t`, `acc`).
    static func entries(joiningTasks: Bool) -> String {
        joiningTasks ? "search_doc d JOIN task t ON t.id = d.task_id JOIN account acc ON acc.id = t.account_id" : "search_doc d"
    }

    /// ts_headline marks each word of a phrase on its own (`[release] [notes]`, `[read]_[file]`); the
    /// SQLite store marks the run (`[release notes]`). Marks parted only by spaces or punctuation join.
    static func joiningMarks(_ snippet: String) -> String {
        let scalars = Array(snippet.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if scalars[index] == "\u{3}" {
                var next = index + 1
                while next < scalars.count, next - index <= 3, !SearchQuery.isWordScalar(scalars[next]), scalars[next] != "\u{2}", scalars[next] != "\u{3}" {
                    next += 1
                }
                if next < scalars.count, next - index <= 4, scalars[next] == "\u{2}" {
                    out.append(contentsOf: scalars[(index + 1)..<next])   // keep what parted them, drop the marks
                    index = next + 1
                    continue
                }
            }
            out.append(scalars[index])
            index += 1
        }
        return String(out)
    }

    /// The tsquery expression (nil when no term goes to the word index) and the WHERE conditions that
    /// select the entries matching a query, its values bound into `statement`.
    static func matching(_ query: SearchQuery, substrings: Bool, _ statement: inout PostgresStatement)
        -> (tsquery: String?, conditions: String, needsTask: Bool) {
        var conditions = ["TRUE"]
        func words(_ term: SearchQuery.Term) -> String {
            switch term {
            case .word(let text), .phrase(let text): return "phraseto_tsquery('sigmic', \(statement.bind(text)))"
            case .prefix(let stem): return "(phraseto_tsquery('sigmic', \(statement.bind(stem)))::text || ':*')::tsquery"
            }
        }
        func like(_ term: SearchQuery.Term) -> String { "d.body ILIKE \(statement.bind(SearchPlan.likePattern(term.text))) ESCAPE '\\'" }
        func byIndex(_ term: SearchQuery.Term) -> Bool { !substrings && !SearchPlan.needsTrigram(term) }

        // Whole groups of words make the ranked tsquery; a group with text for ILIKE becomes a condition.
        var tsParts: [String] = []
        for group in query.groups {
            if group.allSatisfy(byIndex) {
                tsParts.append("(" + group.map(words).joined(separator: " || ") + ")")
            } else {
                conditions.append("(" + group.map { byIndex($0) ? "d.words @@ \(words($0))" : like($0) }.joined(separator: " OR ") + ")")
            }
        }
        for term in query.excluded {
            if byIndex(term) { tsParts.append("!!" + words(term)) } else { conditions.append("NOT (\(like(term)))") }
        }
        // A query of exclusions alone has no positive words to rank: they become conditions.
        let hasPositive = query.groups.contains { $0.allSatisfy(byIndex) }
        let tsquery = hasPositive ? "(" + tsParts.joined(separator: " && ") + ")" : nil
        if let tsquery { conditions.append("d.words @@ \(tsquery)") } else if !tsParts.isEmpty {
            conditions.append("d.words @@ (" + tsParts.joined(separator: " && ") + ")")
        }

        let filters = query.filters
        func anyOf(_ values: [String], _ clause: (String) -> String) {
            guard !values.isEmpty else { return }
            conditions.append("(" + values.map(clause).joined(separator: " OR ") + ")")
        }
        anyOf(filters.roles) { "d.role = \(statement.bind($0))" }
        anyOf(filters.kinds.map(\.rawValue)) { "d.kind = \(statement.bind($0))" }
        anyOf(filters.statuses) { "t.status = \(statement.bind($0))" }
        anyOf(filters.tools) { "lower(d.tool_name) = lower(\(statement.bind($0)))" }
        anyOf(filters.taskPrefixes) { "t.remote_id LIKE \(statement.bind(SearchPlan.likePrefix($0))) ESCAPE '\\'" }
        anyOf(filters.accounts) { value in
            let bound = statement.bind(value)
            return "(strpos(acc.base_url, \(bound)) > 0 OR acc.key_fingerprint = \(bound))"
        }
        if let after = filters.after { conditions.append("d.created_at >= \(statement.bind(after))") }
        if let before = filters.before { conditions.append("d.created_at < \(statement.bind(before))") }
        if filters.hasArtifact { conditions.append("EXISTS (SELECT 1 FROM artifact x WHERE x.task_id = d.task_id)") }
        // Only a task or account filter needs those tables: joined otherwise, the planner, expecting
        // thousands of matches, hashed all tasks first (43 ms at 1M messages against 0.3 ms).
        let needsTask = !filters.statuses.isEmpty || !filters.taskPrefixes.isEmpty || !filters.accounts.isEmpty
        return (tsquery, conditions.joined(separator: " AND "), needsTask)
    }
}
