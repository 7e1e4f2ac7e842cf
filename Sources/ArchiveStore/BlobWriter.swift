public import Foundation
internal import Crypto

/// A blob being written: bytes go to a temp file and into a running SHA-256 as they arrive, so a
/// download of any size is hashed without being held in memory.
public final class BlobWriter {
    let store: BlobStore
    /// The temp file; a caller may keep its path to resume after an interruption.
    public let tempURL: URL
    private let handle: FileHandle
    private var hasher = SHA256()
    /// Bytes written so far (including any resumed prefix).
    public private(set) var size: Int64 = 0
    private var closed = false

    init(store: BlobStore, temp: URL, resume: Bool) throws {
        self.store = store
        self.tempURL = temp
        let files = FileManager.default
        if !resume || !files.fileExists(atPath: temp.path) {
            guard files.createFile(atPath: temp.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw ArchiveError.blobStore(problem: "cannot create temp file in \(temp.deletingLastPathComponent().path)")
            }
        }
        handle = try FileHandle(forUpdating: temp)
        if resume {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
                size += Int64(chunk.count)
            }
        }
        try handle.seekToEnd()
    }

    public func append(_ data: Data) throws {
        do {
            try handle.write(contentsOf: data)
        } catch {
            // A full disk names the file that could not grow, not the database.
            throw ArchiveError.blobStore(problem: "cannot store a downloaded file: " + FileSystemFailure.describe(error, path: tempURL.path))
        }
        hasher.update(data: data)
        size += Int64(data.count)
    }

    public func append(_ bytes: UnsafeRawBufferPointer) throws {
        try append(Data(bytes))
    }

    /// Drops everything written so far (the server sent the file again from its start).
    public func reset() throws {
        try handle.truncate(atOffset: 0)
        hasher = SHA256()
        size = 0
    }

    /// Checks the size and hash (when given) and moves the bytes into place; they and the rename reach
    /// the disk with `BlobStore.flushIfNeeded()`, before any row names them. On a mismatch the temp
    /// file is removed and nothing is stored.
    public func finish(expectedSize: Int64? = nil, expectedHash: BlobHash? = nil) throws -> StoredBlob {
        let hash = BlobHash(hex: hasher.finalize().hexString)!
        do {
            if let expectedSize, expectedSize != size {
                throw ArchiveError.contentMismatch(expected: "\(expectedSize) bytes", actual: "\(size) bytes")
            }
            if let expectedHash, expectedHash != hash {
                throw ArchiveError.contentMismatch(expected: "sha256 \(expectedHash.hex.prefix(12))…", actual: "sha256 \(hash.hex.prefix(12))…")
            }
            try handle.close()
            closed = true
            return try store.place(tempURL, as: hash, size: size)
        } catch {
            discard()
            throw error
        }
    }

    /// Abandons the write and removes the temp file.
    public func discard() {
        if !closed {
            try? handle.close()
            closed = true
        }
        try? FileManager.default.removeItem(at: tempURL)
    }

    /// Closes the temp file but keeps it, for a later `BlobStore.makeWriter(resuming:)`.
    public func suspend() throws {
        guard !closed else { return }
        try handle.synchronize()
        try handle.close()
        closed = true
    }

    deinit {
        if !closed { try? handle.close() }
    }
}
