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
}

public struct StoredEvent: Sendable, Equatable {
    public let session: AttachSessionID
    public let seq: Int
    public let type: String
    public let data: String
    public let receivedAt: String
}
