import Foundation
internal import GRDB

extension Archive {
    /// Runs `body` in one immediate write transaction: all of it commits, or none of it. Blob files
    /// this process stored are put on disk first (`BlobStore.flushIfNeeded`), so no row it commits can
    /// name a blob whose bytes a power cut could still lose.
    @discardableResult
    public func write<T>(_ body: (SQLiteArchiveWriter) throws -> T) throws -> T {
        if case .readOnly(let reason) = access { throw ArchiveError.readOnly(reason: reason) }
        let stamp = Timestamp.string(from: now())
        do {
            return try pool.write { db in
                try blobs.flushIfNeeded()
                return try SQLiteArchiveWriter.transaction(db, path: databaseURL.path, now: stamp, body)
            }
        } catch let error as DatabaseError {
            throw ArchiveError(error, path: databaseURL.path, operation: "writing to the archive")
        }
    }

    /// The same, for async callers: waiting for the single writer suspends the task instead of blocking
    /// one of the few threads Swift's concurrency runtime has (with many tasks syncing at once, blocked
    /// threads would starve the network I/O). With `indexSearch: false` the search entries the body
    /// adds or changes wait for a later transaction to index them: indexing many transactions' entries
    /// at once costs less than indexing each transaction's.
    @discardableResult
    public func write<T: Sendable>(indexSearch: Bool, _ body: @escaping @Sendable (SQLiteArchiveWriter) throws -> T) async throws -> T {
        if case .readOnly(let reason) = access { throw ArchiveError.readOnly(reason: reason) }
        let stamp = Timestamp.string(from: now())
        let path = databaseURL.path
        do {
            return try await pool.write { db in
                try blobs.flushIfNeeded()
                return try SQLiteArchiveWriter.transaction(db, path: path, now: stamp, indexSearch: indexSearch, body)
            }
        } catch let error as DatabaseError {
            throw ArchiveError(error, path: databaseURL.path, operation: "writing to the archive")
        }
    }

    /// Runs a read in a consistent snapshot, mapping SQLite errors to archive errors.
    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read { db in try body(db) }
        } catch let error as DatabaseError {
            throw ArchiveError(error, path: databaseURL.path, operation: operation)
        }
    }

    /// The same from async code: the read runs on one of GRDB's reader threads while the caller
    /// suspends, so a long read holds no thread of the concurrency runtime.
    func read<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read { db in try body(db) }
        } catch let error as DatabaseError {
            throw ArchiveError(error, path: databaseURL.path, operation: operation)
        }
    }
}
