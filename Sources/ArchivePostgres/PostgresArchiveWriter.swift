public import ArchiveStore
import Foundation
import PostgresNIO

/// PostgreSQL's `ArchiveWriter`, valid only inside `PostgresArchive.write { writer in … }`: the same
/// upserts as SQLite's, in PostgreSQL's words. Several syncers on several machines write at once, so
/// every upsert is keyed by (account, remote id) and settles a race by itself (`ON CONFLICT`); rows are
/// rewritten only when their raw JSON changed. Search entries follow messages by trigger (migration
/// 0001), inside the same transaction. Split as SQLite's writer is: tasks, messages, events and
/// artifacts here; stored files, the outbox and sync bookkeeping in `PostgresArchiveWriter+…`.
public struct PostgresArchiveWriter: ArchiveWriter {
    let connection: PostgresConnection
    /// The database, to name in a unit's failure.
    let location: PostgresLocation
    let now: String
    /// Where downloads wait until a commit streams them into `blob_chunk` rows.
    let spool: BlobStore
    /// The spooled files this transaction streamed in: removed once it commits.
    let streamed: StreamedBlobs

    /// Rows per multi-row insert: PostgreSQL takes at most 65,535 parameters a statement.
    static func batch(parametersPerRow: Int) -> Int { 60_000 / parametersPerRow }

    @discardableResult
    func run(_ statement: PostgresStatement) throws -> [PostgresRow] {
        try connection.rowsWaiting(statement, logger: PostgresArchive.logger)
    }

    /// A unit that lost a deadlock is not a unit's failure: the whole transaction runs again (`write`).
    public func savepoint(_ unit: () throws -> Void) throws -> (any Error)? {
        try run(PostgresStatement("SAVEPOINT unit"))
        var failure: (any Error)?
        do {
            try unit()
        } catch {
            if PostgresArchive.isConflict(error) { throw error }
            try run(PostgresStatement("ROLLBACK TO SAVEPOINT unit"))
            // What the database said is worded as one line; any other error is the unit's own.
            failure = error is PSQLError ? PostgresArchive.failure(error, location: location, operation: "writing to the archive") : error
        }
        try run(PostgresStatement("RELEASE SAVEPOINT unit"))
        return failure
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

    public func recordArtifactFailure(_ artifact: ArtifactRowID, error: String, givingUp: Bool) throws {
        var statement = PostgresStatement()
        statement.sql = """
            UPDATE artifact SET fetch_failures = fetch_failures + 1, fetch_error = \(statement.bind(error)),
                fetch_state = \(statement.bind(givingUp ? "failed" : "pending"))
            WHERE id = \(statement.bind(artifact.rawValue))
            """
        try run(statement)
    }
}
