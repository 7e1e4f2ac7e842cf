/// The API's objects, typed where the documentation says what a field is, each keeping the whole
/// object it was read from (`raw`) so nothing the server sends is lost. Missing optional fields are
/// nil; a missing required field is a decoding error naming it.

public struct APITask: Sendable, Equatable {
    public var id: String
    public var status: String
    public var apiKeyId: String?
    public var username: String?
    public var sessionId: String?
    public var conversationId: String?
    public var message: String?
    public var systemPrompt: String?
    public var showInHistory: Bool?
    public var autoExecute: Bool?
    public var env: JSONValue?
    public var error: String?
    public var createdAt: String
    public var startedAt: String?
    public var completedAt: String?
    /// List only.
    public var lastActivityAt: String?
    /// List only.
    public var messageCount: Int?
    /// Get only.
    public var output: JSONValue?
    /// Get only; nil when none are pending.
    public var pendingApprovals: [JSONValue]?
    public var raw: JSONValue

    public init(_ json: JSONValue, context: String) throws(SigmicAPIError) {
        guard case .object = json else { throw .decoding("\(context): a task is not an object") }
        guard let id = json["id"]?.string else { throw .decoding("\(context): task without an id") }
        guard let status = json["status"]?.string else { throw .decoding("\(context): task \(id) without a status") }
        guard let createdAt = json["createdAt"]?.string else { throw .decoding("\(context): task \(id) without createdAt") }
        self.id = id
        self.status = status
        self.createdAt = createdAt
        apiKeyId = json["apiKeyId"]?.string
        username = json["username"]?.string
        sessionId = json["sessionId"]?.string
        conversationId = json["conversationId"]?.string
        message = json["message"]?.string
        systemPrompt = json["systemPrompt"]?.string
        showInHistory = json["showInHistory"]?.bool
        autoExecute = json["autoExecute"]?.bool
        env = json["env"].flatMap { $0.isNull ? nil : $0 }
        error = json["error"]?.string
        startedAt = json["startedAt"]?.string
        completedAt = json["completedAt"]?.string
        lastActivityAt = json["lastActivityAt"]?.string
        messageCount = json["messageCount"]?.int
        output = json["output"].flatMap { $0.isNull ? nil : $0 }
        pendingApprovals = json["pendingApprovals"]?.array
        raw = json
    }
}

public struct Pagination: Sendable, Equatable {
    public var total: Int?
    public var limit: Int?
    public var offset: Int?
    public var hasMore: Bool?
}

public struct TaskPage: Sendable, Equatable {
    public var tasks: [APITask]
    public var pagination: Pagination
}

public struct APIMessage: Sendable, Equatable {
    public var id: String
    public var role: String
    public var content: String
    public var createdAt: String
    public var thoughts: JSONValue?
    public var toolCalls: JSONValue?
    public var attachedFiles: JSONValue?
    public var raw: JSONValue

    public init(_ json: JSONValue, context: String) throws(SigmicAPIError) {
        guard let id = json["id"]?.string else { throw .decoding("\(context): message without an id") }
        self.id = id
        role = json["role"]?.string ?? "unknown"
        content = json["content"]?.string ?? ""
        createdAt = json["createdAt"]?.string ?? ""
        thoughts = json["thoughts"].flatMap { $0.isNull ? nil : $0 }
        toolCalls = json["toolCalls"].flatMap { $0.isNull ? nil : $0 }
        attachedFiles = json["attachedFiles"].flatMap { $0.isNull ? nil : $0 }
        raw = json
    }
}

public struct TaskHistory: Sendable, Equatable {
    public var taskId: String
    public var conversationId: String?
    public var status: String?
    public var messages: [APIMessage]
    public var raw: JSONValue
}

public struct APIArtifact: Sendable, Equatable {
    /// Metadata only: never a path on the local file system.
    public var path: String
    public var name: String
    public var size: Int64?
    public var mimeType: String?
    public var category: String?
    public var modifiedAt: String?
    public var raw: JSONValue

    init(_ json: JSONValue, context: String) throws(SigmicAPIError) {
        guard let path = json["path"]?.string else { throw .decoding("\(context): artifact without a path") }
        self.path = path
        name = json["name"]?.string ?? String(path.split(separator: "/").last ?? "")
        size = json["size"]?.int64
        mimeType = json["mimeType"]?.string
        category = json["category"]?.string
        modifiedAt = json["modifiedAt"]?.string
        raw = json
    }
}

/// What to create a task with. Files need multipart; env and secrets need JSON: not both.
public struct CreateTaskRequest: Sendable {
    public var message: String
    public var systemPrompt: String?
    public var autoExecute: Bool?
    public var showInHistory: Bool?
    public var env: [String: String]?
    public var secrets: [String: String]?
    public var files: [UploadFile]

    public init(message: String, systemPrompt: String? = nil, autoExecute: Bool? = nil, showInHistory: Bool? = nil,
                env: [String: String]? = nil, secrets: [String: String]? = nil, files: [UploadFile] = []) {
        self.message = message
        self.systemPrompt = systemPrompt
        self.autoExecute = autoExecute
        self.showInHistory = showInHistory
        self.env = env
        self.secrets = secrets
        self.files = files
    }
}

public struct UploadFile: Sendable {
    public var filename: String
    public var contentType: String
    public var bytes: [UInt8]

    public init(filename: String, contentType: String = "application/octet-stream", bytes: [UInt8]) {
        self.filename = filename
        self.contentType = contentType
        self.bytes = bytes
    }
}

public enum ApprovalOutcome: String, Sendable, CaseIterable {
    case proceedOnce = "proceed_once"
    case proceedAlways = "proceed_always"
    case cancel
}
