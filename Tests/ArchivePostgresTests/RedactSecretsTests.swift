import ArchivePostgres
import ArchiveStore
import Foundation
import SigmicEmulator
import Testing
import TestSupport

/// `redact --secrets --on-sync` end to end, with the real binary and the emulator: secrets of every
/// rule are planted in a task's message, system prompt, thought, tool-call arguments, raw JSON, a text
/// file and a binary file; after redaction none of them is in any byte of the folder (database, WAL,
/// stored files) or, on PostgreSQL, in a `pg_dump`; search finds none; `verify` is clean; and neither
/// `sync --full` nor a follow-up that repeats them brings one back.
@Suite(.serialized) struct RedactSecretsTests {
    typealias World = CommandWorld

    func withWorld(_ body: (World) async throws -> Void) async throws {
        try await CommandWorld.with(tasks: 2, label: "redact-secrets", body)
    }

    /// A task that holds every secret, through `run` and a `sync`; returns its id.
    func plant(_ world: World, archive: String) async throws -> String {
        let text = world.folder.path("secrets.env")
        try Data("STRIPE_KEY=\(PlantedSecrets.all[5])\nGOOGLE_KEY=\(PlantedSecrets.all[6])\n".utf8).write(to: text)
        let binary = world.folder.path("capture.png")
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00] + Array("key \(PlantedSecrets.all[1]) ".utf8) + [0xFF, 0x00, 0xFE]).write(to: binary)
        let output = try await world.succeed(["run", PlantedSecrets.prompt, "--system-prompt", "deploy with \(PlantedSecrets.all[2])",
                                              "--file", text.path, "--file", binary.path, "--json"], archive: archive)
        let id = try #require((try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])?["id"] as? String)
        _ = try await world.succeed(["sync"], archive: archive)
        return id
    }

    /// Every rule is found before, in every kind of place the plant reached.
    func expectEveryRuleFound(_ world: World, archive: String) async throws {
        let scan = try await world.succeed(["redact", "--scan", "--json"], archive: archive)
        let found = try #require(try JSONSerialization.jsonObject(with: Data(scan.utf8)) as? [[String: Any]])
        let rules = Set(found.compactMap { $0["rule"] as? String })
        #expect(rules == ["sigmic-api-key", "aws-access-key-id", "github-token", "slack-token", "slack-webhook", "stripe-key",
                          "google-api-key", "ai-provider-key", "private-key", "jwt", "assignment"], "\(rules)")
        let places = Set(found.map { "\($0["kind"]!) \($0["field"] ?? $0["path"] ?? "-")" })
        for place in ["task message", "task system_prompt", "task raw_get_json", "message content", "message thoughts_json",
                      "message tool_calls_json", "message raw_json", "artifact uploads/secrets.env", "artifact uploads/capture.png"] {
            #expect(places.contains(place), "nothing found in \(place): \(places.sorted())")
        }
    }

    /// What must hold once secrets are removed, whichever engine: search finds none, the scan finds none,
    /// the near-misses are still there, and `verify` is clean.
    func expectNoneLeft(_ world: World, archive: String, task: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        for secret in [PlantedSecrets.all[1], PlantedSecrets.all[5], "Tq8Wm3Zr6Yp1Vx4Nk7Lb"] {
            let hits = try await world.succeed(["search", "\"\(secret)\"", "--json"], archive: archive, sourceLocation: sourceLocation)
            #expect(!hits.contains(task), "search found \(secret.prefix(6))…", sourceLocation: sourceLocation)
        }
        let scan = try await world.succeed(["redact", "--scan", "--json"], archive: archive, sourceLocation: sourceLocation)
        let found = try JSONSerialization.jsonObject(with: Data(scan.utf8)) as? [Any]
        #expect(found?.isEmpty == true, "\(scan)", sourceLocation: sourceLocation)
        let shown = try await world.succeed(["show", task, "--json"], archive: archive, sourceLocation: sourceLocation)
        for nearMiss in PlantedSecrets.nearMisses {
            #expect(shown.contains(nearMiss), "the near-miss \(nearMiss) was removed", sourceLocation: sourceLocation)
        }
        #expect(shown.contains("[REDACTED:aws-access-key-id:"), sourceLocation: sourceLocation)
        _ = try await world.succeed(["verify"], archive: archive, sourceLocation: sourceLocation)
        // `serve` shows the redacted text as such, in its page and its JSON, with its events.
        let serve = try ServeProcess(archive: archive)
        for path in ["/tasks/\(task)", "/api/tasks/\(task)?events=1"] {
            let page = try await serve.get(path)
            #expect(page.status == 200 && page.text.contains("[REDACTED:aws-access-key-id:"), "\(path)", sourceLocation: sourceLocation)
            #expect(PlantedSecrets.leaks.found(in: [UInt8](page.body)) == [], "\(path)", sourceLocation: sourceLocation)
        }
    }

    @Test func secretsAreGoneFromEveryByteOfAFolderAndStayGone() async throws {
        try await withWorld { world in
            let archive = world.folder.path("archive").path
            let task = try await plant(world, archive: archive)
            try await expectEveryRuleFound(world, archive: archive)
            #expect(try !PlantedSecrets.leaks.found(inFolder: world.folder.path("archive")).isEmpty, "the check finds nothing to begin with")

            let summary = try await world.succeed(["redact", "--secrets", "--on-sync", "--json"], archive: archive)
            let totals = try #require(try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])
            #expect(totals["filesDropped"] as? [String] == ["uploads/capture.png"])
            #expect((totals["filesRewritten"] as? Int ?? 0) >= 1, "secrets.env, and the run's summary when it wrote one")
            #expect(totals["onSync"] as? Bool == true)
            let status = try await world.succeed(["status", "--json"], archive: archive)
            let owning = try #require((try JSONSerialization.jsonObject(with: Data(status.utf8)) as? [String: Any])?["owning"] as? [String: Any])
            #expect(owning["redactOnSync"] as? Bool == true && owning["audited"] as? Int == 1 && owning["purgePending"] as? Bool == false)
            #expect(try PlantedSecrets.leaks.found(inFolder: world.folder.path("archive")) == [])
            try await expectNoneLeft(world, archive: archive, task: task)
            try expectMCPShowsRedactedText(archive: archive)

            // The dropped file says why, and no sync fetches it again.
            _ = try await world.succeed(["sync", "--full"], archive: archive)
            let files = try await world.succeed(["show", task, "--json"], archive: archive)
            #expect(files.contains("removed by redact: a binary file holding a secret (aws-access-key-id)"))
            _ = try await world.succeed(["reply", task, PlantedSecrets.prompt], archive: archive)
            _ = try await world.succeed(["sync", "--full"], archive: archive)
            #expect(try PlantedSecrets.leaks.found(inFolder: world.folder.path("archive")) == [])
            try await expectNoneLeft(world, archive: archive, task: task)

            let audit = try await world.succeed(["audit", "--json"], archive: archive)
            let entries = try #require(try JSONSerialization.jsonObject(with: Data(audit.utf8)) as? [[String: Any]])
            #expect(entries.count == 1 && entries[0]["command"] as? String == "redact --secrets --on-sync")
            #expect((entries[0]["findings"] as? Int ?? 0) >= 11 && (entries[0]["rules"] as? [String])?.count == 11)
        }
    }

    /// `mcp`, through the official Python client: a search for the marker finds the redacted text as
    /// such, and no answer holds a secret.
    func expectMCPShowsRedactedText(archive: String) throws {
        try MachinePart.python(["mcp"]).require()
        let helper = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appending(path: "../ArchiveCLITests/Helpers/mcp_search.py").standardized
        let result = try CommandRunner.run(["-k", "9", "120", "python3", helper.path, try CommandRunner.binary().path, archive,
                                            "REDACTED", PlantedSecrets.all[1]], executable: URL(fileURLWithPath: "/usr/bin/timeout"))
        #expect(result.status == 0, "\(result.stderr.suffix(600))")
        let answers = result.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(answers.count == 2 && (answers.first?["hits"] as? [Any])?.isEmpty == false, "\(result.stdout.prefix(400))")
        #expect((answers.last?["hits"] as? [Any])?.isEmpty == true, "the secret itself is found by nothing")
        // The first line: the hits for the marker (the second line echoes its query, the secret).
        let first = String(result.stdout.split(separator: "\n").first ?? "")
        #expect(first.contains("[REDACTED:") && PlantedSecrets.leaks.found(in: Array(first.utf8)) == [])
    }

    @Test func secretsAreGoneFromEveryRowAndDumpOfPostgreSQLAndStayGone() async throws {
        try await withWorld { world in
            let folder = world.folder.path("archive").path
            let task = try await plant(world, archive: folder)
            try await TestDatabase.with { location in
                let archive = location.display
                let copy = try await CommandRunner.runDetached(["copy", "--from", folder, "--to", archive])
                #expect(copy.status == 0, "\(copy.stderr)")
                try await expectEveryRuleFound(world, archive: archive)
                #expect(try !PlantedSecrets.leaks.found(in: try TestDatabase.dump(location)).isEmpty, "the check finds nothing to begin with")

                _ = try await world.succeed(["redact", "--secrets", "--on-sync"], archive: archive)
                #expect(try PlantedSecrets.leaks.found(in: try TestDatabase.dump(location)) == [])
                try await expectNoneLeft(world, archive: archive, task: task)

                _ = try await world.succeed(["sync", "--full"], archive: archive)
                _ = try await world.succeed(["reply", task, PlantedSecrets.prompt], archive: archive)
                _ = try await world.succeed(["sync", "--full"], archive: archive)
                #expect(try PlantedSecrets.leaks.found(in: try TestDatabase.dump(location)) == [])
                try await expectNoneLeft(world, archive: archive, task: task)
            }
        }
    }
}

extension CommandWorld {
    /// Runs and expects success. `run` and `reply` print the agent's answer, which repeats the secrets:
    /// what they print is the server's, and only what they archive is checked; every other command's
    /// output must hold no secret.
    @discardableResult
    func succeed(_ arguments: [String], archive: String?, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let result = try await run(arguments, archive: archive)
        #expect(result.status == 0, "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        for secret in PlantedSecrets.all where !["run", "reply"].contains(arguments[0]) {
            #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret), "\(arguments) printed a secret",
                    sourceLocation: sourceLocation)
        }
        return result.stdout
    }
}
