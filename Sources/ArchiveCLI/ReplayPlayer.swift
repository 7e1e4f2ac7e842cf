import ArchiveExport
import Pacing

/// Plays a replay's frames on a stopwatch: each frame's text is written when the stopwatch reaches its
/// time plus the time spent paused. The stopwatch is injected, so a test plays a whole replay on a
/// clock it moves by hand.
struct ReplayPlayer {
    let clock: Stopwatch
    let control: PlaybackControl
    let write: @Sendable (String) -> Void

    /// Plays to the end; throws `CancellationError` when stopped.
    func play(_ frames: [ReplayScript.Frame]) async throws {
        let start = clock.now
        for frame in frames {
            // Whatever woke the player (the time, a pause, a resume), it looks again before writing.
            while true {
                try Task.checkCancellation()
                if await control.paused {
                    await control.nextChange()
                    continue
                }
                let due = start + .seconds(frame.at) + (await control.pausedBefore)
                if clock.now >= due { break }
                try await wait(until: due)
            }
            if !frame.text.isEmpty { write(frame.text) }
        }
    }

    /// Sleeps until `due`, or less if the player is paused meanwhile.
    private func wait(until due: Duration) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [clock] in try await clock.sleep(until: due) }
            group.addTask { [control] in await control.nextChange() }
            defer { group.cancelAll() }
            try await group.next()
        }
    }
}
