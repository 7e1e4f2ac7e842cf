public import ArchiveStore
import Foundation
import PostgresNIO

/// What `redact` and `forget` write, in PostgreSQL's words (as `SQLiteArchiveWriter+Removal`).
extension PostgresArchiveWriter {
    public func rewriteText(at place: ArchivedText.Place, of task: TaskRowID?, to text: String) throws {
        var statement = PostgresStatement()
        // Column names come from the enums, never from input.
        switch place {
        case .task(let column):
            guard let task else { preconditionFailure("a task's column is rewritten with its row") }
            statement.sql = "UPDATE task SET \(column.rawValue) = \(statement.bind(text)) WHERE id = \(statement.bind(task.rawValue))"
        case .outbox(let row, let column):
            statement.sql = """
                UPDATE outbox SET \(column.rawValue) = \(statement.bind(text))
                WHERE id = \(statement.bind(row)) AND state IN ('sent', 'stale', 'failed')
                """
        case .message(let row, _, let column):
            statement.sql = "UPDATE message SET \(column.rawValue) = \(statement.bind(text)) WHERE id = \(statement.bind(row))"
        case .event(_, let session, let seq, _):
            try rewriteEventData(AttachSessionID(session), seq: seq, to: text)
            return
        case .artifact:
            preconditionFailure("a file's bytes are replaced by storing new ones (recordArtifactBlobs), not rewritten in place")
        }
        try run(statement)
        try setSetting(.purgePending, to: "1")
    }

    public func rewriteEventData(_ session: AttachSessionID, seq: Int, to data: String) throws {
        var statement = PostgresStatement()
        statement.sql = """
            UPDATE stream_event SET data = \(statement.bind(data))
            WHERE session_id = \(statement.bind(session.rawValue)) AND seq = \(statement.bind(seq))
            """
        try run(statement)
        try setSetting(.purgePending, to: "1")
    }

    public func dropArtifactBytes(_ artifact: ArtifactRowID, reason: String) throws {
        var statement = PostgresStatement()
        statement.sql = """
            UPDATE artifact SET blob_sha256 = NULL, fetch_state = 'failed', fetch_error = \(statement.bind(reason))
            WHERE id = \(statement.bind(artifact.rawValue))
            """
        try run(statement)
        try setSetting(.purgePending, to: "1")
    }

    public func dropUnlinkedBlobs() throws -> [BlobHash] {
        let rows = try run(PostgresStatement("""
            DELETE FROM blob
            WHERE NOT EXISTS (SELECT 1 FROM artifact WHERE artifact.blob_sha256 = blob.sha256)
              AND NOT EXISTS (SELECT 1 FROM outbox_file WHERE outbox_file.blob_sha256 = blob.sha256)
            RETURNING sha256
            """))
        let hexes: [String] = try rows.map { try Columns($0)("sha256") }
        guard !hexes.isEmpty else { return [] }
        var chunks = PostgresStatement()
        chunks.sql = "DELETE FROM blob_chunk WHERE sha256 = ANY(\(chunks.bind(hexes)))"
        try run(chunks)
        try setSetting(.purgePending, to: "1")
        return hexes.compactMap(BlobHash.init(hex:))
    }

    public func setPinned(_ task: TaskRowID, _ pinned: Bool) throws {
        var statement = PostgresStatement()
        statement.sql = "UPDATE task SET pinned = \(statement.bind(pinned)) WHERE id = \(statement.bind(task.rawValue))"
        try run(statement)
    }

    public func recordOrigin(_ task: TaskRowID, _ origin: String) throws {
        var statement = PostgresStatement()
        statement.sql = "UPDATE task SET origin = \(statement.bind(origin)) WHERE id = \(statement.bind(task.rawValue))"
        try run(statement)
    }

    public func recordOriginOfSentRuns(account: AccountID) throws {
        var statement = PostgresStatement()
        let id = statement.bind(account.rawValue)
        statement.sql = """
            UPDATE task SET origin = 'run'
            WHERE account_id = \(id) AND origin IS NULL AND remote_id IN (
                SELECT remote_id FROM outbox WHERE account_id = \(id) AND kind = 'create' AND state = 'sent' AND remote_id IS NOT NULL)
            """
        try run(statement)
    }

    public func setSetting(_ setting: ArchiveSetting, to value: String?) throws {
        var statement = PostgresStatement()
        if let value {
            statement.sql = """
                INSERT INTO setting (name, value) VALUES (\(statement.bind(setting.rawValue)), \(statement.bind(value)))
                ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value
                """
        } else {
            statement.sql = "DELETE FROM setting WHERE name = \(statement.bind(setting.rawValue))"
        }
        try run(statement)
    }

    public func recordAudit(_ record: AuditRecord) throws {
        var statement = PostgresStatement()
        statement.sql = """
            INSERT INTO audit (at, command, tasks, findings, bytes, rules, detail)
            VALUES (\(statement.bind(now)), \(statement.bind(record.command)), \(statement.bind(record.tasks)),
                    \(statement.bind(record.findings)), \(statement.bind(record.bytes)),
                    \(statement.bind(record.rules.joined(separator: ","))), \(statement.bind(record.detail)))
            """
        try run(statement)
    }
}

extension PostgresArchiveWriter {
    public func forgetTask(_ task: TaskRowID, reason: String) throws -> ForgottenTask? {
        var select = PostgresStatement()
        select.sql = """
            SELECT account_id, remote_id, last_activity_at,
                   octet_length(coalesce(raw_get_json, '')) + octet_length(coalesce(raw_list_json, '')) AS bytes,
                   (SELECT count(*) FROM message WHERE task_id = t.id) AS messages,
                   (SELECT coalesce(sum(octet_length(content) + octet_length(raw_json)), 0) FROM message WHERE task_id = t.id)::bigint AS message_bytes,
                   (SELECT count(*) FROM stream_event e JOIN attach_session s ON s.id = e.session_id WHERE s.task_id = t.id) AS events,
                   (SELECT coalesce(sum(octet_length(e.data)), 0) FROM stream_event e JOIN attach_session s ON s.id = e.session_id
                    WHERE s.task_id = t.id)::bigint AS event_bytes,
                   (SELECT count(*) FROM artifact WHERE task_id = t.id) AS artifacts,
                   ARRAY(SELECT DISTINCT blob_sha256 FROM artifact WHERE task_id = t.id AND blob_sha256 IS NOT NULL) AS blobs
            FROM task t WHERE id = \(select.bind(task.rawValue)) FOR UPDATE
            """
        guard let row = try run(select).first else { return nil }
        let column = Columns(row)
        let (account, remoteID): (Int64, String) = (try column("account_id"), try column("remote_id"))
        var forgotten = ForgottenTask(remoteID: remoteID)
        forgotten.messages = Int(try column("messages", as: Int64.self))
        forgotten.events = Int(try column("events", as: Int64.self))
        forgotten.artifacts = Int(try column("artifacts", as: Int64.self))
        forgotten.bytes = Int64(try column("bytes", as: Int32.self)) + (try column("message_bytes", as: Int64.self))
            + (try column("event_bytes", as: Int64.self))
        let blobs: [String] = try column("blobs")
        var outbox = PostgresStatement()
        outbox.sql = """
            DELETE FROM outbox WHERE account_id = \(outbox.bind(account))
              AND (task_remote_id = \(outbox.bind(remoteID)) OR remote_id = \(outbox.bind(remoteID))) RETURNING id
            """
        forgotten.outboxItems = try run(outbox).count
        // Messages, sessions and their events, artifacts and search entries go with the task (ON DELETE CASCADE).
        var delete = PostgresStatement()
        delete.sql = "DELETE FROM task WHERE id = \(delete.bind(task.rawValue))"
        try run(delete)
        try recordTombstone(remoteID: remoteID, account: AccountID(account), forgottenAt: now, reason: reason,
                            lastActivityAt: try column("last_activity_at"))
        if !blobs.isEmpty {
            var unlinked = PostgresStatement()
            unlinked.sql = """
                DELETE FROM blob WHERE sha256 = ANY(\(unlinked.bind(blobs)))
                  AND NOT EXISTS (SELECT 1 FROM artifact WHERE artifact.blob_sha256 = blob.sha256)
                  AND NOT EXISTS (SELECT 1 FROM outbox_file WHERE outbox_file.blob_sha256 = blob.sha256)
                RETURNING sha256, size
                """
            var gone: [String] = []
            for row in try run(unlinked) {
                let column = Columns(row)
                gone.append(try column("sha256"))
                forgotten.bytes += try column("size", as: Int64.self)
            }
            if !gone.isEmpty {
                var chunks = PostgresStatement()
                chunks.sql = "DELETE FROM blob_chunk WHERE sha256 = ANY(\(chunks.bind(gone)))"
                try run(chunks)
            }
            forgotten.unlinkedBlobs = gone.compactMap(BlobHash.init(hex:))
        }
        try setSetting(.purgePending, to: "1")
        return forgotten
    }

    public func recordTombstone(remoteID: String, account: AccountID, forgottenAt: String, reason: String, lastActivityAt: String?) throws {
        var statement = PostgresStatement()
        statement.sql = """
            INSERT INTO tombstone (account_id, remote_id, forgotten_at, reason, last_activity_at)
            VALUES (\(statement.bind(account.rawValue)), \(statement.bind(remoteID)), \(statement.bind(forgottenAt)),
                    \(statement.bind(reason)), \(statement.bind(lastActivityAt)))
            ON CONFLICT (account_id, remote_id) DO UPDATE SET forgotten_at = EXCLUDED.forgotten_at, reason = EXCLUDED.reason
            """
        try run(statement)
    }

    public func liftTombstone(remoteID: String, account: AccountID) throws -> Bool {
        var delete = PostgresStatement()
        delete.sql = """
            DELETE FROM tombstone WHERE account_id = \(delete.bind(account.rawValue)) AND remote_id = \(delete.bind(remoteID))
            RETURNING last_activity_at
            """
        guard let row = try run(delete).first else { return false }
        if let activity: String = try Columns(row)("last_activity_at") {
            var rewind = PostgresStatement()
            rewind.sql = """
                UPDATE sync_cursor SET high_water_activity = least(high_water_activity, \(rewind.bind(activity)))
                WHERE account_id = \(rewind.bind(account.rawValue)) AND high_water_activity IS NOT NULL
                """
            try run(rewind)
        }
        return true
    }
}
