/// What the archive is told, in its own terms. The API module decodes the wire; the sync engine maps
/// its types to these. JSON-valued fields are kept as JSON text so nothing the server sent is lost.

/// A task as the API returned it, from a list page or from a get.
public struct TaskSnapshot: Sendable, Equatable {
    public var remoteID: String
    public var status: TaskStatus
    public var apiKeyID: String?
    public var username: String?
    public var sessionID: String?
    public var conversationID: String?
    public var message: String?
    public var systemPrompt: String?
    public var showInHistory: Bool?
    public var autoExecute: Bool?
    public var envJSON: String?
    public var error: String?
    public var createdAt: String
    public var startedAt: String?
    public var completedAt: String?
    /// Listing only; when absent it is taken as the latest of completedAt, startedAt, createdAt (its
    /// documented definition).
    public var lastActivityAt: String?
    /// Listing only.
    public var messageCount: Int?
    /// Get only: the `output` object, as JSON.
    public var outputJSON: String?
    /// Get only: the `pendingApprovals` array, as JSON (absent = none pending).
    public var pendingApprovalsJSON: String?
    /// The whole task object as received.
    public var rawJSON: String

    public init(remoteID: String, status: TaskStatus, createdAt: String, rawJSON: String) {
        self.remoteID = remoteID
        self.status = status
        self.createdAt = createdAt
        self.rawJSON = rawJSON
    }

    package var effectiveLastActivityAt: String {
        lastActivityAt ?? [completedAt, startedAt, createdAt].compactMap { $0 }.max() ?? createdAt
    }
}

/// One history message.
public struct MessageSnapshot: Sendable, Equatable {
    public var remoteID: String
    public var role: String
    public var content: String
    public var createdAt: String
    public var thoughtsJSON: String?
    public var toolCallsJSON: String?
    public var attachedFilesJSON: String?
    public var rawJSON: String

    public init(remoteID: String, role: String, content: String, createdAt: String,
                thoughtsJSON: String? = nil, toolCallsJSON: String? = nil, attachedFilesJSON: String? = nil,
                rawJSON: String) {
        self.remoteID = remoteID
        self.role = role
        self.content = content
        self.createdAt = createdAt
        self.thoughtsJSON = thoughtsJSON
        self.toolCallsJSON = toolCallsJSON
        self.attachedFilesJSON = attachedFilesJSON
        self.rawJSON = rawJSON
    }
}

/// One SSE event as received, numbered within its attach session.
public struct StreamEventSnapshot: Sendable, Equatable {
    public var seq: Int
    public var type: String
    public var data: String
    public var receivedAt: String

    public init(seq: Int, type: String, data: String, receivedAt: String) {
        self.seq = seq
        self.type = type
        self.data = data
        self.receivedAt = receivedAt
    }
}

/// One file of a task's workspace listing. `path` and `name` are metadata only.
public struct ArtifactSnapshot: Sendable, Equatable {
    public var path: String
    public var name: String
    public var size: Int64?
    public var mimeType: String?
    public var category: String?
    public var modifiedAt: String?
    public var rawJSON: String

    public init(path: String, name: String, size: Int64?, mimeType: String?, category: String?,
                modifiedAt: String?, rawJSON: String) {
        self.path = path
        self.name = name
        self.size = size
        self.mimeType = mimeType
        self.category = category
        self.modifiedAt = modifiedAt
        self.rawJSON = rawJSON
    }
}

/// Row identities. Distinct types so a task's row id is never passed where an artifact's is expected.
public struct AccountID: Hashable, Sendable { public let rawValue: Int64 }
public struct TaskRowID: Hashable, Sendable {
    public let rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
}
public struct ArtifactRowID: Hashable, Sendable { public let rawValue: Int64 }
public struct AttachSessionID: Hashable, Sendable {
    public let rawValue: Int64
    package init(rawValue: Int64) { self.rawValue = rawValue }
}
