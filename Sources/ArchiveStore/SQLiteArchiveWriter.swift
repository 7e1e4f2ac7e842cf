import Foundation
internal import GRDB

/// The SQLite archive's writer (`ArchiveWriter`), valid only inside `Archive.write { writer in … }`.
/// Rows are rewritten only when their raw JSON changed, so an unchanged re-sync writes nothing and
/// search rows are not churned.
public struct SQLiteArchiveWriter: ArchiveWriter {
    let db: Database
    /// The database file, to name in a unit's failure.
    let path: String
    let now: String

    public func account(baseURL: String, fingerprint: String) throws -> AccountID {
        try db.execute(
            sql: "INSERT INTO account (base_url, key_fingerprint, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            arguments: [baseURL, fingerprint, now])
        let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM account WHERE base_url = ? AND key_fingerprint = ?"),
            arguments: [baseURL, fingerprint])!
        return AccountID(rawValue: id)
    }

    /// Records a task as seen in a list page. Fields only a get returns (output, pending approvals) keep
    /// their stored values.
    @discardableResult
    public func upsertListedTask(_ task: TaskSnapshot, account: AccountID) throws -> TaskRowID {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO task (account_id, remote_id, api_key_id, username, session_id, conversation_id, status,
                message, system_prompt, show_in_history, auto_execute, env_json, error, created_at, started_at,
                completed_at, last_activity_at, message_count, raw_list_json, first_seen_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (account_id, remote_id) DO UPDATE SET
                api_key_id = excluded.api_key_id, username = excluded.username, session_id = excluded.session_id,
                conversation_id = excluded.conversation_id, status = excluded.status, message = excluded.message,
                system_prompt = excluded.system_prompt, show_in_history = excluded.show_in_history,
                auto_execute = excluded.auto_execute, env_json = excluded.env_json, error = excluded.error,
                created_at = excluded.created_at, started_at = excluded.started_at,
                completed_at = excluded.completed_at, last_activity_at = excluded.last_activity_at,
                message_count = excluded.message_count, raw_list_json = excluded.raw_list_json,
                remote_state = 'present'
            WHERE task.raw_list_json IS NOT excluded.raw_list_json OR task.remote_state <> 'present'
            RETURNING id
            """)
        let id = try Int64.fetchOne(statement, arguments: commonArguments(task, account: account) + [
            task.effectiveLastActivityAt, task.messageCount, task.rawJSON, now,
        ])
        return try id.map(TaskRowID.init) ?? taskRowID(remoteID: task.remoteID, account: account)
    }

    /// Records a task as returned by a get: sets output and pending approvals exactly (absent = none).
    @discardableResult
    public func upsertFetchedTask(_ task: TaskSnapshot, account: AccountID) throws -> TaskRowID {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO task (account_id, remote_id, api_key_id, username, session_id, conversation_id, status,
                message, system_prompt, show_in_history, auto_execute, env_json, error, created_at, started_at,
                completed_at, last_activity_at, output_json, pending_approvals_json, raw_get_json, first_seen_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (account_id, remote_id) DO UPDATE SET
                api_key_id = excluded.api_key_id, username = excluded.username, session_id = excluded.session_id,
                conversation_id = excluded.conversation_id, status = excluded.status, message = excluded.message,
                system_prompt = excluded.system_prompt, show_in_history = excluded.show_in_history,
                auto_execute = excluded.auto_execute, env_json = excluded.env_json, error = excluded.error,
                created_at = excluded.created_at, started_at = excluded.started_at,
                completed_at = excluded.completed_at,
                last_activity_at = max(task.last_activity_at, excluded.last_activity_at),
                output_json = excluded.output_json, pending_approvals_json = excluded.pending_approvals_json,
                raw_get_json = excluded.raw_get_json, remote_state = 'present'
            WHERE task.raw_get_json IS NOT excluded.raw_get_json OR task.remote_state <> 'present'
            RETURNING id
            """)
        let id = try Int64.fetchOne(statement, arguments: commonArguments(task, account: account) + [
            task.effectiveLastActivityAt, task.outputJSON, task.pendingApprovalsJSON, task.rawJSON, now,
        ])
        return try id.map(TaskRowID.init) ?? taskRowID(remoteID: task.remoteID, account: account)
    }

    private func commonArguments(_ task: TaskSnapshot, account: AccountID) -> StatementArguments {
        [account.rawValue, task.remoteID, task.apiKeyID, task.username, task.sessionID, task.conversationID,
         task.status.rawValue, task.message, task.systemPrompt, task.showInHistory, task.autoExecute, task.envJSON,
         task.error, task.createdAt, task.startedAt, task.completedAt]
    }

    /// The row of a task an upsert left unchanged (its `RETURNING` gave nothing).
    private func taskRowID(remoteID: String, account: AccountID) throws -> TaskRowID {
        let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM task WHERE account_id = ? AND remote_id = ?"),
            arguments: [account.rawValue, remoteID])!
        return TaskRowID(rawValue: id)
    }

    /// Inserts or updates messages by id, numbering them in the order given (history order).
    /// Several rows go in each statement (64, 16, 4 or 1): a statement's fixed costs (its trigger
    /// program, the statement journal that copies each page it changes) are paid per statement, not
    /// per row. Rows are processed in order, so a repeated id updates the row it repeats, as one row
    /// per statement would.
    public func upsertMessages(_ messages: [MessageSnapshot], task: TaskRowID) throws {
        var start = 0
        while start < messages.count {
            let rows = Self.messageBatchSizes.first { $0 <= messages.count - start }!
            // Values appended one by one: no array per row, no boxing per value.
            var values: [DatabaseValue] = []
            values.reserveCapacity(rows * 10)
            for position in start..<(start + rows) {
                let message = messages[position]
                values.append(task.rawValue.databaseValue)
                values.append(message.remoteID.databaseValue)
                values.append(position.databaseValue)
                values.append(message.role.databaseValue)
                values.append(message.content.databaseValue)
                values.append(message.createdAt.databaseValue)
                values.append(message.thoughtsJSON?.databaseValue ?? .null)
                values.append(message.toolCallsJSON?.databaseValue ?? .null)
                values.append(message.attachedFilesJSON?.databaseValue ?? .null)
                values.append(message.rawJSON.databaseValue)
            }
            try db.cachedStatement(sql: Self.messageUpserts[rows]!).execute(arguments: StatementArguments(values))
            start += rows
        }
    }

    static let messageBatchSizes = [64, 16, 4, 1]
    static let blobBatchSizes = [16, 4, 1]

    /// The upsert for each batch size, made once.
    static let messageUpserts = Dictionary(uniqueKeysWithValues: messageBatchSizes.map { ($0, messageUpsert(rows: $0)) })

    static func messageUpsert(rows: Int) -> String {
        """
        INSERT INTO message (task_id, remote_id, position, role, content, created_at, thoughts_json,
            tool_calls_json, attached_files_json, raw_json)
        VALUES \(Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", "))
        ON CONFLICT (task_id, remote_id) DO UPDATE SET
            position = excluded.position, role = excluded.role, content = excluded.content,
            created_at = excluded.created_at, thoughts_json = excluded.thoughts_json,
            tool_calls_json = excluded.tool_calls_json, attached_files_json = excluded.attached_files_json,
            raw_json = excluded.raw_json
        WHERE message.raw_json IS NOT excluded.raw_json OR message.position <> excluded.position
        """
    }

    /// Makes the task's messages exactly `messages`: upserts them and removes any other (such as text
    /// recorded while a run was streaming, now replaced by the final history).
    public func replaceHistory(_ messages: [MessageSnapshot], task: TaskRowID) throws {
        try upsertMessages(messages, task: task)
        let keep = messages.map(\.remoteID)
        let existing = try String.fetchAll(db.cachedStatement(sql: "SELECT remote_id FROM message WHERE task_id = ?"),
            arguments: [task.rawValue])
        let keepSet = Set(keep)
        for remoteID in existing where !keepSet.contains(remoteID) {
            try db.cachedStatement(sql: "DELETE FROM message WHERE task_id = ? AND remote_id = ?")
                .execute(arguments: [task.rawValue, remoteID])
        }
    }

    /// Opens an attach session for a task's live stream; its events are numbered from 1.
    public func beginAttachSession(task: TaskRowID) throws -> AttachSessionID {
        try db.cachedStatement(sql: "INSERT INTO attach_session (task_id, started_at) VALUES (?, ?)")
            .execute(arguments: [task.rawValue, now])
        return AttachSessionID(rawValue: db.lastInsertedRowID)
    }

    public func endAttachSession(_ session: AttachSessionID, reason: AttachSessionEnd) throws {
        try db.cachedStatement(sql: "UPDATE attach_session SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL")
            .execute(arguments: [now, reason.rawValue, session.rawValue])
    }

    /// Appends events to a session. An event whose (session, seq) is already recorded is left as it was.
    public func appendEvents(_ events: [StreamEventSnapshot], session: AttachSessionID) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO stream_event (session_id, seq, type, data, received_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (session_id, seq) DO NOTHING
            """)
        for event in events {
            try statement.execute(arguments: [session.rawValue, event.seq, event.type, event.data, event.receivedAt])
        }
    }

    /// Records a task's artifact listing. A file whose size or modification time changed goes back to
    /// `pending` (its previous bytes stay linked until new ones are stored); files no longer listed are
    /// marked missing, never deleted. Returns the row of each listed file, in the order given.
    @discardableResult
    public func upsertArtifacts(_ artifacts: [ArtifactSnapshot], task: TaskRowID) throws -> [ArtifactRowID] {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO artifact (task_id, path, name, size, mime_type, category, modified_at, raw_json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (task_id, path) DO UPDATE SET
                name = excluded.name, size = excluded.size, mime_type = excluded.mime_type,
                category = excluded.category, modified_at = excluded.modified_at, raw_json = excluded.raw_json,
                remote_state = 'present',
                fetch_state = CASE WHEN artifact.size IS excluded.size AND artifact.modified_at IS excluded.modified_at
                                   THEN artifact.fetch_state ELSE 'pending' END,
                fetch_failures = CASE WHEN artifact.size IS excluded.size AND artifact.modified_at IS excluded.modified_at
                                      THEN artifact.fetch_failures ELSE 0 END
            WHERE artifact.raw_json IS NOT excluded.raw_json OR artifact.remote_state <> 'present'
            RETURNING id
            """)
        var rows: [ArtifactRowID] = []
        for artifact in artifacts {
            // An upsert that changed nothing returns no row; the id is then looked up.
            let id = try Int64.fetchOne(statement, arguments: [
                task.rawValue, artifact.path, artifact.name, artifact.size, artifact.mimeType, artifact.category,
                artifact.modifiedAt, artifact.rawJSON,
            ]) ?? Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM artifact WHERE task_id = ? AND path = ?"),
                                 arguments: [task.rawValue, artifact.path])!
            rows.append(ArtifactRowID(rawValue: id))
        }
        let listed = Set(rows.map(\.rawValue))
        let existing = try Int64.fetchAll(
            db.cachedStatement(sql: "SELECT id FROM artifact WHERE task_id = ? AND remote_state = 'present'"),
            arguments: [task.rawValue])
        for id in existing where !listed.contains(id) {
            try db.cachedStatement(sql: "UPDATE artifact SET remote_state = 'missing' WHERE id = ?")
                .execute(arguments: [id])
        }
        return rows
    }

    /// Links artifacts to bytes now in the blob store: the blobs in one statement, then each artifact.
    public func recordArtifactBlobs(_ links: [(artifact: ArtifactRowID, blob: StoredBlob)]) throws {
        var start = 0
        while start < links.count {
            let rows = Self.blobBatchSizes.first { $0 <= links.count - start }!
            var values: [(any DatabaseValueConvertible)?] = []
            values.reserveCapacity(rows * 3)
            for link in links[start..<(start + rows)] { values += [link.blob.hash.hex, link.blob.size, now] }
            try db.cachedStatement(sql: """
                INSERT INTO blob (sha256, size, stored_at)
                VALUES \(Array(repeating: "(?, ?, ?)", count: rows).joined(separator: ", "))
                ON CONFLICT DO NOTHING
                """).execute(arguments: StatementArguments(values))
            start += rows
        }
        let link = try db.cachedStatement(sql: """
            UPDATE artifact SET blob_sha256 = ?, fetch_state = 'stored', fetch_error = NULL, fetch_failures = 0 WHERE id = ?
            """)
        for (artifact, blob) in links { try link.execute(arguments: [blob.hash.hex, artifact.rawValue]) }
    }

    /// Brings both search indexes up to date with every search entry added or changed in this
    /// transaction (migrations 0009 and 0010): one set-wise pass per transaction instead of index writes
    /// per row. Every write transaction ends with it, before its commit.
    func applyPendingSearchChanges() throws {
        let pending = try db.cachedStatement(sql: """
            SELECT EXISTS (SELECT 1 FROM search_pending)
                OR EXISTS (SELECT 1 FROM search_doc WHERE id > (SELECT up_to FROM search_indexed))
            """)
        guard try Bool.fetchOne(pending) == true else { return }
        try db.cachedStatement(sql: "INSERT INTO search_index_update VALUES (1)").execute()
    }

    /// Notes that an artifact's download failed; it stays due for the next sync.
    /// Counts one more sync in which a listed file could not be downloaded, with the server's answer.
    /// `givingUp`: the file is recorded `failed` (not tried again until its listing changes);
    /// otherwise it stays pending and the next sync tries again.
    public func recordArtifactFailure(_ artifact: ArtifactRowID, error: String, givingUp: Bool) throws {
        try db.cachedStatement(sql: """
            UPDATE artifact SET fetch_failures = fetch_failures + 1, fetch_error = ?,
                fetch_state = CASE WHEN ? THEN 'failed' ELSE 'pending' END
            WHERE id = ?
            """).execute(arguments: [error, givingUp, artifact.rawValue])
    }
}

extension SQLiteArchiveWriter {
    /// Runs `body` with a writer over `db` (inside a write transaction), then applies the search changes
    /// left so far (migrations 0009 and 0010): every write transaction ends this way, before its commit,
    /// unless its caller defers indexing to a later transaction (`writeEach(_:indexSearch:)`).
    public func savepoint(_ unit: () throws -> Void) throws -> (any Error)? {
        do {
            try db.inSavepoint {
                try unit()
                return .commit
            }
            return nil
        } catch let error as DatabaseError {
            return ArchiveError(error, path: path, operation: "writing to the archive")
        } catch {
            return error
        }
    }

    static func transaction<T>(_ db: Database, path: String, now: String, indexSearch: Bool = true,
                               _ body: (SQLiteArchiveWriter) throws -> T) throws -> T {
        let writer = SQLiteArchiveWriter(db: db, path: path, now: now)
        let result = try body(writer)
        if indexSearch { try writer.applyPendingSearchChanges() }
        return result
    }
}
