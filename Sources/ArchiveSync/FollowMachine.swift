public import ArchiveStore
public import SigmicAPI

/// Following one task's live stream, decided without I/O. The follower tells it what happened (the
/// start, each event, the stream's end or failure, the wait running out, a detach, a backoff over) and
/// it answers what to do next (connect, keep reading, ask about a call, end the session and then
/// reconnect, settle or fail). Times are offsets on the follower's `Stopwatch`, so every path is a
/// row of a case table (`FollowMachineTests`) and none waits on the wall clock.
///
/// One machine serves every follower: `sync` and `watch` (which archive and ignore approvals), and
/// `run`/`reply` (which ask about calls on a terminal, or stop at the first one off a terminal, and
/// archive unless another process holds the archive).
public struct FollowMachine: Sendable {
    /// A tool call that waits for the user's approval.
    public struct Call: Sendable, Equatable {
        public var callID: String
        public var toolName: String
        public var args: JSONValue?

        public init(callID: String, toolName: String, args: JSONValue? = nil) {
            (self.callID, self.toolName, self.args) = (callID, toolName, args)
        }

        /// A call as a task's `pendingApprovals` lists it, if it has an id.
        public init?(pending json: JSONValue) {
            guard let id = json["callId"]?.string else { return nil }
            self.init(callID: id, toolName: json["toolName"]?.string ?? "?", args: json["args"])
        }
    }

    /// What a call awaiting approval does to the follow.
    public enum Approvals: Sendable, Equatable {
        /// Nothing: `sync` and `watch` record the call and go on reading.
        case ignore
        /// Put it to the user and go on reading (the server waits for the answer on the same stream).
        case ask
        /// Stop following there, leaving the call to an `approve` command.
        case stop
    }

    /// How a follow ended, once the task has been settled.
    public enum Ending: Sendable, Equatable {
        /// `done` or `error` arrived, or the stream said the task is not running. `done`'s text, if seen.
        case finished(finalResponse: String?)
        /// Stopped at a call awaiting approval (`Approvals.stop`).
        case awaitingApproval(Call)
        /// The wait ran out, or the follower was detached (Ctrl-C): the task goes on without us.
        case detached
        /// The stream answered 410: the task's session is gone, so there is nothing live to read.
        case sessionExpired
    }

    /// What follows the end of a session.
    public enum AfterSession: Sendable, Equatable {
        /// Wait the retrier's backoff before retry number `retry` (capped at `reconnectCap` seconds), then
        /// report `backoffElapsed`.
        case reconnect(retry: Int)
        /// Fetch the task as it is now and stop.
        case settle(Ending)
        /// Rethrow the stream's failure (after the session is closed).
        case fail
    }

    public enum Action: Sendable, Equatable {
        /// Open an attach session and read the stream.
        case connect
        case keepReading
        /// Ask the user about these calls; keep reading meanwhile.
        case ask([Call])
        /// Stop reading; close the session, giving `reason`; then do `then`.
        case endSession(AttachSessionEnd, then: AfterSession)
        /// Fetch the task as it is now and stop (no session is open).
        case settle(Ending)
    }

    /// Why a stream stopped before an event ended it.
    public enum StreamFailure: Sendable, Equatable {
        /// A dropped connection, a server error, a silent stream past its idle timeout: reconnect.
        case retryable
        /// HTTP 410: the task's session has expired.
        case sessionExpired
        /// Anything else (a malformed event, a refused key): stop and say so.
        case fatal

        public init(_ error: any Error) {
            guard let error = error as? SigmicAPIError else { self = .fatal; return }
            if error.status == 410 { self = .sessionExpired } else { self = error.isRetryable ? .retryable : .fatal }
        }
    }

    /// A reconnect waits at most this long: a stream is worth reconnecting to quickly while its run goes on.
    public static let reconnectCap = 5.0
    /// Retries past this one wait as long as it does.
    static let longestBackoffRetry = 6

    /// When following stops, on the follower's stopwatch.
    public let deadline: Duration
    private let approvals: Approvals
    /// Calls the task already awaited when the stream was attached: a run that got to its call before
    /// we attached sends no `tool_call` for it again, so they are raised at the end of the replay.
    private let pendingAtAttach: [Call]
    private var asked: Set<String> = []
    private var finalResponse: String?
    private(set) var connections = 0

    /// - Parameters:
    ///   - deadline: when (on the follower's stopwatch) following stops; at or before the start, the
    ///     task is settled without connecting.
    ///   - pending: the calls the task's last GET listed as awaiting approval.
    public init(deadline: Duration, approvals: Approvals = .ignore, pending: [Call] = []) {
        self.deadline = deadline
        self.approvals = approvals
        self.pendingAtAttach = pending
    }

    public mutating func start(at now: Duration) -> Action {
        connectUnlessLate(now)
    }

    /// An event, in arrival order.
    public mutating func received(_ event: TaskStreamEvent) -> Action {
        if case .done(let text) = event { finalResponse = text }
        let calls = awaitingApproval(after: event).filter { asked.insert($0.callID).inserted }
        if !calls.isEmpty {
            switch approvals {
            case .ignore: break
            case .ask: if endingReason(event) == nil { return .ask(calls) }
            case .stop: return .endSession(.detached, then: .settle(.awaitingApproval(calls[0])))
            }
        }
        if let reason = endingReason(event) { return .endSession(reason, then: .settle(.finished(finalResponse: finalResponse))) }
        return .keepReading
    }

    /// The connection closed without an ending event.
    public mutating func streamEnded(at now: Duration) -> Action {
        .endSession(.dropped, then: now < deadline ? .reconnect(retry: min(connections, Self.longestBackoffRetry)) : .settle(.detached))
    }

    /// Opening or reading the stream failed.
    public mutating func streamFailed(_ failure: StreamFailure, at now: Duration) -> Action {
        switch failure {
        case .retryable: streamEnded(at: now)
        case .sessionExpired: .endSession(.dropped, then: .settle(.sessionExpired))
        case .fatal: .endSession(.dropped, then: .fail)
        }
    }

    /// The wait ran out while reading.
    public mutating func deadlinePassed() -> Action {
        .endSession(.detached, then: .settle(.detached))
    }

    /// The follower was cancelled (Ctrl-C), while reading or between connections (`reading: false`).
    public mutating func detached(reading: Bool) -> Action {
        reading ? .endSession(.detached, then: .settle(.detached)) : .settle(.detached)
    }

    /// The wait before reconnecting is over.
    public mutating func backoffElapsed(at now: Duration) -> Action {
        connectUnlessLate(now)
    }

    private mutating func connectUnlessLate(_ now: Duration) -> Action {
        guard now < deadline else { return .settle(.detached) }
        connections += 1
        return .connect
    }

    /// Why `event` ends a session, if it does: `done`/`error` end the run; `history_done` with
    /// `isStreaming: false` says there is no run to follow.
    private func endingReason(_ event: TaskStreamEvent) -> AttachSessionEnd? {
        switch event {
        case .done, .error: .finished
        case .historyDone(_, let streaming) where !streaming: .idle
        default: nil
        }
    }

    /// The calls awaiting approval once `event` has been seen: the one it announces, or at the end of
    /// the replay those the task already had.
    private func awaitingApproval(after event: TaskStreamEvent) -> [Call] {
        switch event {
        case .toolCall(let callID, let toolName, "awaiting_approval", let args): [Call(callID: callID, toolName: toolName, args: args)]
        case .historyDone: pendingAtAttach
        default: []
        }
    }
}
