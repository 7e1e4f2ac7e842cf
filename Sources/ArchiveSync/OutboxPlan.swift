public import ArchiveStore
public import Foundation
public import SigmicAPI

/// Pure decisions of sending the outbox: what to do with an item, how to tell whether an item whose
/// outcome is unknown already reached the server, and what a failed send leaves behind.
public enum OutboxPlan {
    /// Items older than this are not sent by a sync (a week: long enough for a trip offline, short
    /// enough that a stale instruction does not fire by surprise).
    public static let defaultExpiry: Double = 7 * 24 * 3600

    /// How far before the recorded send a matching task or message may be stamped by the server
    /// (clocks differ).
    public static let clockSkew: Double = 300

    public enum Step: Sendable, Equatable {
        /// Sent, stale or failed already: nothing to do.
        case skip
        /// Too old to send unasked: mark it expired (once) and leave it.
        case expire
        /// Its request may have reached the server (a crash or a timeout after `sending`): look for it
        /// there before sending again.
        case reconcile
        /// Its request may still be on its way to being handled (the server goes on with a request
        /// whose client died): it is looked for only once that can no longer happen; the items of its
        /// task wait behind it (`mustWait`).
        case wait
        case send
    }

    /// - Parameter inFlight: how long after a send began its request may still be handled (the
    ///   client's request timeout): a match looked for earlier could appear after the look.
    public static func step(for item: OutboxItem, now: Date, expiry: Double, includeExpired: Bool, inFlight: Double) -> Step {
        switch item.state {
        case .sent, .stale, .failed: return .skip
        case .sending:
            let began = item.sendingAt.flatMap(Timestamp.parse) ?? .distantPast
            return now.timeIntervalSince(began) < inFlight ? .wait : .reconcile
        case .queued, .expired:
            let queued = Timestamp.parse(item.queuedAt) ?? now
            if now.timeIntervalSince(queued) > expiry && !includeExpired { return item.state == .expired ? .skip : .expire }
            return .send
        }
    }

    /// When an item interrupted mid-send is looked for on the server: once its request can no longer be
    /// handled (the send began plus the in-flight window). Nil for an item not being sent.
    public static func lookedForAfter(_ item: OutboxItem, inFlight: Double) -> Date? {
        guard item.state == .sending else { return nil }
        return (item.sendingAt.flatMap(Timestamp.parse) ?? .distantPast).addingTimeInterval(inFlight)
    }

    /// Whether `item` must wait while `held`'s interrupted send may still reach the server. Order is
    /// kept within a task: a follow-up, an approval or a cancel waits behind an earlier item of the same
    /// task. Items of other tasks and new runs go ahead: a new run is recognised on the server by its
    /// message, and a task another item has claimed is never taken for it (`createdTask`).
    public static func mustWait(_ item: OutboxItem, behind held: OutboxItem) -> Bool {
        item.taskID != nil && item.taskID == held.taskID
    }

    /// The task a `create` made, if the server has one: the newest of those created since the send
    /// began (less the clock skew) with the same message and system prompt that no other item claims.
    public static func createdTask(for item: OutboxItem, among tasks: [APITask], claimed: Set<String>) -> String? {
        let since = item.sendingAt.flatMap(Timestamp.parse).map { Timestamp.string(from: $0.addingTimeInterval(-clockSkew)) } ?? ""
        return tasks.filter { task in
            !claimed.contains(task.id) && (Timestamp.canonical(task.createdAt) ?? task.createdAt) >= since
                && task.message == item.message && (task.systemPrompt ?? nil) == item.systemPrompt
        }.max { $0.createdAt < $1.createdAt }?.id
    }

    /// Whether a follow-up reached its task: a user message since the send began that is the message
    /// (or ends with it: the API puts the list of uploaded files before it).
    public static func followUpArrived(_ item: OutboxItem, history: [APIMessage]) -> Bool {
        guard let message = item.message else { return false }
        let since = item.sendingAt.flatMap(Timestamp.parse).map { Timestamp.string(from: $0.addingTimeInterval(-clockSkew)) } ?? ""
        return history.contains { $0.role == "user" && (Timestamp.canonical($0.createdAt) ?? $0.createdAt) >= since && $0.content.hasSuffix(message) }
    }

    /// Whether a call still awaits approval, by the task's `pendingApprovals`.
    public static func awaitsApproval(_ callID: String, in task: APITask) -> Bool {
        (task.pendingApprovals ?? []).contains { $0["callId"]?.string == callID }
    }

    /// What a failed send leaves the item as.
    public enum AfterFailure: Sendable, Equatable {
        /// Nothing reached the server: queued again, and the rest waits too (order is kept).
        case queueAgainAndStop
        /// It may have reached the server: left `sending`, reconciled next time; the rest waits.
        case keepSendingAndStop
        /// Refused for good: recorded with the server's answer; the rest goes on.
        case fail(note: String)
        /// The key was refused: stop everything, the item stays as it was.
        case stop
    }

    public static func afterFailure(_ error: any Error) -> AfterFailure {
        guard let error = error as? SigmicAPIError else { return .keepSendingAndStop }
        switch error.kind {
        case .unreachable: return .queueAgainAndStop
        case .auth, .cancelled: return .stop
        case .validation, .notFound, .refused, .decoding, .http: return .fail(note: error.description)
        case .timeout, .transport, .server, .rateLimited: return .keepSendingAndStop
        }
    }

    /// Failures that mean "the API cannot be reached": what `run`, `reply`, `approve` and `cancel`
    /// queue instead of reporting. `unreachable` certainly did not arrive; the others may have.
    public static func isOffline(_ error: SigmicAPIError) -> Bool {
        [.unreachable, .timeout, .transport].contains(error.kind)
    }
}
