/// A task's status as the API reports it. The API documents six; a status this build does not know
/// is kept as sent (`other`), so a newer server never makes a task unreadable.
public enum TaskStatus: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    case pending
    case running
    case awaitingApproval
    case completed
    case failed
    case cancelled
    case other(String)

    /// The documented statuses, in the order a task moves through them.
    public static let documented: [TaskStatus] = [.pending, .running, .awaitingApproval, .completed, .failed, .cancelled]

    public init(_ rawValue: String) {
        self = Self.documented.first { $0.rawValue == rawValue } ?? .other(rawValue)
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }

    /// The API's spelling, which is also what the archive stores.
    public var rawValue: String {
        switch self {
        case .pending: "pending"
        case .running: "running"
        case .awaitingApproval: "awaiting_approval"
        case .completed: "completed"
        case .failed: "failed"
        case .cancelled: "cancelled"
        case .other(let text): text
        }
    }

    /// Still running on the server: it has a live stream to follow, and its state will change.
    public var isLive: Bool {
        switch self {
        case .pending, .running, .awaitingApproval: true
        default: false
        }
    }

    /// Pending or running: it changes on its own, so an archived copy is out of date at once. A task
    /// awaiting approval is live too, but paused: it changes only when someone answers.
    public var changesOnItsOwn: Bool {
        self == .pending || self == .running
    }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
