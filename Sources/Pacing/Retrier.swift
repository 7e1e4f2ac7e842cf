/// The one place that waits between attempts: a `RetryPolicy` with an injected sleep and an injected
/// jitter draw, so every retry and reconnect loop follows the same schedule and tests run it without
/// waiting on the wall clock. The client's requests, the sync's downloads and its stream reconnects
/// all go through the client's `retrier`; a PostgreSQL transaction that lost a deadlock goes through
/// its archive's `conflictRetrier`.
public struct Retrier: Sendable {
    /// What to do after a failed attempt.
    public enum Next: Sendable, Equatable {
        /// Stop and throw this failure.
        case giveUp
        /// Try again without waiting (the failure left nothing to wait for, e.g. a stale partial file).
        case retryAtOnce
        /// Wait the policy's backoff, or the server's `Retry-After` when it gave one, then try again.
        case backOff(retryAfter: Double?)
    }

    public let policy: RetryPolicy
    private let sleep: @Sendable (Double) async throws -> Void
    private let unitRandom: @Sendable () -> Double

    /// - Parameters:
    ///   - sleep: waits the given seconds; throws when the waiting task is cancelled.
    ///   - unitRandom: a draw in [0, 1) for the jitter.
    public init(policy: RetryPolicy,
                sleep: @escaping @Sendable (Double) async throws -> Void = { try await Stopwatch.continuous.sleep(seconds: $0) },
                unitRandom: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.policy = policy
        self.sleep = sleep
        self.unitRandom = unitRandom
    }

    /// Runs `body` (given the attempt number, from 1) until it succeeds, `next` says to give up, or
    /// `policy.maxAttempts` attempts have failed; then throws the last failure. `cancelled` makes the
    /// error thrown when the task is cancelled while it waits: cancellation is never retried.
    public func run<T, E: Error>(_ body: (_ attempt: Int) async throws(E) -> T,
                                 next: (E) -> Next,
                                 cancelled: () -> E) async throws(E) -> T {
        var attempt = 1
        while true {
            do {
                return try await body(attempt)
            } catch {
                guard attempt < policy.maxAttempts else { throw error }
                switch next(error) {
                case .giveUp:
                    throw error
                case .retryAtOnce:
                    break
                case .backOff(let retryAfter):
                    do { try await wait(beforeRetry: attempt, retryAfter: retryAfter) } catch { throw cancelled() }
                }
                attempt += 1
            }
        }
    }

    /// Waits before retry number `attempt` (1 = the first retry), at most `cap` seconds: for loops
    /// with a shape of their own, such as reconnecting to a stream until a deadline.
    public func wait(beforeRetry attempt: Int, retryAfter: Double? = nil, atMost cap: Double = .infinity) async throws {
        let delay = policy.delay(beforeRetry: attempt, retryAfter: retryAfter, unit: unitRandom())
        try await sleep(min(delay, cap))
    }
}
