import ArchiveSync
import Foundation
import Pacing

/// One self-rewriting progress line on stderr, only on a terminal.
final class ProgressDisplay: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    /// Time since the display began: the rate and ETA, and the redraw limit.
    private let clock: Stopwatch
    private var shown = false
    private var lastDrawn: Duration?

    init(enabled: Bool, clock: Stopwatch = .continuous) {
        self.enabled = enabled
        self.clock = clock
    }

    func update(_ progress: SyncProgress) {
        guard enabled else { return }
        let elapsed = max(0.001, clock.now / .seconds(1))
        let rate = Double(progress.done) / elapsed
        let eta = rate > 0 ? Double(progress.total - progress.done) / rate : 0
        update(String(format: "syncing %d/%d tasks, %@, %.1f tasks/s, ETA %.0f s",
                      progress.done, progress.total, Status.bytes(progress.bytes), rate, eta))
    }

    /// Shows `text` as the progress line (at most ten redraws a second).
    func update(_ text: String) {
        guard enabled else { return }
        lock.withLock {
            let now = clock.now
            if let lastDrawn, now - lastDrawn < .milliseconds(100) { return }
            lastDrawn = now
            FileHandle.standardError.write(Data(("\r\u{1B}[2K" + text).utf8))
            shown = true
        }
    }

    func finish() {
        lock.withLock {
            if shown { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
            shown = false
        }
    }
}
