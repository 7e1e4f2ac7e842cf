import Foundation
internal import GRDB

/// Which tasks `tasks` lists.
public struct TaskFilter: Sendable {
    public var statuses: [TaskStatus] = []
    /// Inclusive lower bound on last activity (canonical timestamp).
    public var since: String?
    /// Exclusive upper bound on last activity.
    public var until: String?
    /// A substring of the account's base URL, or its key fingerprint.
    public var account: String?
    /// Only pinned tasks (true) or only unpinned ones (false); nil for both.
    public var pinned: Bool?
    /// At most this many tasks; 0 for all of them.
    public var limit = 50
    /// Tasks skipped first (for paging).
    public var offset = 0

    public init() {}
}

extension TaskFilter {
    /// Why a status a person typed (an option, a query parameter, a tool argument) is not one, or nil.
    /// Written once for `tasks`, `serve` and `mcp`, so all three say the same.
    public static func problem(status text: String) -> String? {
        let documented = TaskStatus.documented.map(\.rawValue)
        guard !documented.contains(text) else { return nil }
        return "unknown status \(text); use one of \(documented.sorted().joined(separator: ", "))"
    }

    /// Why a date a person typed for `option` (`--since`, `since`, …) is not one, or nil.
    public static func problem(date text: String, option: String) -> String? {
        SearchQuery.Filters.dateBound(text) == nil ? "\(option) \(text) is not a date; use YYYY-MM-DD or an ISO-8601 time" : nil
    }
}

/// One row of the task list.
public struct TaskSummary: Sendable, Equatable, Codable {
    public let id: String
    public let status: TaskStatus
    public let createdAt: String
    public let lastActivityAt: String
    public let messageCount: Int?
    public let title: String
    public let account: String
    public let remoteState: RemoteState

    package init(id: String, status: TaskStatus, createdAt: String, lastActivityAt: String, messageCount: Int?,
                 title: String, account: String, remoteState: RemoteState) {
        self.id = id; self.status = status; self.createdAt = createdAt; self.lastActivityAt = lastActivityAt
        self.messageCount = messageCount; self.title = title; self.account = account; self.remoteState = remoteState
    }
}

extension Archive {
    /// Tasks, newest activity first.
    public func tasks(_ filter: TaskFilter) async throws -> [TaskSummary] {
        var (conditions, arguments) = Self.conditions(filter)
        arguments += [Self.sqlLimit(filter.limit), max(0, filter.offset)]
        let sql = """
            SELECT t.remote_id, t.status, t.created_at, t.last_activity_at, t.message_count, t.message, t.remote_state,
                   a.base_url,
                   (SELECT m.content FROM message m WHERE m.task_id = t.id AND m.role = 'user' ORDER BY m.position LIMIT 1) AS first_user
            FROM task t JOIN account a ON a.id = t.account_id
            WHERE \(conditions.isEmpty ? "1" : conditions.joined(separator: " AND "))
            ORDER BY t.last_activity_at DESC, t.created_at DESC, t.remote_id
            LIMIT ? OFFSET ?
            """
        let statementArguments: StatementArguments = StatementArguments(arguments)
        return try await read("listing tasks") { db in
            try Row.fetchAll(db, sql: sql, arguments: statementArguments).map { row in
                // The title is the first line of the first user message (the task's own `message` when
                // its history is not synced yet).
                let source: String = (row["first_user"] as String?) ?? (row["message"] as String?) ?? ""
                return TaskSummary(id: row["remote_id"], status: TaskStatus(row["status"]), createdAt: row["created_at"],
                                   lastActivityAt: row["last_activity_at"], messageCount: row["message_count"],
                                   title: Self.title(source), account: row["base_url"], remoteState: Self.state(row["remote_state"]))
            }
        }
    }

    /// How many tasks a filter selects, whatever its limit and offset: the "50 of 812" of a cut list.
    public func taskCount(_ filter: TaskFilter) async throws -> Int {
        let (conditions, arguments) = Self.conditions(filter)
        let statementArguments: StatementArguments = StatementArguments(arguments)
        return try await read("counting tasks") { db in
            try Int.fetchOne(db, sql: """
                SELECT count(*) FROM task t JOIN account a ON a.id = t.account_id
                WHERE \(conditions.isEmpty ? "1" : conditions.joined(separator: " AND "))
                """, arguments: statementArguments) ?? 0
        }
    }

    /// Whole task rows for a filter, newest activity first (for export).
    public func storedTasks(_ filter: TaskFilter) async throws -> [StoredTask] {
        var (conditions, arguments) = Self.conditions(filter)
        arguments.append(Self.sqlLimit(filter.limit))
        let statementArguments: StatementArguments = StatementArguments(arguments)
        let sql = """
            SELECT t.*, a.base_url AS account_base_url FROM task t JOIN account a ON a.id = t.account_id
            WHERE \(conditions.isEmpty ? "1" : conditions.joined(separator: " AND "))
            ORDER BY t.last_activity_at DESC, t.created_at DESC, t.remote_id
            LIMIT ?
            """
        return try await read("listing tasks") { db in
            try Row.fetchAll(db, sql: sql, arguments: statementArguments).map(Self.storedTask)
        }
    }

    /// Ids of tasks whose first 8 characters another task shares (their short names would collide).
    public func taskIDsWithSharedShortPrefix() async throws -> Set<String> {
        try await read("listing tasks") { db in
            Set(try String.fetchAll(db, sql: """
                SELECT remote_id FROM task WHERE substr(remote_id, 1, 8) IN
                    (SELECT substr(remote_id, 1, 8) FROM task GROUP BY 1 HAVING count(DISTINCT remote_id) > 1)
                """))
        }
    }

    /// A list's limit as SQL's LIMIT: 0 (all) is -1 there.
    static func sqlLimit(_ limit: Int) -> Int { limit == 0 ? -1 : max(0, limit) }

    static func conditions(_ filter: TaskFilter) -> ([String], [any DatabaseValueConvertible]) {
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if !filter.statuses.isEmpty {
            conditions.append("t.status IN (" + filter.statuses.map { _ in "?" }.joined(separator: ", ") + ")")
            arguments += filter.statuses.map { $0.rawValue as any DatabaseValueConvertible }
        }
        if let since = filter.since {
            conditions.append("t.last_activity_at >= ?")
            arguments.append(since)
        }
        if let until = filter.until {
            conditions.append("t.last_activity_at < ?")
            arguments.append(until)
        }
        if let pinned = filter.pinned {
            conditions.append("t.pinned = ?")
            arguments.append(pinned ? 1 : 0)
        }
        if let account = filter.account {
            conditions.append("(instr(a.base_url, ?) > 0 OR a.key_fingerprint = ?)")
            arguments += [account, account]
        }
        return (conditions, arguments)
    }
}
