import Foundation
internal import GRDB

extension Archive {
    public func eachText(_ visit: @escaping @Sendable (ArchivedText) throws -> Void) async throws {
        try await read("reading the archive's texts") { db in
            let taskColumns = TaskTextColumn.allCases
            let tasks = try Row.fetchCursor(db, sql: "SELECT id, remote_id, \(taskColumns.map(\.rawValue).joined(separator: ", ")) FROM task ORDER BY id")
            // Columns by position: a name lookup per column and row was a third of a scan's time.
            while let row = try tasks.next() {
                let task = TaskRowID(rawValue: row[0])
                let taskID: String = row[1]
                for (offset, column) in taskColumns.enumerated() {
                    guard let text: String = row[2 + offset] else { continue }
                    try visit(ArchivedText(taskID: taskID, task: task, place: .task(column), text: text))
                }
            }
            let messageColumns = MessageTextColumn.allCases
            let messages = try Row.fetchCursor(db, sql: """
                SELECT m.id, m.task_id, t.remote_id AS task_remote_id, m.remote_id, \(messageColumns.map { "m." + $0.rawValue }.joined(separator: ", "))
                FROM message m JOIN task t ON t.id = m.task_id ORDER BY m.task_id, m.id
                """)
            while let row = try messages.next() {
                let (id, task, taskID, remoteID): (Int64, Int64, String, String) = (row[0], row[1], row[2], row[3])
                for (offset, column) in messageColumns.enumerated() {
                    guard let text: String = row[4 + offset] else { continue }
                    try visit(ArchivedText(taskID: taskID, task: TaskRowID(rawValue: task),
                                           place: .message(row: id, remoteID: remoteID, column: column), text: text))
                }
            }
            let events = try Row.fetchCursor(db, sql: """
                SELECT e.id, e.session_id, e.seq, e.type, e.data, s.task_id, t.remote_id AS task_remote_id
                FROM stream_event e JOIN attach_session s ON s.id = e.session_id JOIN task t ON t.id = s.task_id
                ORDER BY s.task_id, e.id
                """)
            while let row = try events.next() {
                try visit(ArchivedText(taskID: row["task_remote_id"], task: TaskRowID(rawValue: row["task_id"]),
                                       place: .event(row: row["id"], session: row["session_id"], seq: row["seq"], type: row["type"]),
                                       text: row["data"]))
            }
            // What was sent from the outbox; an item still waiting is sent as it was written.
            let outbox = try Row.fetchCursor(db, sql: """
                SELECT id, coalesce(task_remote_id, remote_id, 'outbox-' || id) AS task, message, system_prompt FROM outbox
                WHERE state IN ('sent', 'stale', 'failed') ORDER BY id
                """)
            while let row = try outbox.next() {
                for (offset, column) in OutboxTextColumn.allCases.enumerated() {
                    guard let text: String = row[2 + offset] else { continue }
                    try visit(ArchivedText(taskID: row["task"], task: nil, place: .outbox(row: row["id"], column: column), text: text))
                }
            }
        }
    }
}
