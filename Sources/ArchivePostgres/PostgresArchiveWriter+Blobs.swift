public import ArchiveStore
import Crypto
import Foundation
import PostgresNIO

/// Stored files: streamed from the spool into `blob_chunk` rows a chunk at a time, and linked to
/// their artifacts.
extension PostgresArchiveWriter {
    /// Streams each blob the database lacks from the spool into `blob_chunk` rows, then links the
    /// artifacts to them.
    public func recordArtifactBlobs(_ links: [(artifact: ArtifactRowID, blob: StoredBlob)]) throws {
        for (artifact, blob) in links {
            try storeBlob(blob)
            var link = PostgresStatement()
            link.sql = """
                UPDATE artifact SET blob_sha256 = \(link.bind(blob.hash.hex)), fetch_state = 'stored', fetch_error = NULL,
                    fetch_failures = 0
                WHERE id = \(link.bind(artifact.rawValue))
                """
            try run(link)
        }
    }

    /// Copies a spooled file into the database unless it has those bytes; it leaves the spool once the
    /// transaction commits.
    func storeBlob(_ blob: StoredBlob) throws {
        let file = spool.url(for: blob.hash)
        do {
            _ = try streamBlob(blob.hash, from: FileManager.default.fileExists(atPath: file.path) ? file : nil, size: blob.size,
                               missing: "its downloaded file is gone from the spool \(spool.root.path); sync again")
        } catch ArchiveError.contentMismatch(let expected, let actual) {
            try? FileManager.default.removeItem(at: file)   // damaged in the spool: downloaded again next time
            throw ArchiveError.contentMismatch(expected: expected, actual: actual)
        }
        streamed.add(blob.hash)
    }

    /// Streams a file into `blob_chunk` rows unless the database has those bytes, a chunk at a time (a
    /// 1 GiB file never sits in memory), checking on the way that the bytes are the ones named (and
    /// `size` long, when given). Returns the bytes added (0 when the database had them).
    func streamBlob(_ hash: BlobHash, from file: URL?, size expected: Int64? = nil, missing: String) throws -> Int64 {
        let hex = hash.hex
        var exists = PostgresStatement()
        exists.sql = "SELECT 1 FROM blob WHERE sha256 = \(exists.bind(hex))"
        if try !run(exists).isEmpty { return 0 }
        guard let file, let handle = try? FileHandle(forReadingFrom: file) else { throw ArchiveError.blob(hash: hex, problem: missing) }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        var chunk = 0
        while let data = try handle.read(upToCount: PostgresArchive.chunkSize), !data.isEmpty {
            hasher.update(data: data)
            var insert = PostgresStatement()
            // A blob two writers store at once: the second waits on the first's rows, then adds nothing.
            insert.sql = """
                INSERT INTO blob_chunk (sha256, chunk, data) VALUES (\(insert.bind(hex)), \(insert.bind(chunk)), \(insert.bind(ByteBuffer(bytes: data))))
                ON CONFLICT DO NOTHING
                """
            try run(insert)
            size += Int64(data.count)
            chunk += 1
        }
        guard expected.map({ $0 == size }) ?? true, BlobHash(hex: hasher.finalize().hexString) == hash else {
            throw ArchiveError.contentMismatch(expected: "sha256 \(hex.prefix(12))…" + (expected.map { ", \($0) bytes" } ?? ""),
                                               actual: "\(size) bytes that differ")
        }
        var row = PostgresStatement()
        row.sql = "INSERT INTO blob (sha256, size, stored_at) VALUES (\(row.bind(hex)), \(row.bind(size)), \(row.bind(now))) ON CONFLICT DO NOTHING"
        try run(row)
        return size
    }
}

/// The spooled blobs a transaction has put into (or found in) the database, to remove from the spool
/// once it commits.
final class StreamedBlobs: @unchecked Sendable {
    private let lock = NSLock()
    private var hashes: [BlobHash] = []

    func add(_ hash: BlobHash) { lock.withLock { hashes.append(hash) } }
    func take() -> [BlobHash] { lock.withLock { defer { hashes = [] }; return hashes } }
}
