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
                return try SQLiteArchiveWriter.transaction(db, now: stamp, body)
            }
        } catch let error as DatabaseError {
            throw ArchiveError(error, path: databaseURL.path, operation: "writing to the archive")
        }
    }

    /// The same, for async callers: waiting for the single writer suspends the task instead of blocking
    /// one of the few threads Swift's concurrency runtime has (with many tasks syncing at once, blocked
    /// threads would starve the network I/O).
    @discardableResult
    public func write<T: Sendable>(_ body: @escaping @Sendable (SQLiteArchiveWriter) throws -> T) async throws -> T {
        try await write(indexSearch: true, body)
    }

    private func write<T: Sendable>(indexSearch: Bool, _ body: @escaping @Sendable (SQLiteArchiveWriter) throws -> T) async throws -> T {
        if case .readOnly(let reason) = access { throw ArchiveError.readOnly(reason: reason) }
        let stamp = Timestamp.string(from: now())
        do {
            return try await pool.write { db in
                try blobs.flushIfNeeded()
                return try SQLiteArchiveWriter.transaction(db, now: stamp, indexSearch: indexSearch, body)
            }
        } catch let error as DatabaseError {
            throw ArchiveError(error, path: databaseURL.path, operation: "writing to the archive")
        }
    }

    /// Runs several independent units of work in one transaction, each inside its own savepoint: a unit
    /// that throws is rolled back alone and its error is returned in its place; the others commit
    /// together. Many small commits cost far more than one larger one (each commit writes every page it
    /// touched to the WAL), so a sync hands its finished tasks over in groups. Each unit is still
    /// all-or-nothing. Throws only if the transaction itself fails, in which case nothing was written.
    ///
    /// With `indexSearch: false` the search entries the units add or change are left for a later
    /// transaction to index (any `write`, or a `writeEach` that indexes): they are durable and counted
    /// by `verify` until then, but not yet found by search. Indexing many transactions' entries at once
    /// costs less than indexing each transaction's.
    public func writeEach(_ units: [@Sendable (any ArchiveWriter) throws -> Void],
                          indexSearch: Bool = true) async throws -> [(any Error)?] {
        // Units rarely fail, and a savepoint costs a copy of each page a unit changes: first try all of
        // them in one transaction without savepoints. If one throws, that transaction is rolled back
        // whole and the group runs again, each unit in its own savepoint (units only write what they
        // captured, so running one twice is safe).
        if units.count > 1 {
            do {
                try await write(indexSearch: indexSearch) { writer in
                    for unit in units { try unit(writer) }
                }
                return Array(repeating: nil, count: units.count)
            } catch {
                // Fall through: the savepoints find which unit failed, and why.
            }
        }
        let path = databaseURL.path
        return try await write(indexSearch: indexSearch) { writer in
            units.map { unit -> (any Error)? in
                do {
                    try writer.db.inSavepoint {
                        try unit(writer)
                        return .commit
                    }
                    return nil
                } catch let error as DatabaseError {
                    return ArchiveError(error, path: path, operation: "writing to the archive")
                } catch {
                    return error
                }
            }
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
