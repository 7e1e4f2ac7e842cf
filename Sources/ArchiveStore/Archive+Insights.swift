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
            func seconds(_ row: RawRow, _ column: Int32) -> Double? {
                row.bytes(column).flatMap { Timestamp.canonicalSeconds($0) ?? Timestamp.parse(String(decoding: $0, as: UTF8.self))?.timeIntervalSince1970 }
            }
            try RawRow.forEach(db, """
                SELECT t.id, t.remote_id, t.status, t.created_at, t.started_at, t.completed_at, t.auto_execute, t.origin
                FROM task t JOIN account a ON a.id = t.account_id WHERE \(conditions)
                """, arguments: StatementArguments(arguments)) { row in
                tally.add(InsightTally.TaskRow(id: row.int64(0), remoteID: row.text(1) ?? "", status: row.text(2) ?? "",
                                               created: seconds(row, 3) ?? 0, started: seconds(row, 4), completed: seconds(row, 5),
                                               autoExecute: row.isNull(6) ? nil : row.int64(6) != 0, origin: row.text(7)))
            }
            // Messages and user turns per task, both in task order: read side by side.
            let counts = try RawCursor(db, "SELECT task_id, count(*) FROM message GROUP BY task_id ORDER BY task_id")
            let users = try RawCursor(db, "SELECT task_id, count(*) FROM message WHERE role = 'user' GROUP BY task_id ORDER BY task_id")
            var user = try users.next().map { (task: $0.int64(0), count: Int($0.int64(1))) }
            while let row = try counts.next() {
                let task = row.int64(0)
                while let known = user, known.task < task { user = try users.next().map { ($0.int64(0), Int($0.int64(1))) } }
                tally.addMessages(task: task, count: Int(row.int64(1)), users: user?.task == task ? user!.count : 0)
            }
            // Tool calls, one task's messages at a time (the partial index gives them in task order).
            let calls = "SELECT task_id, position, tool_calls_json FROM message WHERE tool_calls_json IS NOT NULL ORDER BY task_id"
            var pendingTask: Int64?
            var pending: [(position: Int, calls: [ToolCallFields.Call])] = []
            try RawRow.forEach(db, calls) { row in
                let task = row.int64(0)
                guard tally.tasks[task] != nil, let json = row.bytes(2), let list = ToolCallFields.calls(inUTF8: json) else { return }
                if let done = pendingTask, done != task {
                    tally.addToolCalls(task: done, messages: pending)
                    pending.removeAll(keepingCapacity: true)
                }
                pendingTask = task
                pending.append((Int(row.int64(1)), list))
            }
            if let done = pendingTask { tally.addToolCalls(task: done, messages: pending) }
            try RawRow.forEach(db, "SELECT task_id, mime_type, size FROM artifact") { row in
                tally.addArtifact(task: row.int64(0), mimeType: row.text(1), size: row.isNull(2) ? nil : row.int64(2))
            }
            let errors = try Row.fetchAll(db, sql: """
                SELECT coalesce(nullif(trim(t.error), ''), '(no message)') AS error_text, count(*) AS n, max(t.created_at) AS last
                FROM task t JOIN account a ON a.id = t.account_id WHERE \(conditions) AND t.status = 'failed'
                GROUP BY error_text ORDER BY n DESC, error_text LIMIT ?
                """, arguments: StatementArguments(arguments + [InsightAggregates.topCount])).map {
                InsightAggregates.ErrorGroup(message: $0["error_text"], tasks: $0["n"], lastAt: $0["last"])
            }
            let largest = tally.largestTasks
            let named = Set(largest.byMessages.map(\.task) + largest.byBytes.map(\.task))
            var prompts: [Int64: String] = [:]
            if !named.isEmpty {
                for row in try Row.fetchAll(db, sql: "SELECT id, message FROM task WHERE id IN (\(named.map(String.init).joined(separator: ", ")))") {
                    prompts[row[0]] = row[1]
                }
            }
            return tally.aggregates(errors: errors, largest: largest, prompts: prompts)
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
