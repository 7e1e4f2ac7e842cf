import Foundation
internal import GRDB

extension SQLiteArchiveWriter {
    /// Puts an item in the outbox, with its files' blob rows. `sending`: the request may already have
    /// reached the server (it timed out), so the item is reconciled before it is sent again.
    @discardableResult
    public func enqueue(_ item: NewOutboxItem, account: AccountID, sending: Bool) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO outbox (account_id, kind, task_remote_id, message, system_prompt, auto_execute, call_id, outcome,
                state, queued_at, sending_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [account.rawValue, item.kind.rawValue, item.taskID, item.message, item.systemPrompt, item.autoExecute,
                             item.callID, item.outcome, sending ? "sending" : "queued", now, sending ? now : nil])
        let id = db.lastInsertedRowID
        for (position, file) in item.files.enumerated() {
            try db.execute(sql: "INSERT INTO blob (sha256, size, stored_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                           arguments: [file.blob.hash.hex, file.blob.size, now])
            try db.execute(sql: """
                INSERT INTO outbox_file (outbox_id, position, filename, content_type, blob_sha256) VALUES (?, ?, ?, ?, ?)
                """, arguments: [id, position, file.filename, file.contentType, file.blob.hash.hex])
        }
        return id
    }

    /// Moves an item to `state`: `sending` stamps when its request went out, `sent` when the answer
    /// came (with the created task's id for a `create`); `note` says why for stale, expired or failed.
    public func markOutbox(_ id: Int64, _ state: OutboxItem.State, remoteID: String?, note: String?) throws {
        try db.execute(sql: """
            UPDATE outbox SET state = ?,
                sending_at = CASE WHEN ? = 'sending' THEN ? ELSE sending_at END,
                sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END,
                remote_id = coalesce(?, remote_id), note = ?
            WHERE id = ?
            """, arguments: [state.rawValue, state.rawValue, now, state.rawValue, now, remoteID, note, id])
    }

    /// Removes an item that has not been sent. Returns false when there is none (or it was sent).
    public func dropOutboxItem(_ id: Int64) throws -> Bool {
        try db.execute(sql: "DELETE FROM outbox WHERE id = ? AND state <> 'sent'", arguments: [id])
        return db.changesCount > 0
    }
}

extension Archive {
    /// The outbox in the order items were queued: every item, or those of one account in some states.
    public func outbox(account: AccountID? = nil, states: Set<OutboxItem.State>? = nil) async throws -> [OutboxItem] {
        try await read("reading the outbox") { db in
            var conditions: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            if let account {
                conditions.append("o.account_id = ?")
                arguments.append(account.rawValue)
            }
            if let states {
                conditions.append("o.state IN (" + states.map { _ in "?" }.joined(separator: ", ") + ")")
                arguments += states.map(\.rawValue)
            }
            let rows = try Row.fetchAll(db, sql: "SELECT o.*, a.base_url AS account_base_url FROM outbox o JOIN account a ON a.id = o.account_id"
                                        + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")) + " ORDER BY o.id",
                                        arguments: StatementArguments(arguments) as StatementArguments)
            return try rows.map { row in
                let id: Int64 = row["id"]
                let files = try Row.fetchAll(db, sql: "SELECT * FROM outbox_file WHERE outbox_id = ? ORDER BY position", arguments: [id])
                    .compactMap { file -> OutboxItem.File? in
                        guard let hash = BlobHash(hex: file["blob_sha256"]) else { return nil }
                        return OutboxItem.File(filename: file["filename"], contentType: file["content_type"], blob: hash)
                    }
                return OutboxItem(id: id, accountBaseURL: row["account_base_url"], kind: Self.state(row["kind"]), taskID: row["task_remote_id"], message: row["message"],
                                  systemPrompt: row["system_prompt"], autoExecute: row["auto_execute"], callID: row["call_id"],
                                  outcome: row["outcome"], state: Self.state(row["state"]), queuedAt: row["queued_at"],
                                  sendingAt: row["sending_at"], sentAt: row["sent_at"], remoteID: row["remote_id"],
                                  note: row["note"], files: files)
            }
        }
    }
}
