public import ArchiveStore
import Foundation
public import Pacing
import PostgresNIO

/// The writing side of one opening: its own connection, a serial queue that runs one transaction at
/// a time off the concurrency runtime's threads (the store waits on postgres-nio synchronously, as it
/// does on GRDB), and the spool downloads wait in.
final class PostgresWriting: Sendable {
    let connection: PostgresConnection
    let queue = DispatchQueue(label: "sigmic-archive.postgres.writer")
    let spool: Spool

    init(connection: PostgresConnection, spool: Spool) {
        self.connection = connection
        self.spool = spool
    }
}

extension PostgresArchive: WritableArchive {
    /// Where downloads wait until their commit streams them into the database (`Spool`). An opening
    /// for reading has no spool (nothing downloads into it: its writes are refused); it names an
    /// unused folder rather than none.
    public var blobs: BlobStore {
        writing?.spool.blobs ?? BlobStore(root: URL(fileURLWithPath: NSTemporaryDirectory()).appending(path: "sigmic-archive-unused-spool"))
    }

    /// One transaction: committed if `body` returns, rolled back if it throws. When PostgreSQL breaks a
    /// deadlock between two syncers by failing one of them, the loser runs again after the
    /// `conflictRetrier`'s wait (off the writer's queue, which meanwhile serves no one else's turn):
    /// every write is an idempotent upsert, so running a body twice is safe. Search entries are kept
    /// by the database's triggers as rows change, so `indexSearch` has nothing to put off.
    public func write<T: Sendable>(indexSearch: Bool, _ body: @escaping @Sendable (PostgresArchiveWriter) throws -> T) async throws -> T {
        let writing = try writer()
        do {
            return try await conflictRetrier.run({ _ in
                try await self.onWriter(writing) { try self.transaction($0, body) }
            }, next: { Self.isConflict($0) ? .backOff(retryAfter: nil) : .giveUp }, cancelled: { CancellationError() })
        } catch {
            throw Self.failure(error, location: location, operation: "writing to the archive")
        }
    }

    /// Runs `work` on the writer's queue and suspends until it is done.
    private func onWriter<T: Sendable>(_ writing: PostgresWriting, _ work: @escaping @Sendable (PostgresWriting) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            writing.queue.async { continuation.resume(with: Result { try work(writing) }) }
        }
    }

    private func writer() throws -> PostgresWriting {
        guard writable else {
            throw ArchiveError.readOnly(reason: "the database has a newer schema (\(schemaVersion)); update sigmic-archive to write to it")
        }
        guard let writing else { throw ArchiveError.readOnly(reason: "opened for reading") }
        return writing
    }

    /// One attempt at a transaction, on the writer's queue: committed if `body` returns, rolled back
    /// (and the error thrown as it came, so that `write` can tell a conflict) if it throws.
    func transaction<T>(_ writing: PostgresWriting, _ body: (PostgresArchiveWriter) throws -> T) throws -> T {
        let writer = PostgresArchiveWriter(connection: writing.connection, location: location, now: Timestamp.string(from: now()),
                                           spool: writing.spool.blobs, streamed: StreamedBlobs())
        do {
            try writer.run(PostgresStatement("BEGIN"))
            let value = try body(writer)
            try writer.run(PostgresStatement("COMMIT"))
            writing.spool.remove(writer.streamed.take())
            return value
        } catch {
            _ = try? writer.run(PostgresStatement("ROLLBACK"))
            throw error
        }
    }

    /// How a transaction that lost a deadlock is run again: up to ten attempts, a short jittered wait
    /// before each (at most 10 ms, 20 ms, 40 ms … 300 ms), so that two syncers do not collide again.
    public static let conflictRetries = RetryPolicy(maxAttempts: 10, baseDelay: 0.01, maxDelay: 0.3)

    /// Deadlock detected, or a serialization failure: another transaction won, and this one may simply
    /// run again.
    static func isConflict(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40P01" || state == "40001"
    }
}
