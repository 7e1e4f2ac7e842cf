@testable import ArchivePostgres
import ArchiveStore
import Foundation
import PostgresNIO
import Testing

/// A search on PostgreSQL whose asker has gone stops mid-statement: a cancel request for the reading
/// connection's server process, sent over a connection of its own; and a search past its deadline is
/// "too broad". A statement that sleeps stands in for a search that would run long.
@Suite
struct PostgresSearchCancellationTests {
    func sleepingSearch(_ archive: PostgresArchive, _ deadline: SearchDeadline) async -> Result<Void, any Error> {
        do {
            try await archive.searching(deadline) {
                _ = try await archive.connection.rows(PostgresStatement("SELECT pg_sleep(60)"), logger: PostgresArchive.logger)
            }
            return .success(())
        } catch {
            return .failure(error)
        }
    }

    @Test func aSearchWhoseAskerHasGoneIsCancelledMidStatement() async throws {
        try await TestDatabase.with { location in
            let archive = try await PostgresArchive.open(location, environment: TestDatabase.environment)
            let watcher = try await PostgresArchive.open(location, environment: TestDatabase.environment)
            let asker = SearchCancellation()
            async let outcome = sleepingSearch(archive, SearchDeadline(limit: .seconds(120), clock: ContinuousClock()).cancelled(by: asker))
            // Cancel once the statement is running on the server (a process of this database is seen
            // sleeping; asked over another connection, as the reading one is busy).
            var sleeping: Int32?
            while sleeping == nil {
                let rows = try await watcher.connection.rows(PostgresStatement("""
                    SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
                      AND query LIKE 'SELECT pg_sleep(60)%' AND state = 'active'
                    """), logger: PostgresArchive.logger)
                sleeping = try rows.first?.decode(Int32.self)
            }
            asker.cancel()
            let result = await outcome
            #expect(throws: CancellationError.self) { try result.get() }
            #expect(try await archive.readerBackend() == sleeping)
            // The reading connection goes on: the next search runs.
            #expect(try await archive.search(SearchQuery.parse("anything"), options: SearchOptions()).isEmpty)
            await archive.close()
            await watcher.close()
        }
    }

    @Test func aSearchPastItsDeadlineIsTooBroad() async throws {
        try await TestDatabase.with { location in
            let archive = try await PostgresArchive.open(location, environment: TestDatabase.environment)
            let result = await sleepingSearch(archive, SearchDeadline(limit: .milliseconds(200), clock: ContinuousClock()))
            #expect { try result.get() } throws: { "\($0)".contains("too broad") }
            await archive.close()
        }
    }
}
