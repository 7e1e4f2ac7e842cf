import ArchiveStore
import Crypto
import Foundation

/// Where a syncer's downloads wait until their commit streams them into the database: a folder under
/// `$XDG_CACHE_HOME/sigmic-archive/spool/` (else `~/.cache/…`), one per database and process. A
/// process holds its folder with an exclusive lock for as long as it lives, so two syncers never
/// write the same temp file; a folder whose process died (its lock is free) is taken over by the next,
/// which resumes the large downloads left in it and drops the finished files (each either reached the
/// database with its commit or will be downloaded again).
final class Spool: Sendable {
    let blobs: BlobStore
    private let lockDescriptor: Int32

    private init(blobs: BlobStore, lockDescriptor: Int32) {
        self.blobs = blobs
        self.lockDescriptor = lockDescriptor
    }

    static func claim(for location: PostgresLocation, environment: [String: String]) throws -> Spool {
        let cache = environment["XDG_CACHE_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.cache"
        let database = SHA256.hash(data: Data(location.display.utf8)).hexString.prefix(16)
        let parent = URL(fileURLWithPath: cache).appending(path: "sigmic-archive/spool/\(database)")
        do {
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ArchiveError.blobStore(problem: "cannot create the download spool: " + FileSystemFailure.describe(error, path: parent.path))
        }
        for slot in 0..<1024 {
            let folder = parent.appending(path: String(slot))
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            let descriptor = open(folder.appending(path: "lock").path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { continue }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                close(descriptor)
                continue
            }
            dropFinishedFiles(in: folder)
            return Spool(blobs: BlobStore(root: folder.appending(path: "blobs")), lockDescriptor: descriptor)
        }
        throw ArchiveError.blobStore(problem: "every download spool under \(parent.path) is in use")
    }

    /// Removes the blob files a dead process left (everything but `tmp/`, whose partial downloads resume).
    private static func dropFinishedFiles(in folder: URL) {
        let blobs = folder.appending(path: "blobs")
        guard let shards = try? FileManager.default.contentsOfDirectory(atPath: blobs.path) else { return }
        for shard in shards where shard != "tmp" {
            try? FileManager.default.removeItem(at: blobs.appending(path: shard))
        }
    }

    /// Removes files whose bytes a committed transaction holds.
    func remove(_ hashes: [BlobHash]) {
        for hash in hashes { unlink(blobs.url(for: hash).path) }
    }

    deinit {
        close(lockDescriptor)
    }
}
