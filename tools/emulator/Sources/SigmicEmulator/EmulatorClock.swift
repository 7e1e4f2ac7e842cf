public import Foundation

/// Where the emulator's time comes from. Tests inject a `ManualClock` to step live runs exactly.
public protocol EmulatorClock: Sendable {
    func now() -> Date
    func sleep(seconds: Double) async throws
}

public struct SystemClock: EmulatorClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(seconds: Double) async throws {
        try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
    }
}

/// A clock that moves only when told to: `advance(by:)` wakes every sleeper whose time has come.
public final class ManualClock: EmulatorClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    private var sleepers: [(id: UUID, deadline: Date, continuation: CheckedContinuation<Void, any Error>)] = []
    private var watchers: [(id: UUID, count: Int, continuation: CheckedContinuation<Void, Never>)] = []

    public init(start: Date = Date(timeIntervalSince1970: 1_780_272_000)) {
        current = start
    }

    public func now() -> Date {
        lock.withLock { current }
    }

    public func sleep(seconds: Double) async throws {
        let id = UUID()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (cancelled, ready) = lock.withLock { () -> (Bool, [CheckedContinuation<Void, Never>]) in
                    if Task.isCancelled { return (true, []) }
                    sleepers.append((id, current.addingTimeInterval(seconds), continuation))
                    let ready = watchers.filter { sleepers.count >= $0.count }.map(\.continuation)
                    watchers.removeAll { sleepers.count >= $0.count }
                    return (false, ready)
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
                ready.forEach { $0.resume() }
            }
        } onCancel: {
            let sleeper = lock.withLock { () -> CheckedContinuation<Void, any Error>? in
                guard let index = sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return sleepers.remove(at: index).continuation
            }
            sleeper?.resume(throwing: CancellationError())
        }
    }

    public func advance(by seconds: Double) {
        let due: [CheckedContinuation<Void, any Error>] = lock.withLock {
            current = current.addingTimeInterval(seconds)
            let ready = sleepers.filter { $0.deadline <= current }
            sleepers.removeAll { $0.deadline <= current }
            return ready.map(\.continuation)
        }
        due.forEach { $0.resume() }
    }

    /// Number of tasks waiting on this clock.
    public var sleeperCount: Int { lock.withLock { sleepers.count } }

    /// Returns once at least `count` tasks are asleep on this clock (a run parked between steps, a
    /// heartbeat timer, a slow response), so a test can advance time knowing who will wake.
    /// A cancelled wait returns at once.
    public func waitForSleepers(_ count: Int = 1) async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let satisfied = lock.withLock { () -> Bool in
                    if sleepers.count >= count || Task.isCancelled { return true }
                    watchers.append((id, count, continuation))
                    return false
                }
                if satisfied { continuation.resume() }
            }
        } onCancel: {
            let watcher = lock.withLock { () -> CheckedContinuation<Void, Never>? in
                guard let index = watchers.firstIndex(where: { $0.id == id }) else { return nil }
                return watchers.remove(at: index).continuation
            }
            watcher?.resume()
        }
    }

    /// Keeps time moving: whenever something sleeps on the clock, advances it by `step`. Cancel the
    /// returned task to stop. Lets a test start a run only once it is watching it.
    ///
    /// Between steps it pauses for a millisecond of real time: a stream's heartbeat always sleeps on the
    /// clock, so without a pause the driver would spin on one of the concurrency pool's few threads and
    /// starve every other test in the process (seen as emulators that did not answer for 20 s).
    public func drive(step: Double = 1) -> Task<Void, Never> {
        Task {
            while !Task.isCancelled {
                await waitForSleepers()
                if Task.isCancelled { return }
                advance(by: step)
                try? await Task.sleep(nanoseconds: 1_000_000)
            }
        }
    }
}
