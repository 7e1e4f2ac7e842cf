public import ArchiveStore
import PostgresNIO

extension PostgresArchive {
    /// Rows arrive as postgres-nio streams them, so the archive is never in memory at once.
    public func eachText(_ visit: @escaping @Sendable (ArchivedText) throws -> Void) async throws {
        try await read("reading the archive's texts") {
            let taskColumns = TaskTextColumn.allCases
            let tasks = PostgresStatement("SELECT id, remote_id, \(taskColumns.map(\.rawValue).joined(separator: ", ")) FROM task ORDER BY id")
            for try await row in try await connection.query(tasks.query, logger: Self.logger) {
                // Columns by position, as the statement lists them (as SQLite's reading does).
                let column = Columns(row)
                let task = TaskRowID(rawValue: try column.at(0))
                let taskID: String = try column.at(1)
                for (offset, name) in taskColumns.enumerated() {
                    guard let text = try column.at(2 + offset, as: String?.self) else { continue }
                    try visit(ArchivedText(taskID: taskID, task: task, place: .task(name), text: text))
                }
            }
            let messageColumns = MessageTextColumn.allCases
            let messages = PostgresStatement("""
                SELECT m.id, m.task_id, t.remote_id AS task_remote_id, m.remote_id, \(messageColumns.map { "m." + $0.rawValue }.joined(separator: ", "))
                FROM message m JOIN task t ON t.id = m.task_id ORDER BY m.task_id, m.id
                """)
            for try await row in try await connection.query(messages.query, logger: Self.logger) {
                let column = Columns(row)
                let task = TaskRowID(rawValue: try column.at(1))
                let taskID: String = try column.at(2)
                let place = (row: try column.at(0, as: Int64.self), remoteID: try column.at(3, as: String.self))
                for (offset, name) in messageColumns.enumerated() {
                    guard let text = try column.at(4 + offset, as: String?.self) else { continue }
                    try visit(ArchivedText(taskID: taskID, task: task, place: .message(row: place.row, remoteID: place.remoteID, column: name),
                                           text: text))
                }
            }
            let events = PostgresStatement("""
                SELECT e.id, e.session_id, e.seq, e.type, e.data, s.task_id, t.remote_id AS task_remote_id
                FROM stream_event e JOIN attach_session s ON s.id = e.session_id JOIN task t ON t.id = s.task_id
                ORDER BY s.task_id, e.id
                """)
            for try await row in try await connection.query(events.query, logger: Self.logger) {
                let column = Columns(row)
                try visit(ArchivedText(taskID: try column("task_remote_id"), task: TaskRowID(rawValue: try column("task_id")),
                                       place: .event(row: try column("id"), session: try column("session_id"), seq: try column("seq"),
                                                     type: try column("type")),
                                       text: try column("data")))
            }
            // What was sent from the outbox; an item still waiting is sent as it was written.
            let outbox = PostgresStatement("""
                SELECT id, coalesce(task_remote_id, remote_id, 'outbox-' || id) AS task, message, system_prompt FROM outbox
                WHERE state IN ('sent', 'stale', 'failed') ORDER BY id
                """)
            for try await row in try await connection.query(outbox.query, logger: Self.logger) {
                let column = Columns(row)
                for (offset, name) in OutboxTextColumn.allCases.enumerated() {
                    guard let text = try column.at(2 + offset, as: String?.self) else { continue }
                    try visit(ArchivedText(taskID: try column.at(1), task: nil, place: .outbox(row: try column.at(0), column: name), text: text))
                }
            }
        }
    }
}
