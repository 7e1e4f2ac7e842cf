import Foundation
internal import GRDB

/// What `redact` and `forget` write: texts rewritten, stored bytes unlinked, the archive's settings and
/// its audit. Making the old bytes unreadable afterwards is `Archive.purge`'s.
extension SQLiteArchiveWriter {
    public func rewriteText(at place: ArchivedText.Place, of task: TaskRowID?, to text: String) throws {
        // Column names come from the enums, never from input.
        switch place {
        case .task(let column):
            guard let task else { preconditionFailure("a task's column is rewritten with its row") }
            try db.execute(sql: "UPDATE task SET \(column.rawValue) = ? WHERE id = ?", arguments: [text, task.rawValue])
        case .outbox(let row, let column):
            try db.execute(sql: "UPDATE outbox SET \(column.rawValue) = ? WHERE id = ? AND state IN ('sent', 'stale', 'failed')",
                           arguments: [text, row])
        case .message(let row, _, let column):
            try db.execute(sql: "UPDATE message SET \(column.rawValue) = ? WHERE id = ?", arguments: [text, row])
        case .event(_, let session, let seq, _):
            try rewriteEventData(AttachSessionID(rawValue: session), seq: seq, to: text)
            return
        case .artifact:
            preconditionFailure("a file's bytes are replaced by storing new ones (recordArtifactBlobs), not rewritten in place")
        }
        try setSetting(.purgePending, to: "1")
    }

    public func rewriteEventData(_ session: AttachSessionID, seq: Int, to data: String) throws {
        try db.execute(sql: "UPDATE stream_event SET data = ? WHERE session_id = ? AND seq = ?", arguments: [data, session.rawValue, seq])
        try setSetting(.purgePending, to: "1")
    }

    public func dropArtifactBytes(_ artifact: ArtifactRowID, reason: String) throws {
        try db.execute(sql: """
            UPDATE artifact SET blob_sha256 = NULL, fetch_state = 'failed', fetch_error = ? WHERE id = ?
            """, arguments: [reason, artifact.rawValue])
        try setSetting(.purgePending, to: "1")
    }

    public func dropUnlinkedBlobs() throws -> [BlobHash] {
        let hexes = try String.fetchAll(db, sql: """
            DELETE FROM blob
            WHERE NOT EXISTS (SELECT 1 FROM artifact WHERE artifact.blob_sha256 = blob.sha256)
              AND NOT EXISTS (SELECT 1 FROM outbox_file WHERE outbox_file.blob_sha256 = blob.sha256)
            RETURNING sha256
            """)
        if !hexes.isEmpty { try setSetting(.purgePending, to: "1") }
        return hexes.compactMap(BlobHash.init(hex:))
    }

    public func setPinned(_ task: TaskRowID, _ pinned: Bool) throws {
        try db.execute(sql: "UPDATE task SET pinned = ? WHERE id = ?", arguments: [pinned ? 1 : 0, task.rawValue])
    }

    public func recordOrigin(_ task: TaskRowID, _ origin: String) throws {
        try db.execute(sql: "UPDATE task SET origin = ? WHERE id = ?", arguments: [origin, task.rawValue])
    }

    public func recordOriginOfSentRuns(account: AccountID) throws {
        try db.execute(sql: """
            UPDATE task SET origin = 'run'
            WHERE account_id = ? AND origin IS NULL AND remote_id IN (
                SELECT remote_id FROM outbox WHERE account_id = ? AND kind = 'create' AND state = 'sent' AND remote_id IS NOT NULL)
            """, arguments: [account.rawValue, account.rawValue])
    }

    public func setSetting(_ setting: ArchiveSetting, to value: String?) throws {
        if let value {
            try db.execute(sql: "INSERT INTO setting (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                           arguments: [setting.rawValue, value])
        } else {
            try db.execute(sql: "DELETE FROM setting WHERE name = ?", arguments: [setting.rawValue])
        }
    }

    public func recordAudit(_ record: AuditRecord) throws {
        try db.execute(sql: """
            INSERT INTO audit (at, command, tasks, findings, bytes, rules, detail) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [now, record.command, record.tasks, record.findings, record.bytes,
                             record.rules.joined(separator: ","), record.detail])
    }
}

extension SQLiteArchiveWriter {
    public func forgetTask(_ task: TaskRowID, reason: String) throws -> ForgottenTask? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT account_id, remote_id, last_activity_at,
                   length(CAST(coalesce(raw_get_json, '') AS BLOB)) + length(CAST(coalesce(raw_list_json, '') AS BLOB)) AS bytes
            FROM task WHERE id = ?
            """, arguments: [task.rawValue]) else { return nil }
        let (account, remoteID): (Int64, String) = (row["account_id"], row["remote_id"])
        var forgotten = ForgottenTask(remoteID: remoteID)
        forgotten.bytes = row["bytes"]
        let messages = try Row.fetchOne(db, sql: """
            SELECT count(*), coalesce(sum(length(CAST(content AS BLOB)) + length(CAST(raw_json AS BLOB))), 0) FROM message WHERE task_id = ?
            """, arguments: [task.rawValue])!
        let events = try Row.fetchOne(db, sql: """
            SELECT count(*), coalesce(sum(length(CAST(e.data AS BLOB))), 0)
            FROM stream_event e JOIN attach_session s ON s.id = e.session_id WHERE s.task_id = ?
            """, arguments: [task.rawValue])!
        let blobs = try String.fetchAll(db, sql: "SELECT DISTINCT blob_sha256 FROM artifact WHERE task_id = ? AND blob_sha256 IS NOT NULL",
                                        arguments: [task.rawValue])
        forgotten.messages = messages[0]
        forgotten.events = events[0]
        forgotten.bytes += (messages[1] as Int64) + (events[1] as Int64)
        forgotten.artifacts = try Int.fetchOne(db, sql: "SELECT count(*) FROM artifact WHERE task_id = ?", arguments: [task.rawValue])!
        try db.execute(sql: "DELETE FROM outbox WHERE account_id = ? AND (task_remote_id = ? OR remote_id = ?)",
                       arguments: [account, remoteID, remoteID])
        forgotten.outboxItems = db.changesCount
        // Messages, sessions and their events, artifacts and search entries go with the task (ON DELETE CASCADE).
        try db.execute(sql: "DELETE FROM task WHERE id = ?", arguments: [task.rawValue])
        try recordTombstone(remoteID: remoteID, account: AccountID(rawValue: account), forgottenAt: now, reason: reason,
                            lastActivityAt: row["last_activity_at"])
        for hex in blobs {
            guard let size = try Int64.fetchOne(db, sql: """
                DELETE FROM blob WHERE sha256 = ?
                  AND NOT EXISTS (SELECT 1 FROM artifact WHERE blob_sha256 = ?)
                  AND NOT EXISTS (SELECT 1 FROM outbox_file WHERE blob_sha256 = ?)
                RETURNING size
                """, arguments: [hex, hex, hex]), let hash = BlobHash(hex: hex) else { continue }
            forgotten.unlinkedBlobs.append(hash)
            forgotten.bytes += size
        }
        try setSetting(.purgePending, to: "1")
        return forgotten
    }

    public func recordTombstone(remoteID: String, account: AccountID, forgottenAt: String, reason: String, lastActivityAt: String?) throws {
        try db.execute(sql: """
            INSERT INTO tombstone (account_id, remote_id, forgotten_at, reason, last_activity_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (account_id, remote_id) DO UPDATE SET forgotten_at = excluded.forgotten_at, reason = excluded.reason
            """, arguments: [account.rawValue, remoteID, forgottenAt, reason, lastActivityAt])
    }

    public func liftTombstone(remoteID: String, account: AccountID) throws -> Bool {
        guard let row = try Row.fetchOne(db, sql: """
            DELETE FROM tombstone WHERE account_id = ? AND remote_id = ? RETURNING last_activity_at
            """, arguments: [account.rawValue, remoteID]) else { return false }
        if let activity: String = row["last_activity_at"] {
            try db.execute(sql: """
                UPDATE sync_cursor SET high_water_activity = min(high_water_activity, ?)
                WHERE account_id = ? AND high_water_activity IS NOT NULL
                """, arguments: [activity, account.rawValue])
        }
        return true
    }
}
