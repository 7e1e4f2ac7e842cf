import ArchivePostgres
import Foundation
import SigmicEmulator
import Testing
import TestSupport

/// `pin`, `tasks --pinned` and `retention` with the real binary, on a folder and on PostgreSQL alike:
/// the emulator's tasks were last active months ago, so a 30-day policy finds all of them due except
/// the pinned one, `--apply` forgets them, and no sync brings them back.
@Suite(.serialized) struct RetentionCommandTests {
    func expectRetention(archive: String, emulator: Emulator) async throws {
        let environment = ["SIGMIC_BASE_URL": emulator.baseURL, "SIGMIC_API_KEY": emulator.keys[0]]
        func run(_ arguments: [String]) async throws -> CommandResult {
            try await CommandRunner.runDetached(arguments + ["--archive", archive], environment: environment)
        }
        func json(_ arguments: [String]) async throws -> Any {
            let result = try await run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        }
        let all = try #require(try await json(["tasks", "--json", "--limit", "0"]) as? [[String: Any]]).compactMap { $0["id"] as? String }
        #expect(all.count == 5)
        let keeper = all[0]
        #expect(try await run(["pin", String(keeper.prefix(8))]).status == 0)
        let pinned = try #require(try await json(["tasks", "--pinned", "--json"]) as? [[String: Any]])
        #expect(pinned.compactMap { $0["id"] as? String } == [keeper])

        let bad = try await run(["retention", "--keep", "3 months"])
        #expect(bad.status == 64 && bad.stderr.contains("90d"), "\(bad.stderr)")
        let none = try await run(["retention"])
        #expect(none.status == 1 && none.stderr.contains("--keep"), "\(none.stderr)")
        let preview = try #require(try await json(["retention", "--keep", "30d", "--json"]) as? [String: Any])
        #expect(preview["keep"] as? String == "30d")
        #expect(Set((preview["due"] as? [[String: Any]] ?? []).compactMap { $0["task"] as? String }) == Set(all.dropFirst()))
        #expect(try #require(try await json(["tasks", "--json", "--limit", "0"]) as? [Any]).count == 5, "a preview forgets nothing")

        let applied = try #require(try await json(["retention", "--apply", "--json"]) as? [String: Any])
        #expect(Set(applied["forgotten"] as? [String] ?? []) == Set(all.dropFirst()))
        #expect(try await run(["sync", "--full"]).status == 0)
        let left = try #require(try await json(["tasks", "--json", "--limit", "0"]) as? [[String: Any]])
        #expect(left.compactMap { $0["id"] as? String } == [keeper])
        let owning = try #require((try await json(["status", "--json"]) as? [String: Any])?["owning"] as? [String: Any])
        #expect(owning["retention"] as? String == "30d" && owning["forgotten"] as? Int == 4 && owning["retentionAppliedAt"] is String)
        let audit = try #require(try await json(["audit", "--json"]) as? [[String: Any]])
        #expect(audit.last?["command"] as? String == "retention --keep 30d")

        #expect(try await run(["unpin", keeper]).status == 0)
        #expect(try #require(try await json(["tasks", "--pinned", "--json"]) as? [Any]).isEmpty)
        #expect(try await run(["retention", "--off"]).status == 0)
        #expect(try await run(["retention"]).status == 1)
    }

    @Test func retentionKeepsPinnedTasksAndForgetsTheRestOnBothEngines() async throws {
        try await withEmulatorWorld(tasks: 5, label: "retention-command") { emulator, folder in
            let archive = folder.path("archive").path
            let environment = ["SIGMIC_BASE_URL": emulator.baseURL, "SIGMIC_API_KEY": emulator.keys[0]]
            let synced = try await CommandRunner.runDetached(["sync", "--archive", archive], environment: environment)
            #expect(synced.status == 0, "\(synced.stderr)")
            try await TestDatabase.with { location in
                let copy = try await CommandRunner.runDetached(["copy", "--from", archive, "--to", location.display])
                #expect(copy.status == 0, "\(copy.stderr)")
                try await expectRetention(archive: location.display, emulator: emulator)
            }
            try await expectRetention(archive: archive, emulator: emulator)
        }
    }
}
