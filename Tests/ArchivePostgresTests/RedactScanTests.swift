import ArchivePostgres
import ArchiveStore
import Foundation
import Testing
import TestSupport

/// `redact --scan` finds each planted secret where it is — a message, its tool call arguments, its
/// thoughts, its raw JSON, a stream event, a stored text file — on a folder and on PostgreSQL alike, and
/// prints none of them.
@Suite
struct RedactScanTests {
    static let aws = "AKIA" + "IOSFODNN7EXAMPLE"
    static let github = "ghp_" + String(repeating: "aB3dE6gH9k", count: 4).prefix(36)
    static let jwt = ["eyJhbGciOiJIUzI1NiJ9", "eyJzdWIiOiIxMjM0NTY3ODkwIn0", "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"].joined(separator: ".")
    static let pem = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBk3x\n-----END EC PRIVATE KEY-----"
    static let stripe = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"

    func plant(in folder: TempFolder) async throws -> String {
        let (archive, _, task) = try Fixtures.archiveWithTask(in: folder)
        let thoughts = #"[{"subject":"key","description":\#(Fixtures.jsonString(Self.pem))}]"#
        let calls = #"[{"callId":"c1","toolName":"shell","args":{"cmd":"export GITHUB_TOKEN=\#(Self.github)"},"status":"completed"}]"#
        try await archive.write { writer in
            try writer.replaceHistory([
                Fixtures.message("m1", role: "user", content: "deploy with \(Self.aws) please; MAX_TOKENS=4096000000000000000"),
                Fixtures.message("m2", content: "done", thoughts: thoughts, toolCalls: calls),
            ], task: task)
            let session = try writer.beginAttachSession(task: task)
            try writer.appendEvents([StreamEventSnapshot(seq: 1, type: "content", data: #"{"text":"token \#(Self.jwt)"}"#,
                                                         receivedAt: "2026-01-26T16:00:00.000Z")], session: session)
        }
        let blob = try archive.blobs.store(Data("STRIPE=\(Self.stripe)\n".utf8))
        try await archive.write { writer in
            let rows = try writer.upsertArtifacts([Fixtures.artifact("outputs/.env", size: blob.size)], task: task)
            try writer.recordArtifactBlob(rows[0], blob: blob)
        }
        try archive.close()
        return folder.path("archive").path
    }

    func scan(_ archive: String) async throws -> [[String: String]] {
        let result = try await CommandRunner.runDetached(["redact", "--scan", "--json", "--archive", archive])
        #expect(result.status == 0, "\(result.stderr)")
        for secret in [Self.aws, Self.github, Self.jwt, "MHcCAQEEIBk3x", Self.stripe] {
            #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret), "a secret was printed")
        }
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        // Session ids are each engine's own; everything else must agree.
        return entries.map { entry in entry.filter { $0.key != "session" }.mapValues { "\($0)" } }
    }

    @Test func everyPlantedSecretIsFoundWhereItIsOnBothEngines() async throws {
        let folder = try TempFolder("redact-scan")
        let archive = try await plant(in: folder)
        let found = try await scan(archive)
        let places = Set(found.map { "\($0["kind"]!) \($0["message"] ?? $0["path"] ?? "-") \($0["field"] ?? "-") \($0["rule"]!)" })
        #expect(places == [
            "message m1 content aws-access-key-id", "message m1 raw_json aws-access-key-id",
            "message m2 thoughts_json private-key", "message m2 tool_calls_json github-token",
            "message m2 raw_json private-key", "message m2 raw_json github-token",
            "event - - jwt", "artifact outputs/.env - stripe-key",
        ], "\(found)")
        // The same secret has the same fingerprint wherever it sits.
        let awsPrints = Set(found.filter { $0["rule"] == "aws-access-key-id" }.map { $0["fingerprint"]! })
        #expect(awsPrints.count == 1)

        try await TestDatabase.with { location in
            let copy = try await CommandRunner.runDetached(["copy", "--from", archive, "--to", location.display])
            #expect(copy.status == 0, "\(copy.stderr)")
            let onPostgres = try await scan(location.display)
            #expect(onPostgres == found)
        }
    }
}
