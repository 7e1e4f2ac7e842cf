import Synchronization

/// A clock that moves `step` forward each time it is read, and never sleeps: a deadline measured
/// on it passes after a known number of looks, whatever the machine's speed.
public final class SteppingClock: Clock, Sendable {
    public typealias Instant = OffsetInstant

    private let current = Mutex(Duration.zero)
    private let step: Duration

    public init(step: Duration) { self.step = step }

    public var now: Instant {
        current.withLock { value in
            defer { value += step }
            return Instant(offset: value)
        }
    }

    public var minimumResolution: Duration { step }

    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        current.withLock { $0 = max($0, deadline.offset) }
    }
}
