import ArchiveSync
import Foundation

/// One self-rewriting progress line on stderr, only on a terminal.
final class ProgressDisplay: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private let started = Date()
    private var shown = false

    init(enabled: Bool) {
        self.enabled = enabled
    }

    func update(_ progress: SyncProgress) {
        guard enabled else { return }
        lock.withLock {
            let elapsed = max(0.001, Date().timeIntervalSince(started))
            let rate = Double(progress.done) / elapsed
            let eta = rate > 0 ? Double(progress.total - progress.done) / rate : 0
            let line = String(format: "\r\u{1B}[2Ksyncing %d/%d tasks, %@, %.1f tasks/s, ETA %.0f s",
                              progress.done, progress.total, Status.bytes(progress.bytes), rate, eta)
            FileHandle.standardError.write(Data(line.utf8))
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
