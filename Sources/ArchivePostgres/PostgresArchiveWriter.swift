public import ArchiveStore
import Crypto
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// PostgreSQL's `ArchiveWriter`, valid only inside `PostgresArchive.write { writer in … }`: the same
/// upserts as SQLite's, in PostgreSQL's words. Several syncers on several machines write at once, so
/// every upsert is keyed by (account, remote id) and settles a race by itself (`ON CONFLICT`); rows are
/// rewritten only when their raw JSON changed. Search entries follow messages by trigger (migration
/// 0001), inside the same transaction.
public struct PostgresArchiveWriter: ArchiveWriter {
    let connection: PostgresConnection
    let now: String
    /// Where downloads wait until a commit streams them into `blob_chunk` rows.
    let spool: BlobStore
    /// The spooled files this transaction streamed in: removed once it commits.
    let streamed: StreamedBlobs

    /// Rows per multi-row insert: PostgreSQL takes at most 65,535 parameters a statement.
    static func batch(parametersPerRow: Int) -> Int { 60_000 / parametersPerRow }

    @discardableResult
    func run(_ statement: PostgresStatement) throws -> [PostgresRow] {
        try connection.rows(statement, logger: PostgresArchive.logger)
    }

    func id(_ statement: PostgresStatement) throws -> Int64? {
        try run(statement).first.map { try Columns($0)("id") }
    }

    public func account(baseURL: String, fingerprint: String) throws -> AccountID {
        try account(baseURL: baseURL, fingerprint: fingerprint, createdAt: now)
    }

    /// The same, with the time a new account row records (`copy` keeps the source's).
    func account(baseURL: String, fingerprint: String, createdAt: String) throws -> AccountID {
        // DO NOTHING, not DO UPDATE: a writer must not hold the account row locked for its transaction.
        var insert = PostgresStatement()
        insert.sql = """
            INSERT INTO account (base_url, key_fingerprint, created_at)
            VALUES (\(insert.bind(baseURL)), \(insert.bind(fingerprint)), \(insert.bind(createdAt))) ON CONFLICT DO NOTHING
            """
        try run(insert)
        var lookup = PostgresStatement()
        lookup.sql = "SELECT id FROM account WHERE base_url = \(lookup.bind(baseURL)) AND key_fingerprint = \(lookup.bind(fingerprint))"
        return AccountID(try id(lookup)!)
    }

    public func upsertListedTask(_ task: TaskSnapshot, account: AccountID) throws -> TaskRowID {
        var statement = PostgresStatement()
        let common = commonValues(task, account: account, &statement)
        statement.sql = """
            INSERT INTO task (\(Self.commonColumns), last_activity_at, message_count, raw_list_json, first_seen_at)
            VALUES (\(common), \(statement.bind(task.effectiveLastActivityAt)), \(statement.bind(task.messageCount)),
                    \(statement.bind(task.rawJSON)), \(statement.bind(now)))
            ON CONFLICT (account_id, remote_id) DO UPDATE SET \(Self.commonUpdates),
                last_activity_at = EXCLUDED.last_activity_at, message_count = EXCLUDED.message_count,
                raw_list_json = EXCLUDED.raw_list_json, remote_state = 'present'
            WHERE task.raw_list_json IS DISTINCT FROM EXCLUDED.raw_list_json OR task.remote_state <> 'present'
            RETURNING id
            """
        return try id(statement).map(TaskRowID.init) ?? taskRow(task.remoteID, account: account)
    }

    public func upsertFetchedTask(_ task: TaskSnapshot, account: AccountID) throws -> TaskRowID {
        var statement = PostgresStatement()
        let common = commonValues(task, account: account, &statement)
        statement.sql = """
            INSERT INTO task (\(Self.commonColumns), last_activity_at, output_json, pending_approvals_json, raw_get_json,
                first_seen_at)
            VALUES (\(common), \(statement.bind(task.effectiveLastActivityAt)), \(statement.bind(task.outputJSON)),
                    \(statement.bind(task.pendingApprovalsJSON)), \(statement.bind(task.rawJSON)), \(statement.bind(now)))
            ON CONFLICT (account_id, remote_id) DO UPDATE SET \(Self.commonUpdates),
                last_activity_at = GREATEST(task.last_activity_at COLLATE "C", EXCLUDED.last_activity_at),
                output_json = EXCLUDED.output_json, pending_approvals_json = EXCLUDED.pending_approvals_json,
                raw_get_json = EXCLUDED.raw_get_json, remote_state = 'present'
            WHERE task.raw_get_json IS DISTINCT FROM EXCLUDED.raw_get_json OR task.remote_state <> 'present'
            RETURNING id
            """
        return try id(statement).map(TaskRowID.init) ?? taskRow(task.remoteID, account: account)
    }

    static let commonColumns = """
        account_id, remote_id, api_key_id, username, session_id, conversation_id, status, message, system_prompt,
        show_in_history, auto_execute, env_json, error, created_at, started_at, completed_at
        """

    static let commonUpdates = """
        api_key_id = EXCLUDED.api_key_id, username = EXCLUDED.username, session_id = EXCLUDED.session_id,
        conversation_id = EXCLUDED.conversation_id, status = EXCLUDED.status, message = EXCLUDED.message,
        system_prompt = EXCLUDED.system_prompt, show_in_history = EXCLUDED.show_in_history,
        auto_execute = EXCLUDED.auto_execute, env_json = EXCLUDED.env_json, error = EXCLUDED.error,
        created_at = EXCLUDED.created_at, started_at = EXCLUDED.started_at, completed_at = EXCLUDED.completed_at
        """

    private func commonValues(_ task: TaskSnapshot, account: AccountID, _ statement: inout PostgresStatement) -> String {
        [statement.bind(account.rawValue), statement.bind(task.remoteID), statement.bind(task.apiKeyID),
         statement.bind(task.username), statement.bind(task.sessionID), statement.bind(task.conversationID),
         statement.bind(task.status.rawValue), statement.bind(task.message), statement.bind(task.systemPrompt),
         statement.bind(task.showInHistory), statement.bind(task.autoExecute), statement.bind(task.envJSON),
         statement.bind(task.error), statement.bind(task.createdAt), statement.bind(task.startedAt),
         statement.bind(task.completedAt)].joined(separator: ", ")
    }

    /// The row of a task an upsert left unchanged (its `RETURNING` gave nothing).
    private func taskRow(_ remoteID: String, account: AccountID) throws -> TaskRowID {
        var lookup = PostgresStatement()
        lookup.sql = "SELECT id FROM task WHERE account_id = \(lookup.bind(account.rawValue)) AND remote_id = \(lookup.bind(remoteID))"
        return TaskRowID(rawValue: try id(lookup)!)
    }

    /// Many rows to a statement. One statement may not touch a row twice (`ON CONFLICT DO UPDATE`
    /// refuses), so a repeated id keeps its last occurrence and that position — what SQLite's row-by-row
    /// upserts leave.
    public func upsertMessages(_ messages: [MessageSnapshot], task: TaskRowID) throws {
        var last: [String: Int] = [:]
        for (position, message) in messages.enumerated() { last[message.remoteID] = position }
        let rows = messages.indices.filter { last[messages[$0].remoteID] == $0 }
        let size = Self.batch(parametersPerRow: 10)
        for start in stride(from: 0, to: rows.count, by: size) {
            var statement = PostgresStatement()
            let values = rows[start..<min(rows.count, start + size)].map { position in
                let message = messages[position]
                return "(" + [statement.bind(task.rawValue), statement.bind(message.remoteID), statement.bind(position),
                              statement.bind(message.role), statement.bind(message.content), statement.bind(message.createdAt),
                              statement.bind(message.thoughtsJSON), statement.bind(message.toolCallsJSON),
                              statement.bind(message.attachedFilesJSON), statement.bind(message.rawJSON)]
                    .joined(separator: ", ") + ")"
            }
            statement.sql = """
                INSERT INTO message (task_id, remote_id, position, role, content, created_at, thoughts_json,
                    tool_calls_json, attached_files_json, raw_json)
                VALUES \(values.joined(separator: ", "))
                ON CONFLICT (task_id, remote_id) DO UPDATE SET
                    position = EXCLUDED.position, role = EXCLUDED.role, content = EXCLUDED.content,
                    created_at = EXCLUDED.created_at, thoughts_json = EXCLUDED.thoughts_json,
                    tool_calls_json = EXCLUDED.tool_calls_json, attached_files_json = EXCLUDED.attached_files_json,
                    raw_json = EXCLUDED.raw_json
                WHERE message.raw_json IS DISTINCT FROM EXCLUDED.raw_json OR message.position <> EXCLUDED.position
                """
            try run(statement)
        }
    }

    public func replaceHistory(_ messages: [MessageSnapshot], task: TaskRowID) throws {
        try upsertMessages(messages, task: task)
        var remove = PostgresStatement()
        remove.sql = """
            DELETE FROM message WHERE task_id = \(remove.bind(task.rawValue))
                AND remote_id <> ALL(\(remove.bind(messages.map(\.remoteID)))::text[])
            """
        try run(remove)
    }

    public func beginAttachSession(task: TaskRowID) throws -> AttachSessionID {
        var statement = PostgresStatement()
        statement.sql = "INSERT INTO attach_session (task_id, started_at) VALUES (\(statement.bind(task.rawValue)), \(statement.bind(now))) RETURNING id"
        return AttachSessionID(try id(statement)!)
    }

    public func endAttachSession(_ session: AttachSessionID, reason: AttachSessionEnd) throws {
        var statement = PostgresStatement()
        statement.sql = """
            UPDATE attach_session SET ended_at = \(statement.bind(now)), end_reason = \(statement.bind(reason.rawValue))
            WHERE id = \(statement.bind(session.rawValue)) AND ended_at IS NULL
            """
        try run(statement)
    }

    public func appendEvents(_ events: [StreamEventSnapshot], session: AttachSessionID) throws {
        let size = Self.batch(parametersPerRow: 5)
        for start in stride(from: 0, to: events.count, by: size) {
            var statement = PostgresStatement()
            let values = events[start..<min(events.count, start + size)].map { event in
                "(" + [statement.bind(session.rawValue), statement.bind(event.seq), statement.bind(event.type),
                       statement.bind(event.data), statement.bind(event.receivedAt)].joined(separator: ", ") + ")"
            }
            statement.sql = """
                INSERT INTO stream_event (session_id, seq, type, data, received_at) VALUES \(values.joined(separator: ", "))
                ON CONFLICT (session_id, seq) DO NOTHING
                """
            try run(statement)
        }
    }

    public func upsertArtifacts(_ artifacts: [ArtifactSnapshot], task: TaskRowID) throws -> [ArtifactRowID] {
        var rows: [ArtifactRowID] = []
        for artifact in artifacts {
            var statement = PostgresStatement()
            statement.sql = """
                INSERT INTO artifact (task_id, path, name, size, mime_type, category, modified_at, raw_json)
                VALUES (\(statement.bind(task.rawValue)), \(statement.bind(artifact.path)), \(statement.bind(artifact.name)),
                        \(statement.bind(artifact.size)), \(statement.bind(artifact.mimeType)), \(statement.bind(artifact.category)),
                        \(statement.bind(artifact.modifiedAt)), \(statement.bind(artifact.rawJSON)))
                ON CONFLICT (task_id, path) DO UPDATE SET
                    name = EXCLUDED.name, size = EXCLUDED.size, mime_type = EXCLUDED.mime_type,
                    category = EXCLUDED.category, modified_at = EXCLUDED.modified_at, raw_json = EXCLUDED.raw_json,
                    remote_state = 'present',
                    fetch_state = CASE WHEN \(Self.sameFile) THEN artifact.fetch_state ELSE 'pending' END,
                    fetch_failures = CASE WHEN \(Self.sameFile) THEN artifact.fetch_failures ELSE 0 END
                WHERE artifact.raw_json IS DISTINCT FROM EXCLUDED.raw_json OR artifact.remote_state <> 'present'
                RETURNING id
                """
            if let id = try id(statement) {
                rows.append(ArtifactRowID(id))
                continue
            }
            // An upsert that changed nothing returns no row; the id is then looked up.
            var lookup = PostgresStatement()
            lookup.sql = "SELECT id FROM artifact WHERE task_id = \(lookup.bind(task.rawValue)) AND path = \(lookup.bind(artifact.path))"
            rows.append(ArtifactRowID(try id(lookup)!))
        }
        var unlisted = PostgresStatement()
        unlisted.sql = """
            UPDATE artifact SET remote_state = 'missing'
            WHERE task_id = \(unlisted.bind(task.rawValue)) AND remote_state = 'present'
                AND id <> ALL(\(unlisted.bind(rows.map(\.rawValue)))::bigint[])
            """
        try run(unlisted)
        return rows
    }

    static let sameFile = """
        artifact.size IS NOT DISTINCT FROM EXCLUDED.size AND artifact.modified_at IS NOT DISTINCT FROM EXCLUDED.modified_at
        """

    /// Streams each blob the database lacks from the spool into `blob_chunk` rows, then links the
    /// artifacts to them.
    public func recordArtifactBlobs(_ links: [(artifact: ArtifactRowID, blob: StoredBlob)]) throws {
        for (artifact, blob) in links {
            try storeBlob(blob)
            var link = PostgresStatement()
            link.sql = """
                UPDATE artifact SET blob_sha256 = \(link.bind(blob.hash.hex)), fetch_state = 'stored', fetch_error = NULL,
                    fetch_failures = 0
                WHERE id = \(link.bind(artifact.rawValue))
                """
            try run(link)
        }
    }

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

    /// Copies a spooled file into the database unless it has those bytes; it leaves the spool once the
    /// transaction commits.
    private func storeBlob(_ blob: StoredBlob) throws {
        let file = spool.url(for: blob.hash)
        do {
            _ = try streamBlob(blob.hash, from: FileManager.default.fileExists(atPath: file.path) ? file : nil, size: blob.size,
                               missing: "its downloaded file is gone from the spool \(spool.root.path); sync again")
        } catch ArchiveError.contentMismatch(let expected, let actual) {
            try? FileManager.default.removeItem(at: file)   // damaged in the spool: downloaded again next time
            throw ArchiveError.contentMismatch(expected: expected, actual: actual)
        }
        streamed.add(blob.hash)
    }

    /// Streams a file into `blob_chunk` rows unless the database has those bytes, a chunk at a time (a
    /// 1 GiB file never sits in memory), checking on the way that the bytes are the ones named (and
    /// `size` long, when given). Returns the bytes added (0 when the database had them).
    func streamBlob(_ hash: BlobHash, from file: URL?, size expected: Int64? = nil, missing: String) throws -> Int64 {
        let hex = hash.hex
        var exists = PostgresStatement()
        exists.sql = "SELECT 1 FROM blob WHERE sha256 = \(exists.bind(hex))"
        if try !run(exists).isEmpty { return 0 }
        guard let file, let handle = try? FileHandle(forReadingFrom: file) else { throw ArchiveError.blob(hash: hex, problem: missing) }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        var chunk = 0
        while let data = try handle.read(upToCount: PostgresArchive.chunkSize), !data.isEmpty {
            hasher.update(data: data)
            var insert = PostgresStatement()
            // A blob two writers store at once: the second waits on the first's rows, then adds nothing.
            insert.sql = """
                INSERT INTO blob_chunk (sha256, chunk, data) VALUES (\(insert.bind(hex)), \(insert.bind(chunk)), \(insert.bind(ByteBuffer(bytes: data))))
                ON CONFLICT DO NOTHING
                """
            try run(insert)
            size += Int64(data.count)
            chunk += 1
        }
        guard expected.map({ $0 == size }) ?? true, BlobHash(hex: hasher.finalize().hexString) == hash else {
            throw ArchiveError.contentMismatch(expected: "sha256 \(hex.prefix(12))…" + (expected.map { ", \($0) bytes" } ?? ""),
                                               actual: "\(size) bytes that differ")
        }
        var row = PostgresStatement()
        row.sql = "INSERT INTO blob (sha256, size, stored_at) VALUES (\(row.bind(hex)), \(row.bind(size)), \(row.bind(now))) ON CONFLICT DO NOTHING"
        try run(row)
        return size
    }

    public func recordArtifactFailure(_ artifact: ArtifactRowID, error: String, givingUp: Bool) throws {
        var statement = PostgresStatement()
        statement.sql = """
            UPDATE artifact SET fetch_failures = fetch_failures + 1, fetch_error = \(statement.bind(error)),
                fetch_state = \(statement.bind(givingUp ? "failed" : "pending"))
            WHERE id = \(statement.bind(artifact.rawValue))
            """
        try run(statement)
    }

    public func markSynced(_ task: TaskRowID, status: TaskStatus, activityAt: String?, messageCount: Int?, completedAt: String?) throws {
        var statement = PostgresStatement()
        statement.sql = """
            UPDATE task SET sync_state = 'synced', sync_error = NULL, synced_status = \(statement.bind(status.rawValue)),
                synced_activity_at = \(statement.bind(activityAt)), synced_message_count = \(statement.bind(messageCount)),
                synced_completed_at = \(statement.bind(completedAt)), last_synced_at = \(statement.bind(now))
            WHERE id = \(statement.bind(task.rawValue))
            """
        try run(statement)
    }

    public func markLive(_ task: TaskRowID) throws {
        var statement = PostgresStatement()
        statement.sql = """
            UPDATE task SET sync_state = 'live', sync_error = NULL, synced_status = NULL, synced_activity_at = NULL,
                synced_message_count = NULL, synced_completed_at = NULL
            WHERE id = \(statement.bind(task.rawValue))
            """
        try run(statement)
    }

    public func markFailed(_ task: TaskRowID, error: String) throws {
        var statement = PostgresStatement()
        statement.sql = "UPDATE task SET sync_state = 'failed', sync_error = \(statement.bind(error)) WHERE id = \(statement.bind(task.rawValue))"
        try run(statement)
    }

    public func markGone(_ task: TaskRowID, error: String) throws {
        var statement = PostgresStatement()
        statement.sql = """
            UPDATE task SET remote_state = 'missing', sync_state = 'failed', sync_error = \(statement.bind(error))
            WHERE id = \(statement.bind(task.rawValue))
            """
        try run(statement)
    }

    public func reconcilePresence(account: AccountID, present: Set<String>) throws -> Int {
        var statement = PostgresStatement()
        let wanted = "CASE WHEN remote_id = ANY(\(statement.bind(Array(present)))::text[]) THEN 'present' ELSE 'missing' END"
        statement.sql = """
            UPDATE task SET remote_state = \(wanted)
            WHERE account_id = \(statement.bind(account.rawValue)) AND remote_state <> \(wanted)
            RETURNING remote_state
            """
        return try run(statement).filter { try Columns($0)("remote_state", as: String.self) == "missing" }.count
    }

    public func updateCursor(account: AccountID, highWaterActivity: String?, full: Bool) throws {
        var statement = PostgresStatement()
        statement.sql = """
            INSERT INTO sync_cursor (account_id, high_water_activity, last_sync_at, last_full_sync_at)
            VALUES (\(statement.bind(account.rawValue)), \(statement.bind(highWaterActivity)), \(statement.bind(now)),
                    \(statement.bind(full ? now : nil)))
            ON CONFLICT (account_id) DO UPDATE SET
                high_water_activity = GREATEST(coalesce(sync_cursor.high_water_activity, '') COLLATE "C",
                                               coalesce(EXCLUDED.high_water_activity, '')),
                last_sync_at = EXCLUDED.last_sync_at,
                last_full_sync_at = coalesce(EXCLUDED.last_full_sync_at, sync_cursor.last_full_sync_at)
            """
        try run(statement)
    }

    public func beginSyncRun(account: AccountID, mode: SyncRunMode) throws -> SyncRunID {
        var statement = PostgresStatement()
        statement.sql = """
            INSERT INTO sync_run (account_id, mode, started_at)
            VALUES (\(statement.bind(account.rawValue)), \(statement.bind(mode.rawValue)), \(statement.bind(now))) RETURNING id
            """
        return SyncRunID(try id(statement)!)
    }

    public func finishSyncRun(_ run: SyncRunID, outcome: SyncRunOutcome, totals: SyncRunTotals, error: String?) throws {
        var statement = PostgresStatement()
        statement.sql = """
            UPDATE sync_run SET finished_at = \(statement.bind(now)), outcome = \(statement.bind(outcome.rawValue)),
                tasks_new = \(statement.bind(totals.tasksNew)), tasks_updated = \(statement.bind(totals.tasksUpdated)),
                tasks_unchanged = \(statement.bind(totals.tasksUnchanged)), tasks_failed = \(statement.bind(totals.tasksFailed)),
                messages = \(statement.bind(totals.messages)), events = \(statement.bind(totals.events)),
                artifacts = \(statement.bind(totals.artifacts)), bytes = \(statement.bind(totals.bytes)),
                requests = \(statement.bind(totals.requests)), error = \(statement.bind(error))
            WHERE id = \(statement.bind(run.rawValue))
            """
        try self.run(statement)
    }
}

/// The spooled blobs a transaction has put into (or found in) the database, to remove from the spool
/// once it commits.
final class StreamedBlobs: @unchecked Sendable {
    private let lock = NSLock()
    private var hashes: [BlobHash] = []

    func add(_ hash: BlobHash) { lock.withLock { hashes.append(hash) } }
    func take() -> [BlobHash] { lock.withLock { defer { hashes = [] }; return hashes } }
}
