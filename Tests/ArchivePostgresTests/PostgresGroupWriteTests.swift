import ArchivePostgres
import ArchiveStore
import Foundation
import Testing
import TestSupport

/// `writeEach` is written once above the engines: on PostgreSQL as on a folder, a unit that fails is
/// rolled back alone and its error returned in its place, and the other units commit together.
@Suite
struct PostgresGroupWriteTests {
    @Test func aUnitThatFailsIsRolledBackAloneAndTheOthersCommit() async throws {
        try await TestDatabase.with { location in
            let archive = try await PostgresArchive.open(location, environment: TestDatabase.environment, forWriting: true)
            let task = try await archive.write { writer in
                let account = try writer.account(baseURL: Fixtures.baseURL, apiKey: Fixtures.apiKey)
                return try writer.upsertListedTask(Fixtures.task("t-1", status: "completed"), account: account)
            }
            let outcomes = try await archive.writeEach(GroupWriteCase.units(task))
            try await GroupWriteCase.expectOnlyTheFailedUnitRolledBack(outcomes, in: archive, task: task)
            #expect(try await archive.verify().isClean)
            await archive.close()
        }
    }
}
