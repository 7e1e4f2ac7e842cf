public import ArchiveStore
public import SigmicAPI

/// One request that acts on a task for the user — a new run, a follow-up, an approval, a cancel — as
/// `run`, `reply`, `approve` and `cancel` send it now, and as the outbox keeps it and sends it later.
/// The one place that turns an action into API calls.
public enum TaskRequest: Sendable {
    case create(message: String, systemPrompt: String?, autoExecute: Bool?, files: [UploadFile])
    case followUp(taskID: String, message: String, files: [UploadFile])
    case approve(taskID: String, callID: String, outcome: ApprovalOutcome)
    case cancel(taskID: String)

    /// What the API answered.
    public enum Answer: Sendable, Equatable {
        /// The task a new run made.
        case created(taskID: String)
        /// Whether the call was approved (false: denied).
        case approved(Bool)
        case done
    }

    public func send(with client: SigmicClient) async throws(SigmicAPIError) -> Answer {
        switch self {
        case .create(let message, let systemPrompt, let autoExecute, let files):
            let request = CreateTaskRequest(message: message, systemPrompt: systemPrompt, autoExecute: autoExecute, files: files)
            return .created(taskID: try await client.createTask(request))
        case .followUp(let taskID, let message, let files):
            _ = try await client.followUp(taskID, message: message, files: files)
            return .done
        case .approve(let taskID, let callID, let outcome):
            return .approved(try await client.approve(taskID, callId: callID, outcome: outcome))
        case .cancel(let taskID):
            try await client.cancel(taskID)
            return .done
        }
    }

    /// The outbox item that keeps it to send later; its files go in as blobs when it is queued.
    public var outboxItem: NewOutboxItem {
        switch self {
        case .create(let message, let systemPrompt, let autoExecute, _):
            NewOutboxItem(kind: .create, message: message, systemPrompt: systemPrompt, autoExecute: autoExecute)
        case .followUp(let taskID, let message, _):
            NewOutboxItem(kind: .followUp, taskID: taskID, message: message)
        case .approve(let taskID, let callID, let outcome):
            NewOutboxItem(kind: .approve, taskID: taskID, callID: callID, outcome: outcome.rawValue)
        case .cancel(let taskID):
            NewOutboxItem(kind: .cancel, taskID: taskID)
        }
    }

    /// The files sent with it.
    public var files: [UploadFile] {
        switch self {
        case .create(_, _, _, let files), .followUp(_, _, let files): files
        case .approve, .cancel: []
        }
    }

    /// The request an outbox item keeps, with its files read back from the archive.
    public init(_ item: OutboxItem, files: [UploadFile]) {
        switch item.kind {
        case .create:
            self = .create(message: item.message ?? "", systemPrompt: item.systemPrompt, autoExecute: item.autoExecute, files: files)
        case .followUp:
            self = .followUp(taskID: item.taskID ?? "", message: item.message ?? "", files: files)
        case .approve:
            self = .approve(taskID: item.taskID ?? "", callID: item.callID ?? "",
                            outcome: ApprovalOutcome(rawValue: item.outcome ?? "") ?? .proceedOnce)
        case .cancel:
            self = .cancel(taskID: item.taskID ?? "")
        }
    }
}
