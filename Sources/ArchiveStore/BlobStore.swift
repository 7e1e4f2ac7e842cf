public import Foundation
internal import Crypto

/// Content-addressed files under `blobs/`: `blobs/ab/cdef…` holds the bytes whose SHA-256 is `abcdef…`.
///
/// Bytes arrive in `blobs/tmp/` (same file system, so the final rename is atomic), are fsynced, hashed
/// and moved into place; identical bytes are stored once. No path here is built from anything but a
/// validated `BlobHash` or a random temp name, so no server-supplied name can reach the file system.
public struct BlobStore: Sendable {
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    var tempFolder: URL { root.appending(path: "tmp") }

    /// Where the blob with this hash lives (whether or not it is stored).
    public func url(for hash: BlobHash) -> URL {
        let hex = hash.hex
        return root.appending(path: String(hex.prefix(2))).appending(path: String(hex.dropFirst(2)))
    }

    /// The path for a hash given as text; throws for anything that is not a SHA-256 hex digest.
    public func url(forHex hex: String) throws -> URL {
        guard let hash = BlobHash(hex: hex) else { throw ArchiveError.invalidBlobHash(hex) }
        return url(for: hash)
    }

    public func contains(_ hash: BlobHash) -> Bool {
        access(url(for: hash).path, F_OK) == 0
    }

    /// Stores bytes held in memory (a small download). They are hashed first, so bytes already stored
    /// cost no file operation at all; new bytes go to a temp file that is flushed to disk and renamed
    /// into place. The rename is made durable by `syncFolders(of:)`, which a caller runs once for a
    /// group of blobs before committing the rows that name them.
    @discardableResult
    public func store(_ data: Data) throws -> StoredBlob {
        let hash = BlobHash(hex: SHA256.hash(data: data).hexString)!
        let size = Int64(data.count)
        if contains(hash) { return StoredBlob(hash: hash, size: size, isNew: false) }
        try ensureFolder(tempFolder)
        let temp = tempFolder.appending(path: "partial-" + UUID().uuidString.lowercased())
        let fd = open(temp.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ArchiveError.blob(hash: hash.hex, problem: "cannot create a temp file: \(String(cString: strerror(errno)))")
        }
        do {
            try data.withUnsafeBytes { try Self.writeAll(fd, $0, hash: hash) }
            guard fdatasync(fd) == 0 else {
                throw ArchiveError.blob(hash: hash.hex, problem: "cannot flush: \(String(cString: strerror(errno)))")
            }
            close(fd)
        } catch {
            close(fd)
            unlink(temp.path)
            throw error
        }
        return try place(temp, as: hash, size: size)
    }

    /// Moves a finished temp file into place under its hash (or drops it when those bytes are
    /// already stored). rename(2) is atomic within a file system: a crash leaves either the temp file
    /// or the blob.
    func place(_ temp: URL, as hash: BlobHash, size: Int64) throws -> StoredBlob {
        if contains(hash) {
            unlink(temp.path)
            return StoredBlob(hash: hash, size: size, isNew: false)
        }
        let destination = url(for: hash)
        let shard = destination.deletingLastPathComponent().path
        if mkdir(shard, 0o700) != 0 && errno != EEXIST {
            unlink(temp.path)
            throw ArchiveError.blob(hash: hash.hex, problem: "cannot create \(shard): \(String(cString: strerror(errno)))")
        }
        guard rename(temp.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp.path)
            throw ArchiveError.blob(hash: hash.hex, problem: "cannot move into place: \(reason)")
        }
        return StoredBlob(hash: hash, size: size, isNew: true)
    }

    /// Makes the renames of these blobs durable: fsync on each folder they were moved into, once per
    /// folder (https://man7.org/linux/man-pages/man2/fsync.2.html). Run before committing rows that
    /// name new blobs, so no row outlives its blob's file on a power loss.
    public func syncFolders(of hashes: some Sequence<BlobHash>) {
        var folders = Set<String>()
        for hash in hashes { folders.insert(url(for: hash).deletingLastPathComponent().path) }
        for folder in folders.sorted() { syncFolder(URL(filePath: folder)) }
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, hash: BlobHash) throws {
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw ArchiveError.blob(hash: hash.hex, problem: "cannot write: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// Starts a streamed write (for downloads): append chunks, then `finish` checks and places the blob.
    /// A partial temp file can be resumed by `makeWriter(resuming:)`.
    public func makeWriter() throws -> BlobWriter {
        try ensureFolder(tempFolder)
        let temp = tempFolder.appending(path: "partial-" + UUID().uuidString.lowercased())
        return try BlobWriter(store: self, temp: temp, resume: false)
    }

    /// A writer whose temp file is named by `key` (a caller's digest of what is being downloaded), so a
    /// download interrupted by a crash resumes from the bytes already on disk on the next run.
    public func resumableWriter(key: BlobHash) throws -> BlobWriter {
        try ensureFolder(tempFolder)
        let temp = tempFolder.appending(path: "partial-" + key.hex)
        return try BlobWriter(store: self, temp: temp, resume: FileManager.default.fileExists(atPath: temp.path))
    }

    /// Continues a temp file left by an earlier, interrupted writer: its bytes are hashed again first.
    public func makeWriter(resuming temp: URL) throws -> BlobWriter {
        guard temp.standardizedFileURL.deletingLastPathComponent().path == tempFolder.standardizedFileURL.path,
              temp.lastPathComponent.hasPrefix("partial-") else {
            throw ArchiveError.blob(hash: "-", problem: "refusing to resume \(temp.path): not a temp file of this store")
        }
        return try BlobWriter(store: self, temp: temp, resume: true)
    }

    /// Re-hashes a stored blob; true when its bytes still match its name.
    public func verify(_ hash: BlobHash) throws -> Bool {
        try Self.sha256(ofFileAt: url(for: hash)) == hash
    }

    /// Every blob file present, by hash (for verify and orphan checks). Files whose names are not
    /// digests are reported separately as strays.
    public func inventory() throws -> (blobs: [BlobHash: Int64], strays: [String]) {
        var blobs: [BlobHash: Int64] = [:]
        var strays: [String] = []
        let files = FileManager.default
        guard files.fileExists(atPath: root.path) else { return ([:], []) }
        for shard in try files.contentsOfDirectory(atPath: root.path).sorted() where shard != "tmp" {
            let shardURL = root.appending(path: shard)
            var isFolder: ObjCBool = false
            guard files.fileExists(atPath: shardURL.path, isDirectory: &isFolder), isFolder.boolValue else {
                strays.append(shard)
                continue
            }
            for name in try files.contentsOfDirectory(atPath: shardURL.path).sorted() {
                if let hash = BlobHash(hex: shard + name), shard.count == 2 {
                    let size = (try? files.attributesOfItem(atPath: shardURL.appending(path: name).path)[.size] as? NSNumber)?.int64Value ?? -1
                    blobs[hash] = size
                } else {
                    strays.append(shard + "/" + name)
                }
            }
        }
        return (blobs, strays)
    }

    /// The SHA-256 of any file, read in 1 MiB chunks.
    public static func sha256(ofFileAt url: URL) throws -> BlobHash {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return BlobHash(hex: hasher.finalize().hexString)!
    }

    func ensureFolder(_ url: URL) throws {
        if !FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
    }
}

/// The blob that a write produced.
public struct StoredBlob: Sendable, Equatable {
    public let hash: BlobHash
    public let size: Int64
    /// False when identical bytes were already stored (nothing new was written).
    public let isNew: Bool
}
