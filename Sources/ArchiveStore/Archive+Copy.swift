import Foundation
internal import GRDB

/// A table row as its columns' values, for moving an archive between engines (`copy`). Row ids and the
/// foreign keys that hold them are left out: the target gives its own and links rows by natural keys
/// (an account's URL and key fingerprint, a task's remote id, a blob's SHA-256).
package struct CopiedRow: Sendable, Hashable {
    package var columns: [String]
    package var values: [CopiedValue]

    package init(columns: [String], values: [CopiedValue]) {
        self.columns = columns
        self.values = values
    }

    package subscript(column: String) -> CopiedValue? {
        columns.firstIndex(of: column).map { values[$0] }
    }
}

package enum CopiedValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}

/// One task with everything that hangs from it: what `copy` moves in one transaction.
package struct CopiedTask: Sendable {
    /// base_url, key_fingerprint, created_at.
    package let account: CopiedRow
    package let task: CopiedRow
    package let messages: [CopiedRow]
    package let sessions: [(session: CopiedRow, events: [CopiedRow])]
    package let artifacts: [CopiedRow]

    package init(account: CopiedRow, task: CopiedRow, messages: [CopiedRow], sessions: [(session: CopiedRow, events: [CopiedRow])],
                 artifacts: [CopiedRow]) {
        (self.account, self.task, self.messages, self.sessions, self.artifacts) = (account, task, messages, sessions, artifacts)
    }

    /// The account's base URL and key fingerprint with the task's remote id: what a tombstone names.
    package var tombstoneKey: String {
        func text(_ value: CopiedValue?) -> String { if case .text(let text)? = value { text } else { "" } }
        return Tombstone.key(baseURL: text(account["base_url"]), fingerprint: text(account["key_fingerprint"]), remoteID: text(task["remote_id"]))
    }

    /// The task columns that tell an unchanged copy: its sync mark and activity.
    package static let markColumns = ["last_synced_at", "last_activity_at", "sync_state", "status", "remote_state"]

    /// Those columns' values as one text, from any engine's row (`value` gives a column's text or nil).
    package static func mark(_ value: (String) throws -> String?) rethrows -> String {
        try markColumns.map { try value($0) ?? "-" }.joined(separator: "|")
    }

    /// This task's mark.
    package var mark: String {
        Self.mark { column in if case .text(let text)? = task[column] { text } else { nil } }
    }
}

extension Archive {
    /// Every task, oldest first (so a copy interrupted midway has the old ones).
    package func taskRowIDsForCopy() throws -> [TaskRowID] {
        try read("listing tasks") { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM task ORDER BY id").map { TaskRowID(rawValue: $0) }
        }
    }

    /// A task's rows, read in one snapshot.
    package func copiedTask(_ id: TaskRowID) throws -> CopiedTask {
        try read("reading a task to copy") { db in
            func rows(_ sql: String, _ arguments: StatementArguments, without: Set<String>) throws -> [CopiedRow] {
                try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                    var copied = CopiedRow(columns: [], values: [])
                    for (column, value) in row where !without.contains(column) {
                        copied.columns.append(column)
                        switch value.storage {
                        case .null: copied.values.append(.null)
                        case .int64(let number): copied.values.append(.integer(number))
                        case .double(let number): copied.values.append(.real(number))
                        case .string(let text): copied.values.append(.text(text))
                        case .blob(let data): copied.values.append(.text(String(decoding: data, as: UTF8.self)))
                        }
                    }
                    return copied
                }
            }
            let key: StatementArguments = [id.rawValue]
            guard let task = try rows("SELECT * FROM task WHERE id = ?", key, without: ["id", "account_id"]).first else {
                throw ArchiveError.taskNotFound("row \(id.rawValue)")
            }
            let account = try rows("SELECT a.base_url, a.key_fingerprint, a.created_at FROM account a JOIN task t ON t.account_id = a.id WHERE t.id = ?",
                                   key, without: [])[0]
            let messages = try rows("SELECT * FROM message WHERE task_id = ? ORDER BY id", key, without: ["id", "task_id"])
            let sessionIDs = try Int64.fetchAll(db, sql: "SELECT id FROM attach_session WHERE task_id = ? ORDER BY id", arguments: key)
            let sessions = try sessionIDs.map { session in
                (session: try rows("SELECT * FROM attach_session WHERE id = ?", [session], without: ["id", "task_id"])[0],
                 events: try rows("SELECT * FROM stream_event WHERE session_id = ? ORDER BY id", [session], without: ["id", "session_id"]))
            }
            let artifacts = try rows("SELECT * FROM artifact WHERE task_id = ? ORDER BY id", key, without: ["id", "task_id"])
            return CopiedTask(account: account, task: task, messages: messages, sessions: sessions, artifacts: artifacts)
        }
    }

    /// Queued or unsettled outbox items: `copy` refuses to move an archive that still has some.
    package func unsentOutboxCount() throws -> Int {
        try read("reading the outbox") { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending', 'expired')") ?? 0
        }
    }

    /// Each account's sync cursor, by its natural key.
    package func syncCursorsForCopy() throws -> [(account: CopiedRow, cursor: CopiedRow)] {
        try read("reading sync cursors") { db in
            try Row.fetchAll(db, sql: """
                SELECT a.base_url, a.key_fingerprint, a.created_at, c.high_water_activity, c.last_sync_at, c.last_full_sync_at
                FROM sync_cursor c JOIN account a ON a.id = c.account_id ORDER BY a.id
                """).map { row in
                func text(_ column: String) -> CopiedValue { (row[column] as String?).map(CopiedValue.text) ?? .null }
                return (CopiedRow(columns: ["base_url", "key_fingerprint", "created_at"],
                                  values: [text("base_url"), text("key_fingerprint"), text("created_at")]),
                        CopiedRow(columns: ["high_water_activity", "last_sync_at", "last_full_sync_at"],
                                  values: [text("high_water_activity"), text("last_sync_at"), text("last_full_sync_at")]))
            }
        }
    }
}

/// The writing half of `copy --from postgres://… --to DIR`: a task and everything hanging from it
/// replaced in one transaction, its files stored first.
extension Archive {
    /// Replaces the task `copied` describes, unless the archive has it unchanged (false then). Files
    /// the archive lacks are stored first, by `storeBlob` (which streams them from the source), so
    /// they are on disk before any row names them.
    package func replace(_ copied: CopiedTask, storeBlob: (BlobHash) async throws -> StoredBlob) async throws -> Bool {
        guard case .text(let remoteID)? = copied.task["remote_id"] else { throw ArchiveError.taskNotFound("a task without an id") }
        let current = try read("reading a task to copy") { db in
            try Row.fetchOne(db, sql: """
                SELECT \(CopiedTask.markColumns.map { "t.\($0)" }.joined(separator: ", "))
                FROM task t JOIN account a ON a.id = t.account_id
                WHERE a.base_url = ? AND a.key_fingerprint = ? AND t.remote_id = ?
                """, arguments: [Self.text(copied.account["base_url"]), Self.text(copied.account["key_fingerprint"]), remoteID])
        }
        if let current, CopiedTask.mark({ current[$0] as String? }) == copied.mark { return false }
        var blobs: [StoredBlob] = []
        for artifact in copied.artifacts {
            guard case .text(let hex)? = artifact["blob_sha256"] else { continue }
            guard let hash = BlobHash(hex: hex) else { throw ArchiveError.invalidBlobHash(hex) }
            // A file a committed row names is on disk already (it was flushed before that commit).
            let stored = try await read("looking up a file") { db in
                try Int64.fetchOne(db, sql: "SELECT size FROM blob WHERE sha256 = ?", arguments: [hex])
            }
            if let size = stored {
                blobs.append(StoredBlob(hash: hash, size: size, isNew: false))
            } else {
                blobs.append(try await storeBlob(hash))
            }
        }
        let stored = blobs
        try await write { writer in
            let db = writer.db
            try db.execute(sql: "INSERT INTO account (base_url, key_fingerprint, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                           arguments: StatementArguments(copied.account.values.map(Self.databaseValue)))
            let account = try Int64.fetchOne(db, sql: "SELECT id FROM account WHERE base_url = ? AND key_fingerprint = ?",
                                             arguments: [Self.text(copied.account["base_url"]), Self.text(copied.account["key_fingerprint"])])!
            try db.execute(sql: "DELETE FROM task WHERE account_id = ? AND remote_id = ?", arguments: [account, remoteID])
            for blob in stored {
                try db.execute(sql: "INSERT INTO blob (sha256, size, stored_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                               arguments: [blob.hash.hex, blob.size, writer.now])
            }
            let task = try Self.insert(db, "task", copied.task, links: [("account_id", account)])
            for message in copied.messages { _ = try Self.insert(db, "message", message, links: [("task_id", task)]) }
            for (session, events) in copied.sessions {
                let id = try Self.insert(db, "attach_session", session, links: [("task_id", task)])
                for event in events { _ = try Self.insert(db, "stream_event", event, links: [("session_id", id)]) }
            }
            for artifact in copied.artifacts { _ = try Self.insert(db, "artifact", artifact, links: [("task_id", task)]) }
        }
        return true
    }

    /// Sets an account's sync cursor (creating the account if it has no task yet).
    package func replaceCursor(account: CopiedRow, cursor: CopiedRow) throws {
        try write { writer in
            let db = writer.db
            try db.execute(sql: "INSERT INTO account (base_url, key_fingerprint, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                           arguments: StatementArguments(account.values.map(Self.databaseValue)))
            let id = try Int64.fetchOne(db, sql: "SELECT id FROM account WHERE base_url = ? AND key_fingerprint = ?",
                                        arguments: [Self.text(account["base_url"]), Self.text(account["key_fingerprint"])])!
            try db.execute(sql: """
                INSERT INTO sync_cursor (account_id, \(cursor.columns.joined(separator: ", ")))
                VALUES (?, \(cursor.columns.map { _ in "?" }.joined(separator: ", ")))
                ON CONFLICT (account_id) DO UPDATE SET \(cursor.columns.map { "\($0) = excluded.\($0)" }.joined(separator: ", "))
                """, arguments: StatementArguments([id.databaseValue] + cursor.values.map(Self.databaseValue)))
        }
    }

    /// Inserts a copied row with its links to new parents; returns its id. Column names come from the
    /// source archive's own schema, never from a server.
    private static func insert(_ db: Database, _ table: String, _ row: CopiedRow, links: [(String, Int64)]) throws -> Int64 {
        let columns = links.map(\.0) + row.columns
        try db.execute(sql: "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))",
                       arguments: StatementArguments(links.map { $0.1.databaseValue } + row.values.map(databaseValue)))
        return db.lastInsertedRowID
    }

    private static func databaseValue(_ value: CopiedValue) -> DatabaseValue {
        switch value {
        case .null: .null
        case .integer(let number): number.databaseValue
        case .real(let number): number.databaseValue
        case .text(let text): text.databaseValue
        }
    }

    private static func text(_ value: CopiedValue?) -> String? {
        if case .text(let text)? = value { text } else { nil }
    }
}
