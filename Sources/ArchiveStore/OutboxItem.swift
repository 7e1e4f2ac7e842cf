/// Something the user did while the API could not be reached, waiting in the archive to be sent
/// (migration 0013 says what each state means).
public struct OutboxItem: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case create
        case followUp = "follow_up"
        case approve
        case cancel
    }

    public enum State: String, Sendable, CaseIterable {
        case queued, sending, sent, stale, expired, failed

        /// Still to be sent (or reconciled, for `sending`).
        public var isWaiting: Bool { self == .queued || self == .sending || self == .expired }
    }

    /// A file uploaded with the message, its bytes in the blob store.
    public struct File: Sendable, Equatable {
        public let filename: String
        public let contentType: String
        public let blob: BlobHash

        public init(filename: String, contentType: String, blob: BlobHash) {
            self.filename = filename
            self.contentType = contentType
            self.blob = blob
        }
    }

    public let id: Int64
    /// The account it will be sent to (the key is never stored).
    public let accountBaseURL: String
    public let kind: Kind
    /// The task acted on (nil for `create`).
    public let taskID: String?
    public let message: String?
    public let systemPrompt: String?
    public let autoExecute: Bool?
    public let callID: String?
    /// For `approve`: `proceed_once`, `proceed_always` or `cancel`.
    public let outcome: String?
    public let state: State
    public let queuedAt: String
    public let sendingAt: String?
    public let sentAt: String?
    /// For a sent `create`: the task it made.
    public let remoteID: String?
    public let note: String?
    public let files: [File]

    public init(id: Int64, accountBaseURL: String = "", kind: Kind, taskID: String?, message: String?, systemPrompt: String?, autoExecute: Bool?,
                callID: String?, outcome: String?, state: State, queuedAt: String, sendingAt: String?, sentAt: String?,
                remoteID: String?, note: String?, files: [File]) {
        self.id = id
        self.accountBaseURL = accountBaseURL
        self.kind = kind
        self.taskID = taskID
        self.message = message
        self.systemPrompt = systemPrompt
        self.autoExecute = autoExecute
        self.callID = callID
        self.outcome = outcome
        self.state = state
        self.queuedAt = queuedAt
        self.sendingAt = sendingAt
        self.sentAt = sentAt
        self.remoteID = remoteID
        self.note = note
        self.files = files
    }
}

/// What is put into the outbox (see `SQLiteArchiveWriter.enqueue`).
public struct NewOutboxItem: Sendable {
    public var kind: OutboxItem.Kind
    public var taskID: String?
    public var message: String?
    public var systemPrompt: String?
    public var autoExecute: Bool?
    public var callID: String?
    public var outcome: String?
    /// Files already in the blob store (`BlobStore.store`), in upload order.
    public var files: [(filename: String, contentType: String, blob: StoredBlob)] = []

    public init(kind: OutboxItem.Kind, taskID: String? = nil, message: String? = nil, systemPrompt: String? = nil,
                autoExecute: Bool? = nil, callID: String? = nil, outcome: String? = nil) {
        self.kind = kind
        self.taskID = taskID
        self.message = message
        self.systemPrompt = systemPrompt
        self.autoExecute = autoExecute
        self.callID = callID
        self.outcome = outcome
    }
}
