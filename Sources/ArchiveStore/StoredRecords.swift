/// What the archive hands back to readers (show, export, search).

public struct StoredTask: Sendable, Equatable {
    public let rowID: TaskRowID
    public let accountID: AccountID
    public let accountBaseURL: String
    public let remoteID: String
    public let status: TaskStatus
    public let apiKeyID: String?
    public let username: String?
    public let sessionID: String?
    public let conversationID: String?
    public let message: String?
    public let systemPrompt: String?
    public let showInHistory: Bool?
    public let autoExecute: Bool?
    public let envJSON: String?
    public let error: String?
    public let createdAt: String
    public let startedAt: String?
    public let completedAt: String?
    public let lastActivityAt: String
    public let messageCount: Int?
    public let outputJSON: String?
    public let pendingApprovalsJSON: String?
    public let rawListJSON: String?
    public let rawGetJSON: String?
    public let remoteState: RemoteState
    public let syncState: TaskSyncState
    public let lastSyncedAt: String?

    package init(rowID: TaskRowID, accountID: AccountID, accountBaseURL: String, remoteID: String, status: TaskStatus,
                 apiKeyID: String?, username: String?, sessionID: String?, conversationID: String?, message: String?,
                 systemPrompt: String?, showInHistory: Bool?, autoExecute: Bool?, envJSON: String?, error: String?,
                 createdAt: String, startedAt: String?, completedAt: String?, lastActivityAt: String, messageCount: Int?,
                 outputJSON: String?, pendingApprovalsJSON: String?, rawListJSON: String?, rawGetJSON: String?,
                 remoteState: RemoteState, syncState: TaskSyncState, lastSyncedAt: String?) {
        self.rowID = rowID; self.accountID = accountID; self.accountBaseURL = accountBaseURL; self.remoteID = remoteID
        self.status = status; self.apiKeyID = apiKeyID; self.username = username; self.sessionID = sessionID
        self.conversationID = conversationID; self.message = message; self.systemPrompt = systemPrompt
        self.showInHistory = showInHistory; self.autoExecute = autoExecute; self.envJSON = envJSON; self.error = error
        self.createdAt = createdAt; self.startedAt = startedAt; self.completedAt = completedAt
        self.lastActivityAt = lastActivityAt; self.messageCount = messageCount; self.outputJSON = outputJSON
        self.pendingApprovalsJSON = pendingApprovalsJSON; self.rawListJSON = rawListJSON; self.rawGetJSON = rawGetJSON
        self.remoteState = remoteState; self.syncState = syncState; self.lastSyncedAt = lastSyncedAt
    }
}

public struct StoredMessage: Sendable, Equatable {
    public let remoteID: String
    public let position: Int
    public let role: String
    public let content: String
    public let createdAt: String
    public let thoughtsJSON: String?
    public let toolCallsJSON: String?
    public let attachedFilesJSON: String?
    public let rawJSON: String

    package init(remoteID: String, position: Int, role: String, content: String, createdAt: String, thoughtsJSON: String?,
                 toolCallsJSON: String?, attachedFilesJSON: String?, rawJSON: String) {
        self.remoteID = remoteID; self.position = position; self.role = role; self.content = content
        self.createdAt = createdAt; self.thoughtsJSON = thoughtsJSON; self.toolCallsJSON = toolCallsJSON
        self.attachedFilesJSON = attachedFilesJSON; self.rawJSON = rawJSON
    }
}

public struct StoredArtifact: Sendable, Equatable {
    public let rowID: ArtifactRowID
    public let path: String
    public let name: String
    public let size: Int64?
    public let mimeType: String?
    public let category: String?
    public let modifiedAt: String?
    public let blobHash: BlobHash?
    public let fetchState: ArtifactFetchState
    public let fetchError: String?
    /// Syncs in a row that could not download this version (migration 0012).
    public let fetchFailures: Int
    public let remoteState: RemoteState

    /// True when the bytes of the listed version are in the blob store.
    public var isStored: Bool { fetchState == .stored && blobHash != nil }

    /// Why `redact` (or its on-sync rule) keeps this file's bytes out, when it does: a binary file that
    /// held a secret (its `fetchError`, which begins `removedByRedact`).
    public var removedReason: String? {
        fetchState == .failed && fetchError?.hasPrefix(Self.removedByRedact) == true ? fetchError : nil
    }

    public static let removedByRedact = "removed by redact"

    package init(rowID: ArtifactRowID, path: String, name: String, size: Int64?, mimeType: String?, category: String?,
                 modifiedAt: String?, blobHash: BlobHash?, fetchState: ArtifactFetchState, fetchError: String?,
                 fetchFailures: Int, remoteState: RemoteState) {
        self.rowID = rowID; self.path = path; self.name = name; self.size = size; self.mimeType = mimeType
        self.category = category; self.modifiedAt = modifiedAt; self.blobHash = blobHash; self.fetchState = fetchState
        self.fetchError = fetchError; self.fetchFailures = fetchFailures; self.remoteState = remoteState
    }
}

/// An artifact with the task it belongs to (`ArchiveReader.storedFiles`).
public struct TaskFile: Sendable {
    /// The task's remote id.
    public let taskID: String
    public let task: TaskRowID
    public let artifact: StoredArtifact

    package init(taskID: String, task: TaskRowID, artifact: StoredArtifact) {
        (self.taskID, self.task, self.artifact) = (taskID, task, artifact)
    }
}

/// What a transcript shows of a task, read together (`ArchiveReader.history`).
public struct TaskHistory: Sendable {
    public let messages: [StoredMessage]
    public let artifacts: [StoredArtifact]
    /// Nil when not asked for.
    public let events: [StoredEvent]?

    package init(messages: [StoredMessage], artifacts: [StoredArtifact], events: [StoredEvent]?) {
        (self.messages, self.artifacts, self.events) = (messages, artifacts, events)
    }
}

public struct StoredEvent: Sendable, Equatable {
    public let session: AttachSessionID
    public let seq: Int
    public let type: String
    public let data: String
    public let receivedAt: String

    package init(session: AttachSessionID, seq: Int, type: String, data: String, receivedAt: String) {
        self.session = session; self.seq = seq; self.type = type; self.data = data; self.receivedAt = receivedAt
    }
}
