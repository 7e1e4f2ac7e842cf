import Synchronization

/// A clock that moves only when a test says so (`advance(by:)`): a sleeper waits until the clock
/// reaches its deadline, so a test drives timeouts, backoffs and deadlines without waiting.
public final class TestClock: Clock, Sendable {
    public typealias Instant = OffsetInstant

    private struct Sleeper {
        var id: Int
        var deadline: Duration
        var wake: CheckedContinuation<Void, any Error>
    }

    private struct Watcher {
        var id: Int
        var count: Int
        var wake: CheckedContinuation<Void, Never>
    }

    private struct State {
        var now = Duration.zero
        var sleepers: [Sleeper] = []
        var watchers: [Watcher] = []
        var nextID = 0

        mutating func takeID() -> Int {
            defer { nextID += 1 }
            return nextID
        }

        /// The watchers whose count of sleepers is reached, taken off the list.
        mutating func satisfiedWatchers() -> [Watcher] {
            let count = sleepers.count
            defer { watchers.removeAll { $0.count <= count } }
            return watchers.filter { $0.count <= count }
        }
    }

    private let state = Mutex(State())

    public init() {}

    public var now: Instant { Instant(offset: state.withLock { $0.now }) }
    public var minimumResolution: Duration { .nanoseconds(1) }

    /// How many tasks are asleep on this clock now.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let id = state.withLock { $0.takeID() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (wake: CheckedContinuation<Void, any Error>) in
                let (resumeNow, watchers) = state.withLock { state -> (Bool, [Watcher]) in
                    if deadline.offset <= state.now || Task.isCancelled { return (true, []) }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline.offset, wake: wake))
                    return (false, state.satisfiedWatchers())
                }
                if resumeNow { wake.resume() }
                for watcher in watchers { watcher.wake.resume() }
            }
        } onCancel: {
            let sleeper = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            sleeper?.wake.resume(throwing: CancellationError())
        }
        try Task.checkCancellation()
    }

    /// Moves the clock on and wakes every sleeper whose deadline it reaches.
    public func advance(by duration: Duration) {
        let due = state.withLock { state -> [Sleeper] in
            state.now += duration
            let due = state.sleepers.filter { $0.deadline <= state.now }
            state.sleepers.removeAll { $0.deadline <= state.now }
            return due
        }
        for sleeper in due { sleeper.wake.resume() }
    }

    /// Returns once at least `count` tasks sleep on this clock: the code under test has reached its
    /// waits, so an `advance` now wakes them.
    public func sleepers(atLeast count: Int) async {
        await withCheckedContinuation { (wake: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.sleepers.count >= count { return true }
                state.watchers.append(Watcher(id: state.takeID(), count: count, wake: wake))
                return false
            }
            if ready { wake.resume() }
        }
    }
}
