import ArchivePostgres
import ArchiveStore
import Foundation
import Testing
import TestSupport

/// `writeEach` is written once above the engines: on PostgreSQL as on a folder, a unit that fails is
/// rolled back alone and its error returned in its place, and the other units commit together.
@Suite
struct PostgresGroupWriteTests {
    struct Boom: Error {}

    @Test func aUnitThatFailsIsRolledBackAloneAndTheOthersCommit() async throws {
        try await TestDatabase.with { location in
            let archive = try await PostgresArchive.open(location, environment: TestDatabase.environment, forWriting: true)
            let task = try await archive.write { writer in
                let account = try writer.account(baseURL: Fixtures.baseURL, apiKey: Fixtures.apiKey)
                return try writer.upsertListedTask(Fixtures.task("t-1", status: "completed"), account: account)
            }
            let outcomes = try await archive.writeEach([
                { try $0.upsertMessages([Fixtures.message("m1", content: "alpha report")], task: task) },
                { writer in
                    try writer.upsertMessages([Fixtures.message("m2", content: "bravo report")], task: task)
                    throw Boom()
                },
                { try $0.upsertMessages([Fixtures.message("m3", content: "charlie report")], task: task) },
            ])
            #expect(outcomes.map { $0 == nil } == [true, false, true])
            #expect(outcomes[1] is Boom)
            #expect(try await archive.messages(of: task).map(\.remoteID) == ["m1", "m3"])
            #expect(try await archive.search(SearchQuery.parse("report")).compactMap(\.messageID).sorted() == ["m1", "m3"])
            #expect(try await archive.verify().isClean)
            await archive.close()
        }
    }
}
