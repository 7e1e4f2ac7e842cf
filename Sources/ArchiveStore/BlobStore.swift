public import Foundation
internal import Crypto

/// Content-addressed files under `blobs/`: `blobs/ab/cdef…` holds the bytes whose SHA-256 is `abcdef…`.
///
/// Identical bytes are stored once, and a file is never written into once it exists: small blobs,
/// hashed in memory, are created at their final path (`O_EXCL`); streamed ones arrive in `blobs/tmp/`
/// (same file system, so the final rename is atomic), are hashed on the way and moved into place. No
/// path here is built from anything but a validated `BlobHash` or a random temp name, so no
/// server-supplied name can reach the file system.
///
/// Durability: blobs are not flushed one by one. Before rows that name new blobs commit, the
/// committer calls `flushIfNeeded()`, one syncfs(2) for everything written since the last flush (file
/// contents, creations and renames alike) instead of an fdatasync per file and an fsync per folder.
/// Until then a blob file may exist at its final path with bytes not yet written or not yet on disk; a
/// crash or power cut at that moment can leave it short or wrong. Such a file is never named by a
/// committed row, and this store trusts an existing file only once it has checked it (`trusted`): a
/// file it did not write itself in this process is re-hashed before it stands in for new bytes, and
/// replaced when it does not match.
public struct BlobStore: Sendable {
    public let root: URL
    /// `root` as a file system path: the hot paths below build paths as text.
    private let rootPath: String
    private let state = State()

    public init(root: URL) {
        self.root = root
        self.rootPath = root.path
    }

    /// What this process knows about the files: which it wrote or checked, and whether any write is
    /// not yet flushed. The set is bounded: past 100,000 hashes (about 15 MB) it starts over, and a
    /// file it forgot is checked again when needed.
    private final class State: @unchecked Sendable {
        private let lock = NSLock()
        private var trusted = Set<BlobHash>()
        private var unflushed = false

        func isTrusted(_ hash: BlobHash) -> Bool { lock.withLock { trusted.contains(hash) } }
        func wrote(_ hash: BlobHash) { lock.withLock { trust(hash); unflushed = true } }
        /// A file another process wrote may still be only in the page cache (that process may have been
        /// killed before its flush), so it is flushed like one written here before a row names it.
        func checked(_ hash: BlobHash) { lock.withLock { trust(hash); unflushed = true } }
        var isUnflushed: Bool { lock.withLock { unflushed } }
        /// Clears the flag and says whether it was set; writes after this set it again.
        func takeUnflushed() -> Bool { lock.withLock { defer { unflushed = false }; return unflushed } }
        /// Sets the flag again after a flush that failed.
        func flushFailed() { lock.withLock { unflushed = true } }

        private func trust(_ hash: BlobHash) {
            if trusted.count >= 100_000 { trusted.removeAll(keepingCapacity: true) }
            trusted.insert(hash)
        }
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

    /// The same as `url(for:)`, as a path.
    func path(for hash: BlobHash) -> String {
        let hex = hash.hex
        return rootPath + "/" + hex.prefix(2) + "/" + hex.dropFirst(2)
    }

    public func contains(_ hash: BlobHash) -> Bool {
        access(path(for: hash), F_OK) == 0
    }

    /// Whether the file at `hash`'s path can stand in for those bytes: written or checked by this
    /// process, or checked now (size, then SHA-256). A file that fails the check is left for the
    /// caller to replace.
    func holdsTrusted(_ hash: BlobHash, size: Int64) -> Bool {
        if state.isTrusted(hash) { return true }
        guard contains(hash) else { return false }
        var info = stat()
        guard stat(path(for: hash), &info) == 0, Int64(info.st_size) == size,
              (try? Self.sha256(ofFileAt: url(for: hash))) == hash else { return false }
        state.checked(hash)
        return true
    }

    /// Stores bytes held in memory (a small download). They are hashed first, so bytes already stored
    /// cost no file operation. New bytes are written straight to their final path, which only a file
    /// created here (`O_EXCL`) can take: an existing file is never written into, so a file a committed
    /// row names never changes under a reader. Rows that name the new file commit only after the next
    /// `flushIfNeeded()`; a crash before that can leave the file short, and then no row names it and
    /// the next store of those bytes finds it untrusted, checks it and replaces it.
    @discardableResult
    public func store(_ data: Data) throws -> StoredBlob {
        let hash = BlobHash(hex: SHA256.hash(data: data).hexString)!
        let size = Int64(data.count)
        if state.isTrusted(hash) { return StoredBlob(hash: hash, size: size, isNew: false) }
        if try create(path(for: hash), holding: data, hash: hash, what: "its file", makeFolder: { try ensureShard(of: hash) }) {
            state.wrote(hash)
            return StoredBlob(hash: hash, size: size, isNew: true)
        }
        if holdsTrusted(hash, size: size) { return StoredBlob(hash: hash, size: size, isNew: false) }
        return try replace(hash, with: data)
    }

    /// Replaces a file that failed its check (left short or wrong by a crash or a power cut) in one
    /// step: the bytes go to a temp file that is renamed over it.
    private func replace(_ hash: BlobHash, with data: Data) throws -> StoredBlob {
        let temp = rootPath + "/tmp/partial-" + UUID().uuidString.lowercased()
        guard try create(temp, holding: data, hash: hash, what: "a temp file", makeFolder: { try ensureFolder(tempFolder) }) else {
            throw ArchiveError.blob(hash: hash.hex, problem: "cannot create a temp file: it exists")
        }
        return try moveIntoPlace(temp, as: hash, size: Int64(data.count))
    }

    /// Creates the file at `path`, which must not exist yet, holding `data`; `makeFolder` makes its
    /// folder when that is missing. Returns false, writing nothing, when the file exists. A write that
    /// fails removes the file it created.
    private func create(_ path: String, holding data: Data, hash: BlobHash, what: String,
                        makeFolder: () throws -> Void) throws -> Bool {
        var fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 && errno == ENOENT {
            try makeFolder()
            fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        }
        if fd < 0 && errno == EEXIST { return false }
        guard fd >= 0 else {
            throw ArchiveError.blob(hash: hash.hex, problem: "cannot create \(what): \(String(cString: strerror(errno)))")
        }
        do {
            try data.withUnsafeBytes { try Self.writeAll(fd, $0, hash: hash) }
            close(fd)
        } catch {
            close(fd)
            unlink(path)
            throw error
        }
        return true
    }

    /// Moves a finished temp file into place under its hash (or drops it when those bytes are
    /// already stored). rename(2) is atomic within a file system: a crash leaves either the temp file
    /// or the blob; a file that failed its check is replaced in one step.
    func place(_ temp: URL, as hash: BlobHash, size: Int64) throws -> StoredBlob {
        if holdsTrusted(hash, size: size) {
            unlink(temp.path)
            return StoredBlob(hash: hash, size: size, isNew: false)
        }
        return try moveIntoPlace(temp.path, as: hash, size: size)
    }

    /// The rename itself; its folder is made only when the rename finds it missing (once per folder).
    private func moveIntoPlace(_ temp: String, as hash: BlobHash, size: Int64) throws -> StoredBlob {
        let destination = path(for: hash)
        var moved = rename(temp, destination) == 0
        if !moved && errno == ENOENT {
            do { try ensureShard(of: hash) } catch { unlink(temp); throw error }
            moved = rename(temp, destination) == 0
        }
        guard moved else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw ArchiveError.blob(hash: hash.hex, problem: "cannot move into place: \(reason)")
        }
        state.wrote(hash)
        return StoredBlob(hash: hash, size: size, isNew: true)
    }

    /// Makes the folder a hash's file goes in (`blobs/ab/`), and `blobs/` itself, if missing.
    private func ensureShard(of hash: BlobHash) throws {
        let shard = rootPath + "/" + hash.hex.prefix(2)
        var made = mkdir(shard, 0o700) == 0 || errno == EEXIST
        if !made && errno == ENOENT {
            try ensureFolder(root)
            made = mkdir(shard, 0o700) == 0 || errno == EEXIST
        }
        guard made else {
            throw ArchiveError.blob(hash: hash.hex, problem: "cannot create \(shard): \(String(cString: strerror(errno)))")
        }
    }

    /// Whether blob files written (or checked) since the last flush may not be on disk yet: the next
    /// `flushIfNeeded()` will flush.
    public var needsFlush: Bool { state.isUnflushed }

    /// Puts every blob written since the last flush on disk, contents and renames: one syncfs(2) on
    /// the archive's file system (https://man7.org/linux/man-pages/man2/syncfs.2.html). Run before
    /// committing rows that name new blobs, so no row outlives its blob's bytes on a power loss.
    /// Does nothing when nothing was written.
    public func flushIfNeeded() throws {
        guard state.takeUnflushed() else { return }
        let fd = open(rootPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            state.flushFailed()
            throw ArchiveError.blobStore(problem: "cannot open \(rootPath) to flush it: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        if let syncfs = Self.syncfs {
            guard syncfs(fd) == 0 else {
                state.flushFailed()   // the next write tries again before it commits
                throw ArchiveError.blobStore(problem: "cannot flush blobs to disk: \(String(cString: strerror(errno)))")
            }
        } else {
            sync()   // the C library lacks syncfs: flush every file system
        }
    }

    /// glibc's syncfs(2), which Swift's Glibc module does not export.
    private static let syncfs: (@convention(c) (Int32) -> Int32)? = {
        guard let symbol = dlsym(nil, "syncfs") else { return nil }   // nil is RTLD_DEFAULT
        return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
    }()

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
            throw ArchiveError.blobStore(problem: "refusing to resume \(temp.path): not a temp file of this store")
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
