/// The time that waiting code reads: how long since it began, and a way to wait. Every timing path of
/// the client and the sync takes one (the stream's watchdog, reconnect backoff, a follow's deadline,
/// commit batching), so a test can drive them on a clock it moves by hand and never sleeps. The
/// default is the continuous clock.
public struct Stopwatch: Sendable {
    private let readElapsed: @Sendable () -> Duration
    private let sleeper: @Sendable (Duration) async throws -> Void

    public init<C: Clock>(_ clock: C) where C.Duration == Duration {
        let start = clock.now
        readElapsed = { start.duration(to: clock.now) }
        sleeper = { duration in try await clock.sleep(until: clock.now.advanced(by: duration), tolerance: nil) }
    }

    /// The machine's monotonic clock.
    public static var continuous: Stopwatch { Stopwatch(ContinuousClock()) }

    /// Time since this stopwatch was made.
    public var now: Duration { readElapsed() }

    /// Waits `duration` (nothing when it is not positive); throws when the waiting task is cancelled.
    public func sleep(for duration: Duration) async throws {
        guard duration > .zero else { return try Task.checkCancellation() }
        try await sleeper(duration)
    }

    /// Waits until `now` reaches `instant`.
    public func sleep(until instant: Duration) async throws {
        try await sleep(for: instant - now)
    }

    /// Waits the given seconds (the shape `Retrier` takes).
    public func sleep(seconds: Double) async throws {
        try await sleep(for: .seconds(max(0, seconds)))
    }
}
