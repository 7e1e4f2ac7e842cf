import Foundation
internal import GRDB

/// A table row as its columns' values, for moving an archive between engines (`copy`). Row ids and the
/// foreign keys that hold them are left out: the target gives its own and links rows by natural keys
/// (an account's URL and key fingerprint, a task's remote id, a blob's SHA-256).
package struct CopiedRow: Sendable, Equatable {
    package var columns: [String]
    package var values: [CopiedValue]

    package subscript(column: String) -> CopiedValue? {
        columns.firstIndex(of: column).map { values[$0] }
    }
}

package enum CopiedValue: Sendable, Equatable {
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
