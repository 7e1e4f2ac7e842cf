public import ArchiveStore
public import Foundation
import PostgresNIO

/// The reading half of the store on PostgreSQL: the same answers as the SQLite store's, in the same
/// order (text compared byte by byte, `COLLATE "C"`, as SQLite compares it).
extension PostgresArchive: ArchiveReader {
    public func tasks(_ filter: TaskFilter) async throws -> [TaskSummary] {
        var statement = PostgresStatement()
        let conditions = Self.conditions(filter, &statement)
        let limit = statement.bind(filter.limit == 0 ? nil : max(0, filter.limit))
        let offset = statement.bind(max(0, filter.offset))
        statement.sql = """
            SELECT t.remote_id, t.status, t.created_at, t.last_activity_at, t.message_count, t.message, t.remote_state,
                   a.base_url,
                   (SELECT m.content FROM message m WHERE m.task_id = t.id AND m.role = 'user' ORDER BY m.position LIMIT 1) AS first_user
            FROM task t JOIN account a ON a.id = t.account_id
            WHERE \(conditions)
            ORDER BY t.last_activity_at DESC, t.created_at DESC, t.remote_id COLLATE "C"
            LIMIT \(limit) OFFSET \(offset)
            """
        return try await read("listing tasks") {
            try await connection.rows(statement, logger: Self.logger).map { row in
                let column = Columns(row)
                // As in SQLite: the title is the first user message's, else the task's own message's.
                let source: String = try column("first_user", as: String?.self) ?? column("message", as: String?.self) ?? ""
                return TaskSummary(id: try column("remote_id"), status: TaskStatus(try column("status")),
                                   createdAt: try column("created_at"), lastActivityAt: try column("last_activity_at"),
                                   messageCount: try column("message_count", as: Int?.self), title: Archive.title(source),
                                   account: try column("base_url"), remoteState: Archive.state(try column("remote_state")))
            }
        }
    }

    public func taskCount(_ filter: TaskFilter) async throws -> Int {
        var statement = PostgresStatement()
        let conditions = Self.conditions(filter, &statement)
        statement.sql = "SELECT count(*) FROM task t JOIN account a ON a.id = t.account_id WHERE \(conditions)"
        return try await read("counting tasks") {
            try await connection.rows(statement, logger: Self.logger).first.map { try Columns($0)("count", as: Int.self) } ?? 0
        }
    }

    public func tasks(idPrefix prefix: String, limit: Int) async throws -> [StoredTask] {
        var statement = PostgresStatement()
        let pattern = statement.bind(SearchPlan.likePrefix(prefix))
        let count = statement.bind(limit)
        statement.sql = Self.taskSelect + " WHERE t.remote_id LIKE \(pattern) ESCAPE '\\' ORDER BY t.remote_id COLLATE \"C\" LIMIT \(count)"
        return try await read("looking up a task") { try await connection.rows(statement, logger: Self.logger).map(Self.storedTask) }
    }

    public func messages(of task: TaskRowID) async throws -> [StoredMessage] {
        var statement = PostgresStatement()
        let id = statement.bind(task.rawValue)
        statement.sql = """
            SELECT remote_id, position, role, content, created_at, thoughts_json, tool_calls_json, attached_files_json, raw_json
            FROM message WHERE task_id = \(id) ORDER BY position, id
            """
        return try await read("reading messages") {
            try await connection.rows(statement, logger: Self.logger).map { row in
                let column = Columns(row)
                return StoredMessage(remoteID: try column("remote_id"), position: try column("position"), role: try column("role"),
                                     content: try column("content"), createdAt: try column("created_at"),
                                     thoughtsJSON: try column("thoughts_json"), toolCallsJSON: try column("tool_calls_json"),
                                     attachedFilesJSON: try column("attached_files_json"), rawJSON: try column("raw_json"))
            }
        }
    }

    public func artifacts(of task: TaskRowID) async throws -> [StoredArtifact] {
        var statement = PostgresStatement()
        let id = statement.bind(task.rawValue)
        statement.sql = """
            SELECT id, path, name, size, mime_type, category, modified_at, blob_sha256, fetch_state, fetch_error,
                   fetch_failures, remote_state
            FROM artifact WHERE task_id = \(id) ORDER BY path COLLATE "C"
            """
        return try await read("reading artifacts") {
            try await connection.rows(statement, logger: Self.logger).map(Self.storedArtifact)
        }
    }

    public func storedFiles() async throws -> [TaskFile] {
        let statement = PostgresStatement("""
            SELECT t.remote_id AS task_remote_id, a.* FROM artifact a JOIN task t ON t.id = a.task_id
            WHERE a.fetch_state = 'stored' AND a.blob_sha256 IS NOT NULL
            ORDER BY a.task_id, a.path COLLATE "C"
            """)
        return try await read("listing stored files") {
            try await connection.rows(statement, logger: Self.logger).map { row in
                let column = Columns(row)
                return TaskFile(taskID: try column("task_remote_id"), task: TaskRowID(rawValue: try column("task_id")),
                                artifact: try Self.storedArtifact(row))
            }
        }
    }

    static func storedArtifact(_ row: PostgresRow) throws -> StoredArtifact {
        let column = Columns(row)
        return StoredArtifact(rowID: ArtifactRowID(try column("id", as: Int64.self)), path: try column("path"),
                              name: try column("name"), size: try column("size"), mimeType: try column("mime_type"),
                              category: try column("category"), modifiedAt: try column("modified_at"),
                              blobHash: try column("blob_sha256", as: String?.self).flatMap { BlobHash(hex: $0) },
                              fetchState: Archive.state(try column("fetch_state")), fetchError: try column("fetch_error"),
                              fetchFailures: try column("fetch_failures"), remoteState: Archive.state(try column("remote_state")))
    }

    public func events(of task: TaskRowID) async throws -> [StoredEvent] {
        var statement = PostgresStatement()
        let id = statement.bind(task.rawValue)
        statement.sql = """
            SELECT e.session_id, e.seq, e.type, e.data, e.received_at
            FROM stream_event e JOIN attach_session s ON s.id = e.session_id
            WHERE s.task_id = \(id) ORDER BY e.session_id, e.seq
            """
        return try await read("reading stream events") {
            try await connection.rows(statement, logger: Self.logger).map { row in
                let column = Columns(row)
                return StoredEvent(session: AttachSessionID(try column("session_id", as: Int64.self)), seq: try column("seq"),
                                   type: try column("type"), data: try column("data"), receivedAt: try column("received_at"))
            }
        }
    }

    /// Three queries one after another: the reading connection is shared by every reader of this
    /// opening, so it cannot hold a snapshot open for one of them.
    public func history(of task: TaskRowID, events: Bool) async throws -> TaskHistory {
        TaskHistory(messages: try await messages(of: task), artifacts: try await artifacts(of: task),
                    events: events ? try await self.events(of: task) : nil)
    }

    static let taskSelect = "SELECT t.*, a.base_url AS account_base_url FROM task t JOIN account a ON a.id = t.account_id"

    static func storedTask(_ row: PostgresRow) throws -> StoredTask {
        let column = Columns(row)
        return StoredTask(
            rowID: TaskRowID(rawValue: try column("id")), accountID: AccountID(try column("account_id", as: Int64.self)),
            accountBaseURL: try column("account_base_url"), remoteID: try column("remote_id"),
            status: TaskStatus(try column("status")), apiKeyID: try column("api_key_id"), username: try column("username"),
            sessionID: try column("session_id"), conversationID: try column("conversation_id"), message: try column("message"),
            systemPrompt: try column("system_prompt"), showInHistory: try column("show_in_history"),
            autoExecute: try column("auto_execute"), envJSON: try column("env_json"), error: try column("error"),
            createdAt: try column("created_at"), startedAt: try column("started_at"), completedAt: try column("completed_at"),
            lastActivityAt: try column("last_activity_at"), messageCount: try column("message_count"),
            outputJSON: try column("output_json"), pendingApprovalsJSON: try column("pending_approvals_json"),
            rawListJSON: try column("raw_list_json"), rawGetJSON: try column("raw_get_json"),
            remoteState: Archive.state(try column("remote_state")), syncState: Archive.state(try column("sync_state")),
            lastSyncedAt: try column("last_synced_at"))
    }

    /// The WHERE clause of a task filter, its values bound into `statement`.
    static func conditions(_ filter: TaskFilter, _ statement: inout PostgresStatement) -> String {
        var conditions = ["TRUE"]
        if !filter.statuses.isEmpty {
            conditions.append("t.status = ANY(\(statement.bind(filter.statuses.map(\.rawValue))))")
        }
        if let since = filter.since { conditions.append("t.last_activity_at >= \(statement.bind(since))") }
        if let until = filter.until { conditions.append("t.last_activity_at < \(statement.bind(until))") }
        if let pinned = filter.pinned { conditions.append("t.pinned = \(statement.bind(pinned))") }
        if let account = filter.account {
            let value = statement.bind(account)
            conditions.append("(strpos(a.base_url, \(value)) > 0 OR a.key_fingerprint = \(value))")
        }
        return conditions.joined(separator: " AND ")
    }

    /// Runs a read, turning what PostgreSQL or the network said into one line.
    func read<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ArchiveError {
            throw error
        } catch let error as CancellationError {
            throw error   // the asker has gone: nothing to report about the database
        } catch {
            throw Self.failure(error, location: location, operation: operation)
        }
    }
}

/// What `export` reads besides transcripts: whole tasks by filter or by search, and file bytes.
extension PostgresArchive {
    public func storedTasks(_ filter: TaskFilter) async throws -> [StoredTask] {
        var statement = PostgresStatement()
        let conditions = Self.conditions(filter, &statement)
        let limit = statement.bind(filter.limit == 0 ? nil : max(0, filter.limit))
        statement.sql = Self.taskSelect + """
             WHERE \(conditions)
            ORDER BY t.last_activity_at DESC, t.created_at DESC, t.remote_id COLLATE "C"
            LIMIT \(limit)
            """
        return try await read("listing tasks") { try await connection.rows(statement, logger: Self.logger).map(Self.storedTask) }
    }

    public func storedTasks(matching query: SearchQuery, match: SearchHit.Match) async throws -> [StoredTask] {
        var statement = PostgresStatement()
        let (_, conditions, needsTask) = Self.matching(query, substrings: match == .substring, &statement)
        statement.sql = Self.taskSelect + """
             WHERE t.id IN (SELECT d.task_id FROM \(Self.entries(joiningTasks: needsTask)) WHERE \(conditions))
            ORDER BY t.last_activity_at DESC, t.created_at DESC, t.remote_id COLLATE "C"
            """
        return try await read("searching") { try await connection.rows(statement, logger: Self.logger).map(Self.storedTask) }
    }

    public func taskIDsWithSharedShortPrefix() async throws -> Set<String> {
        try await read("listing tasks") {
            Set(try await connection.rows(PostgresStatement("""
                SELECT remote_id FROM task WHERE left(remote_id, 8) IN
                    (SELECT left(remote_id, 8) FROM task GROUP BY 1 HAVING count(DISTINCT remote_id) > 1)
                """), logger: Self.logger).map { try Columns($0)("remote_id", as: String.self) })
        }
    }

    public func blobChunk(_ hash: BlobHash, index: Int) async throws -> Data? {
        var statement = PostgresStatement()
        statement.sql = "SELECT data FROM blob_chunk WHERE sha256 = \(statement.bind(hash.hex)) AND chunk = \(statement.bind(index))"
        if let row = try await read("reading a file", { try await connection.rows(statement, logger: Self.logger).first }) {
            let buffer: ByteBuffer = try Columns(row)("data")
            return Data(buffer.readableBytesView)
        }
        // Past the end, or no such file at all (an empty file has no chunk but has its row).
        var known = PostgresStatement()
        known.sql = "SELECT 1 FROM blob WHERE sha256 = \(known.bind(hash.hex))"
        if index > 0 { return nil }
        guard try await read("reading a file", { try await connection.rows(known, logger: Self.logger).first }) != nil else {
            throw ArchiveError.blob(hash: hash.hex, problem: "the archive lists it but does not hold its bytes")
        }
        return nil
    }

    /// PostgreSQL keeps files as rows, never as files of their own.
    public func blobFile(_ hash: BlobHash) -> URL? { nil }

    public func outbox(account: AccountID?, states: Set<OutboxItem.State>?) async throws -> [OutboxItem] {
        var statement = PostgresStatement()
        var conditions = ["TRUE"]
        if let account { conditions.append("o.account_id = \(statement.bind(account.rawValue))") }
        if let states { conditions.append("o.state = ANY(\(statement.bind(states.map(\.rawValue))))") }
        statement.sql = """
            SELECT o.*, a.base_url AS account_base_url FROM outbox o JOIN account a ON a.id = o.account_id
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY o.id
            """
        return try await read("reading the outbox") {
            var items: [OutboxItem] = []
            for row in try await connection.rows(statement, logger: Self.logger) {
                let column = Columns(row)
                let id: Int64 = try column("id")
                var files = PostgresStatement()
                files.sql = "SELECT filename, content_type, blob_sha256 FROM outbox_file WHERE outbox_id = \(files.bind(id)) ORDER BY position"
                let attached = try await connection.rows(files, logger: Self.logger).compactMap { file -> OutboxItem.File? in
                    let fileColumn = Columns(file)
                    guard let hash = BlobHash(hex: try fileColumn("blob_sha256")) else { return nil }
                    return OutboxItem.File(filename: try fileColumn("filename"), contentType: try fileColumn("content_type"), blob: hash)
                }
                items.append(OutboxItem(id: id, accountBaseURL: try column("account_base_url"), kind: Archive.state(try column("kind")),
                                  taskID: try column("task_remote_id"), message: try column("message"),
                                  systemPrompt: try column("system_prompt"), autoExecute: try column("auto_execute"),
                                  callID: try column("call_id"), outcome: try column("outcome"), state: Archive.state(try column("state")),
                                  queuedAt: try column("queued_at"), sendingAt: try column("sending_at"), sentAt: try column("sent_at"),
                                  remoteID: try column("remote_id"), note: try column("note"), files: attached))
            }
            return items
        }
    }
}
