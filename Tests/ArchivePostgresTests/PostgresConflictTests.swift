@testable import ArchivePostgres
import ArchiveStore
import Foundation
import Pacing
import PostgresNIO
import Synchronization
import Testing
import TestSupport

/// A transaction that loses a deadlock to another connection runs again, after the archive's
/// `conflictRetrier` has waited: forced here with two advisory locks taken in opposite orders.
@Suite struct PostgresConflictTests {
    final class Record: Sendable {
        let attempts = Mutex(0)
        let waits = Mutex<[Double]>([])
    }

    /// Advisory lock `key` in this test's database: how many hold it (`granted`) or wait for it.
    static func lockCount(_ key: Int, granted: Bool) -> String {
        """
        SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = \(key) AND granted = \(granted)
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
        """
    }

    @Test func aTransactionThatLosesADeadlockRunsAgainAfterTheRetriersWait() async throws {
        try await TestDatabase.with { location in
            let record = Record()
            let retrier = Retrier(policy: PostgresArchive.conflictRetries, sleep: { seconds in record.waits.withLock { $0.append(seconds) } },
                                  unitRandom: { 0.5 })
            let archive = try await PostgresArchive.open(location, environment: TestDatabase.environment, forWriting: true,
                                                         timing: PostgresArchive.Timing(conflictRetrier: retrier))
            let configuration = PostgresConnection.Configuration(
                host: location.host, port: location.port, username: location.user,
                password: PostgresCredentials.find(for: location, environment: TestDatabase.environment).password,
                database: location.database, tls: .disable)
            let other = try await PostgresConnection.connect(configuration: configuration, id: 9, logger: TestDatabase.logger)
            _ = try await other.query("BEGIN", logger: TestDatabase.logger)
            _ = try await other.query("SELECT pg_advisory_xact_lock(2)", logger: TestDatabase.logger)
            let otherSide = Task {
                // Once the archive's transaction holds lock 1, ask for it too: this waits until it is let go.
                while try await Self.count(other, Self.lockCount(1, granted: true)) == 0 {}
                _ = try await other.query("SELECT pg_advisory_xact_lock(1)", logger: TestDatabase.logger)
                _ = try await other.query("COMMIT", logger: TestDatabase.logger)
            }
            let outcome: Result<Int, any Error>
            do {
                outcome = .success(try await archive.write { writer in try Self.deadlockOnce(writer, record) })
            } catch {
                outcome = .failure(error)   // closed below first: a connection let go open traps in postgres-nio
            }
            _ = await otherSide.result
            try? await other.close()
            await archive.close()
            let attempt = try outcome.get()
            #expect(attempt == 2, "the first attempt lost the deadlock, the second committed")
            let expected = PostgresArchive.conflictRetries.delay(beforeRetry: 1, retryAfter: nil, unit: 0.5)
            #expect(record.waits.withLock { $0 } == [expected], "one wait, the retrier's, before the second attempt")
        }
    }

    /// The archive's side: on its first attempt, takes lock 1, waits until the other connection waits
    /// for it, then asks for lock 2, which the other holds. Later attempts just commit.
    static func deadlockOnce(_ writer: PostgresArchiveWriter, _ record: Record) throws -> Int {
        let attempt = record.attempts.withLock { count in
            count += 1
            return count
        }
        guard attempt == 1 else { return attempt }
        // This transaction checks for a deadlock sooner than the other (1 s), so it is the one failed.
        _ = try writer.run(PostgresStatement("SET LOCAL deadlock_timeout = '20ms'"))
        _ = try writer.run(PostgresStatement("SELECT pg_advisory_xact_lock(1)"))
        while try writer.run(PostgresStatement(lockCount(1, granted: false))).first?.decode(Int.self) == 0 {}
        _ = try writer.run(PostgresStatement("SELECT pg_advisory_xact_lock(2)"))
        return attempt
    }

    static func count(_ connection: PostgresConnection, _ sql: String) async throws -> Int {
        for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: TestDatabase.logger) {
            return try row.decode(Int.self)
        }
        return 0
    }
}
