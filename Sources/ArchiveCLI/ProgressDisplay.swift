import ArchiveSync
import Foundation

/// One self-rewriting progress line on stderr, only on a terminal.
final class ProgressDisplay: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private let started = Date()
    private var shown = false
    private var lastDrawn = Date.distantPast

    init(enabled: Bool) {
        self.enabled = enabled
    }

    func update(_ progress: SyncProgress) {
        guard enabled else { return }
        let elapsed = max(0.001, Date().timeIntervalSince(started))
        let rate = Double(progress.done) / elapsed
        let eta = rate > 0 ? Double(progress.total - progress.done) / rate : 0
        update(String(format: "syncing %d/%d tasks, %@, %.1f tasks/s, ETA %.0f s",
                      progress.done, progress.total, Status.bytes(progress.bytes), rate, eta))
    }

    /// Shows `text` as the progress line (at most ten redraws a second).
    func update(_ text: String) {
        guard enabled else { return }
        lock.withLock {
            let now = Date()
            guard now.timeIntervalSince(lastDrawn) >= 0.1 else { return }
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
