import Foundation
import Glibc

/// Only one process syncs (or repairs) an archive at a time. SQLite would keep two writers from
/// corrupting anything, but two syncs would fetch everything twice and race on blob files, so the
/// second one stops at once and says who holds the archive. The lock is an `flock` on `folder/lock`:
/// the kernel releases it when the holder exits, however it exits, so a crash never leaves it stuck.
/// Readers (`tasks`, `show`, `search`, `status`) never take it.
public final class ArchiveLock: Sendable {
    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// Takes the archive's writer lock for `purpose` (e.g. "sync"), or throws `ArchiveError.busy` naming
    /// the process that holds it.
    public static func acquire(_ archive: Archive, purpose: String) throws -> ArchiveLock {
        let path = archive.folder.appending(path: "lock").path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ArchiveError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(descriptor)
            throw ArchiveError.busy(holder: holder.isEmpty ? "another sigmic-archive process" : holder)
        }
        let note = "\(purpose) (pid \(getpid()))\n"
        ftruncate(descriptor, 0)
        _ = note.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        return ArchiveLock(descriptor: descriptor)
    }

    /// Who holds the writer lock right now ("sync (pid 123)"), or nil when nobody does.
    public static func holder(of archive: Archive) -> String? {
        let path = archive.folder.appending(path: "lock").path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_SH | LOCK_NB) == 0 {
            flock(descriptor, LOCK_UN)
            return nil
        }
        let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return holder.isEmpty ? "another sigmic-archive process" : holder
    }
}
