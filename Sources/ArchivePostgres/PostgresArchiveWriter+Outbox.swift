public import ArchiveStore
import Foundation
import PostgresNIO

/// The outbox, as the acting commands queue to it and the sender marks it.
extension PostgresArchiveWriter {
    public func enqueue(_ item: NewOutboxItem, account: AccountID, sending: Bool) throws -> Int64 {
        var statement = PostgresStatement()
        statement.sql = """
            INSERT INTO outbox (account_id, kind, task_remote_id, message, system_prompt, auto_execute, call_id, outcome,
                state, queued_at, sending_at)
            VALUES (\(statement.bind(account.rawValue)), \(statement.bind(item.kind.rawValue)), \(statement.bind(item.taskID)),
                    \(statement.bind(item.message)), \(statement.bind(item.systemPrompt)), \(statement.bind(item.autoExecute)),
                    \(statement.bind(item.callID)), \(statement.bind(item.outcome)), \(statement.bind(sending ? "sending" : "queued")),
                    \(statement.bind(now)), \(statement.bind(sending ? now : nil)))
            RETURNING id
            """
        let id = try self.id(statement)!
        for (position, file) in item.files.enumerated() {
            try storeBlob(file.blob)
            var attach = PostgresStatement()
            attach.sql = """
                INSERT INTO outbox_file (outbox_id, position, filename, content_type, blob_sha256)
                VALUES (\(attach.bind(id)), \(attach.bind(position)), \(attach.bind(file.filename)), \(attach.bind(file.contentType)),
                        \(attach.bind(file.blob.hash.hex)))
                """
            try run(attach)
        }
        return id
    }

    public func markOutbox(_ id: Int64, _ state: OutboxItem.State, remoteID: String?, note: String?) throws {
        var statement = PostgresStatement()
        let newState = statement.bind(state.rawValue)
        let stamp = statement.bind(now)
        statement.sql = """
            UPDATE outbox SET state = \(newState),
                sending_at = CASE WHEN \(newState) = 'sending' THEN \(stamp) ELSE sending_at END,
                sent_at = CASE WHEN \(newState) = 'sent' THEN \(stamp) ELSE sent_at END,
                remote_id = coalesce(\(statement.bind(remoteID)), remote_id), note = \(statement.bind(note))
            WHERE id = \(statement.bind(id))
            """
        try run(statement)
    }

    public func dropOutboxItem(_ id: Int64) throws -> Bool {
        var statement = PostgresStatement()
        statement.sql = "DELETE FROM outbox WHERE id = \(statement.bind(id)) AND state <> 'sent' RETURNING id"
        return try !run(statement).isEmpty
    }
}
