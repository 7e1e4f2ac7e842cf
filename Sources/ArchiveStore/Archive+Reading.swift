import Foundation
internal import GRDB

extension Archive {
    /// The task whose id is `idOrPrefix` or starts with it (like git's short hashes). An exact id wins
    /// over longer ids it prefixes; a prefix shared by several tasks is an error listing them.
    /// Tasks whose id starts with `prefix` (lower case), in id order, at most `limit`.
    public func tasks(idPrefix prefix: String, limit: Int) async throws -> [StoredTask] {
        try await read("looking up a task") { db in
            try Row.fetchAll(db, sql: Self.taskSelect + " " + """
                WHERE task.remote_id >= ? AND task.remote_id < ? ORDER BY task.remote_id LIMIT ?
                """, arguments: [prefix, prefix + "\u{10FFFF}", limit]).map(Self.storedTask)
        }
    }

    public func task(_ rowID: TaskRowID) async throws -> StoredTask? {
        try await read("reading a task") { db in
            try Row.fetchOne(db, sql: Self.taskSelect + " WHERE task.id = ?", arguments: [rowID.rawValue]).map(Self.storedTask)
        }
    }

    /// A task's messages in history order.
    public func messages(of task: TaskRowID) async throws -> [StoredMessage] {
        try await read("reading messages") { db in try Self.messages(db, of: task) }
    }

    /// A task's artifacts, by path.
    public func artifacts(of task: TaskRowID) async throws -> [StoredArtifact] {
        try await read("reading artifacts") { db in try Self.artifacts(db, of: task) }
    }

    /// A task's stream events in arrival order (session by session).
    public func events(of task: TaskRowID) async throws -> [StoredEvent] {
        try await read("reading stream events") { db in try Self.events(db, of: task) }
    }

    public func history(of task: TaskRowID, events: Bool) async throws -> TaskHistory {
        try await read("reading a task") { db in
            TaskHistory(messages: try Self.messages(db, of: task), artifacts: try Self.artifacts(db, of: task),
                        events: events ? try Self.events(db, of: task) : nil)
        }
    }

    static func messages(_ db: Database, of task: TaskRowID) throws -> [StoredMessage] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT remote_id, position, role, content, created_at, thoughts_json, tool_calls_json,
                   attached_files_json, raw_json
            FROM message WHERE task_id = ? ORDER BY position, id
            """), arguments: [task.rawValue]).map { row in
            StoredMessage(remoteID: row["remote_id"], position: row["position"], role: row["role"],
                          content: row["content"], createdAt: row["created_at"],
                          thoughtsJSON: row["thoughts_json"], toolCallsJSON: row["tool_calls_json"],
                          attachedFilesJSON: row["attached_files_json"], rawJSON: row["raw_json"])
        }
    }

    static func artifacts(_ db: Database, of task: TaskRowID) throws -> [StoredArtifact] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT \(artifactColumns) FROM artifact WHERE task_id = ? ORDER BY path
            """), arguments: [task.rawValue]).map(storedArtifact)
    }

    public func storedFiles() async throws -> [TaskFile] {
        try await read("listing stored files") { db in
            try Row.fetchAll(db, sql: """
                SELECT t.remote_id AS task_remote_id, artifact.* FROM artifact JOIN task t ON t.id = artifact.task_id
                WHERE artifact.fetch_state = 'stored' AND artifact.blob_sha256 IS NOT NULL
                ORDER BY artifact.task_id, artifact.path
                """).map { row in
                TaskFile(taskID: row["task_remote_id"], task: TaskRowID(rawValue: row["task_id"]), artifact: Self.storedArtifact(row))
            }
        }
    }

    static let artifactColumns = """
        id, path, name, size, mime_type, category, modified_at, blob_sha256, fetch_state, fetch_error, fetch_failures, remote_state
        """

    static func storedArtifact(_ row: Row) -> StoredArtifact {
        StoredArtifact(rowID: ArtifactRowID(rawValue: row["id"]), path: row["path"], name: row["name"],
                       size: row["size"], mimeType: row["mime_type"], category: row["category"],
                       modifiedAt: row["modified_at"],
                       blobHash: (row["blob_sha256"] as String?).flatMap { BlobHash(hex: $0) },
                       fetchState: Self.state(row["fetch_state"]), fetchError: row["fetch_error"],
                       fetchFailures: row["fetch_failures"], remoteState: Self.state(row["remote_state"]))
    }

    static func events(_ db: Database, of task: TaskRowID) throws -> [StoredEvent] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT e.session_id, e.seq, e.type, e.data, e.received_at
            FROM stream_event e JOIN attach_session s ON s.id = e.session_id
            WHERE s.task_id = ? ORDER BY e.session_id, e.seq
            """), arguments: [task.rawValue]).map { row in
            StoredEvent(session: AttachSessionID(rawValue: row["session_id"]), seq: row["seq"],
                        type: row["type"], data: row["data"], receivedAt: row["received_at"])
        }
    }

    static let taskSelect = """
        SELECT task.*, account.base_url AS account_base_url FROM task JOIN account ON account.id = task.account_id
        """

    static func storedTask(_ row: Row) -> StoredTask {
        StoredTask(
            rowID: TaskRowID(rawValue: row["id"]), accountID: AccountID(rawValue: row["account_id"]),
            accountBaseURL: row["account_base_url"], remoteID: row["remote_id"], status: TaskStatus(row["status"]),
            apiKeyID: row["api_key_id"], username: row["username"], sessionID: row["session_id"],
            conversationID: row["conversation_id"], message: row["message"], systemPrompt: row["system_prompt"],
            showInHistory: row["show_in_history"], autoExecute: row["auto_execute"], envJSON: row["env_json"],
            error: row["error"], createdAt: row["created_at"], startedAt: row["started_at"],
            completedAt: row["completed_at"], lastActivityAt: row["last_activity_at"],
            messageCount: row["message_count"], outputJSON: row["output_json"],
            pendingApprovalsJSON: row["pending_approvals_json"], rawListJSON: row["raw_list_json"],
            rawGetJSON: row["raw_get_json"], remoteState: Self.state(row["remote_state"]), syncState: Self.state(row["sync_state"]),
            lastSyncedAt: row["last_synced_at"])
    }

    /// A state column's value. The schema's CHECK constraints admit only the enum's values, so
    /// anything else means a damaged row: it reads as the enum's first case rather than stopping a reader.
    package static func state<State: RawRepresentable & CaseIterable>(_ text: String) -> State where State.RawValue == String {
        State(rawValue: text) ?? State.allCases.first!
    }
}
