import Foundation
import GRDB

extension Archive {
    /// Counted by `InsightTally` over narrow reads: the scope's tasks through the covering index
    /// `task_by_creation`, messages per task through `message_by_task` and `message_user_turns`, tool
    /// calls through `message_tool_calls`, artifacts; errors grouped in SQL (failed tasks only).
    public func insightAggregates(_ scope: InsightScope) async throws -> InsightAggregates {
        try await read("counting insights") { db in
            let (conditions, arguments) = Self.insightConditions(scope)
            var tally = InsightTally(period: scope.period)
            let tasks = try Row.fetchCursor(db, sql: """
                SELECT t.id, t.remote_id, t.status, t.created_at, t.started_at, t.completed_at, t.auto_execute, t.origin
                FROM task t JOIN account a ON a.id = t.account_id WHERE \(conditions)
                """, arguments: StatementArguments(arguments))
            while let row = try tasks.next() {
                tally.add(InsightTally.TaskRow(id: row[0], remoteID: row[1], status: row[2], createdAt: row[3], startedAt: row[4],
                                               completedAt: row[5], autoExecute: row[6], origin: row[7]))
            }
            let counts = try Row.fetchCursor(db, sql: """
                SELECT task_id, count(*) FROM message GROUP BY task_id
                """)
            var totals: [Int64: Int] = [:]
            while let row = try counts.next() { totals[row[0]] = row[1] }
            let users = try Row.fetchCursor(db, sql: "SELECT task_id, count(*) FROM message WHERE role = 'user' GROUP BY task_id")
            var userCounts: [Int64: Int] = [:]
            while let row = try users.next() { userCounts[row[0]] = row[1] }
            for (task, count) in totals { tally.addMessages(task: task, count: count, users: userCounts[task] ?? 0) }
            let calls = try Row.fetchCursor(db, sql: """
                SELECT task_id, position, tool_calls_json FROM message WHERE tool_calls_json IS NOT NULL
                """)
            while let row = try calls.next() {
                let task: Int64 = row[0]
                guard tally.tasks[task] != nil, let json: String = row[2], let list = ToolCallFields.calls(in: json) else { continue }
                tally.addToolCalls(list, task: task, position: row[1])
            }
            let artifacts = try Row.fetchCursor(db, sql: "SELECT task_id, mime_type, size FROM artifact")
            while let row = try artifacts.next() { tally.addArtifact(task: row[0], mimeType: row[1], size: row[2]) }
            let errors = try Row.fetchAll(db, sql: """
                SELECT coalesce(nullif(trim(t.error), ''), '(no message)') AS error_text, count(*) AS n, max(t.created_at) AS last
                FROM task t JOIN account a ON a.id = t.account_id WHERE \(conditions) AND t.status = 'failed'
                GROUP BY error_text ORDER BY n DESC, error_text LIMIT ?
                """, arguments: StatementArguments(arguments + [InsightAggregates.topCount])).map {
                InsightAggregates.ErrorGroup(message: $0["error_text"], tasks: $0["n"], lastAt: $0["last"])
            }
            let (byMessages, byBytes) = tally.largestTasks
            let named = Set(byMessages.map(\.task) + byBytes.map(\.task))
            var prompts: [Int64: String] = [:]
            if !named.isEmpty {
                for row in try Row.fetchAll(db, sql: "SELECT id, message FROM task WHERE id IN (\(named.map(String.init).joined(separator: ", ")))") {
                    prompts[row[0]] = row[1]
                }
            }
            return tally.aggregates(errors: errors, prompts: prompts)
        }
    }

    static func insightConditions(_ scope: InsightScope) -> (String, [any DatabaseValueConvertible]) {
        var conditions = ["1"]
        var arguments: [any DatabaseValueConvertible] = []
        if let since = scope.since {
            conditions.append("t.created_at >= ?")
            arguments.append(since)
        }
        if let until = scope.until {
            conditions.append("t.created_at < ?")
            arguments.append(until)
        }
        if let account = scope.account {
            conditions.append("(instr(a.base_url, ?) > 0 OR a.key_fingerprint = ?)")
            arguments += [account, account]
        }
        return (conditions.joined(separator: " AND "), arguments)
    }
}
