import ArchivePostgres
import ArchiveStore
import Foundation
import Testing
import TestSupport

/// What was sent from the outbox is redacted like everything else; an item still waiting to be sent is
/// left as it was written (it is what will be sent). On a folder and on PostgreSQL alike.
@Suite(.serialized) struct RedactOutboxTests {
    static let sentSecret = PlantedSecrets.all[1]
    static let waitingSecret = PlantedSecrets.all[2]

    /// One sent follow-up and one still queued, each holding a secret.
    func queue(in archive: some WritableArchive) async throws {
        try await archive.write { writer in
            let account = try writer.account(baseURL: Fixtures.baseURL, apiKey: Fixtures.apiKey)
            let sent = try writer.enqueue(NewOutboxItem(kind: .create, message: "deploy with \(Self.sentSecret)",
                                                        systemPrompt: "keys: \(Self.sentSecret)"), account: account)
            try writer.markOutbox(sent, .sent, remoteID: "c37c1d78-4d23-4e53-949a-ddd775f25e01")
            try writer.enqueue(NewOutboxItem(kind: .create, message: "later: \(Self.waitingSecret)"), account: account)
        }
    }

    func expectRedacted(archive: String) async throws {
        let result = try await CommandRunner.runDetached(["redact", "--secrets", "--json", "--archive", archive])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let places = Set((summary["findings"] as? [[String: Any]] ?? []).map { "\($0["kind"] ?? "") \($0["field"] ?? "") \($0["outbox"] ?? "")" })
        #expect(places == ["outbox message 1", "outbox system_prompt 1"], "\(places)")
        let listed = try await CommandRunner.runDetached(["outbox", "--all", "--json", "--archive", archive])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(!listed.stdout.contains(Self.sentSecret) && listed.stdout.contains("[REDACTED:aws-access-key-id:"), "\(listed.stdout)")
        #expect(listed.stdout.contains(Self.waitingSecret), "the waiting item is sent as written")
    }

    @Test func sentItemsAreRedactedAndWaitingOnesKeptOnBothEngines() async throws {
        let folder = try TempFolder("redact-outbox")
        let archive = try Archive.open(at: folder.path("archive"))
        try await queue(in: archive)
        try archive.close()
        try await expectRedacted(archive: folder.path("archive").path)
        let leaks = ByteLeaks(needles: ["sent": Array(Self.sentSecret.utf8)])
        #expect(try leaks.found(inFolder: folder.path("archive")) == [])

        try await TestDatabase.with { location in
            let database = try await PostgresArchive.open(location, environment: TestDatabase.environment, forWriting: true)
            try await queue(in: database)
            await database.close()
            try await expectRedacted(archive: location.display)
            #expect(leaks.found(in: try TestDatabase.dump(location)) == [])
        }
    }
}
