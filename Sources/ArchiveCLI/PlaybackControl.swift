import Pacing

/// Pause and resume for a player, toggled from outside (the space bar). It keeps the time spent paused
/// on the player's stopwatch, read as the toggle happens, and wakes a player waiting for a frame, so a
/// pause that comes meanwhile holds that frame back.
actor PlaybackControl {
    private let clock: Stopwatch
    private var pausedSince: Duration?
    /// Time spent paused before the current pause.
    private(set) var pausedBefore = Duration.zero
    private var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    private var nextWaiter = 0

    init(clock: Stopwatch) {
        self.clock = clock
    }

    var paused: Bool { pausedSince != nil }

    func toggle() {
        if let since = pausedSince {
            pausedBefore += clock.now - since
            pausedSince = nil
        } else {
            pausedSince = clock.now
        }
        let woken = waiters.values
        waiters = [:]
        for waiter in woken { waiter.resume() }
    }

    /// Returns at the next toggle, or when the waiting task is cancelled.
    func nextChange() async {
        let id = nextWaiter
        nextWaiter += 1
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled { continuation.resume() } else { waiters[id] = continuation }
            }
        } onCancel: {
            Task { await self.release(id) }
        }
    }

    private func release(_ id: Int) {
        waiters.removeValue(forKey: id)?.resume()
    }
}
