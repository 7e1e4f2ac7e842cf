import ArchivePostgres
import ArchiveStore
import Foundation
import SigmicEmulator
import Testing
import TestSupport

/// `sync` into PostgreSQL with the real binary against the emulator: the database reads as an archive
/// folder synced from the same server reads — every task's `show --json`, the task list, the files —
/// however many syncers write at once, whatever faults the server injects, and after syncers are
/// killed mid-run.
@Suite
struct PostgresSyncTests {
    struct Rig {
        let emulator: Emulator
        let folder: TempFolder

        func environment(key: Int) -> [String: String] {
            // The download spool goes in the test's folder, not the user's cache.
            ["SIGMIC_BASE_URL": emulator.baseURL, "SIGMIC_API_KEY": emulator.keys[key], "XDG_CACHE_HOME": folder.path("cache").path]
        }

        /// `sync` until it succeeds (a fault can leave a task for the next run, as it would for a user).
        func syncToTheEnd(_ archive: String, key: Int, extra: [String] = []) async throws -> CommandResult {
            var last: CommandResult?
            for _ in 0..<6 {
                let result = try await CommandRunner.runDetached(["sync", "--archive", archive] + extra, environment: environment(key: key))
                if result.status == 0 { return result }
                last = result
            }
            return try #require(last)
        }
    }

    func withRig<T>(keys: Int, tasks: Int, faults: Double, hostileNames: Bool = false, _ body: (Rig) async throws -> T) async throws -> T {
        var config = EmulatorConfiguration()
        config.hostileArtifactNames = hostileNames
        config.keyCount = keys
        config.tasksPerKey = tasks
        config.statusMix = [("completed", 3), ("failed", 1), ("cancelled", 1)]
        config.faults.serverErrorRate = faults
        config.faults.truncateDownloadRate = faults
        config.seed = 21
        let emulator = try await Emulator.start(config)
        let rig = Rig(emulator: emulator, folder: try TempFolder("postgres-sync"))
        do {
            let result = try await body(rig)
            await emulator.shutdown()
            return result
        } catch {
            await emulator.shutdown()
            throw error
        }
    }

    /// `show --json` without the time each archive last synced the task, which is its own.
    func withoutSyncTimes(_ result: CommandResult) -> String {
        result.stdout.replacing(/"lastSyncedAt": "[^"]*"/, with: "\"lastSyncedAt\": _")
    }

    /// The differences between the database and an archive folder synced from the same server: the
    /// task list, and each task as `show --json` prints it.
    func differences(_ url: String, _ folder: String) async throws -> [String] {
        var problems: [String] = []
        let listed = try await CommandRunner.runDetached(["tasks", "--json", "--limit", "0", "--archive", folder])
        let listedThere = try await CommandRunner.runDetached(["tasks", "--json", "--limit", "0", "--archive", url])
        if listedThere.status != 0 || listedThere.stdout != listed.stdout { problems.append("tasks differ: \(listedThere.stderr)") }
        let ids = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]]).compactMap { $0["id"] as? String }
        if ids.isEmpty { problems.append("the folder has no tasks") }
        for id in ids {
            let here = try await CommandRunner.runDetached(["show", id, "--json", "--archive", folder])
            let there = try await CommandRunner.runDetached(["show", id, "--json", "--archive", url])
            if there.status != 0 || withoutSyncTimes(there) != withoutSyncTimes(here) {
                let line = zip(withoutSyncTimes(here).split(separator: "\n"), withoutSyncTimes(there).split(separator: "\n")).first { $0 != $1 }
                problems.append("\(id) differs: \(there.stderr)\(line.map { "\($0.0) ≠ \($0.1)" } ?? "")")
            }
        }
        return problems
    }

    @Test func aSyncIntoPostgreSQLReadsAsASyncIntoAFolder() async throws {
        // The first task's files have hostile names: `../x`, NUL, case and NFC/NFD twins.
        try await withRig(keys: 1, tasks: 24, faults: 0, hostileNames: true) { rig in
            let folder = rig.folder.path("a").path
            try await TestDatabase.with { location in
                let url = location.display
                let synced = try await CommandRunner.runDetached(["sync", "--archive", url, "--json"], environment: rig.environment(key: 0))
                #expect(synced.status == 0, "\(synced.stderr)")
                let report = try #require(try JSONSerialization.jsonObject(with: Data(synced.stdout.utf8)) as? [String: Any])
                #expect((report["tasks"] as? [String: Int])?["new"] == 24, "\(report)")
                #expect(try await rig.syncToTheEnd(folder, key: 0).status == 0)

                let problems = try await differences(url, folder)
                #expect(problems.isEmpty, "\(problems.prefix(3))")
                // Every file arrived whole, streamed in from the spool, and the spool is empty again.
                let blobs = try await TestDatabase.rows(location, """
                    SELECT b.sha256, encode(sha256(string_agg(c.data, ''::bytea ORDER BY c.chunk)), 'hex')
                    FROM blob b JOIN blob_chunk c ON c.sha256 = b.sha256 GROUP BY b.sha256
                    """)
                #expect(!blobs.isEmpty && blobs.allSatisfy { $0[0] == $0[1] }, "\(blobs.prefix(3))")
                let spooled = FileManager.default.enumerator(atPath: rig.folder.path("cache").path)?
                    .compactMap { $0 as? String }.filter { $0.hasSuffix("lock") == false && $0.count > 60 } ?? []
                #expect(spooled.isEmpty, "left in the spool: \(spooled.prefix(3))")
                let verified = try await CommandRunner.runDetached(["verify", "--archive", url])
                #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")

                // `export` writes the same files from both, transcripts and artifacts (the JSON transcript
                // keeps each archive's own sync times).
                for (format, query) in [("markdown", nil), ("json", "the")] as [(String, String?)] {
                    var trees: [[String: Data]] = []
                    for source in [folder, url] {
                        let out = rig.folder.path("export-\(format)-\(trees.count)")
                        let exported = try await CommandRunner.runDetached(["export", "--format", format, "--with-artifacts", "-o", out.path, "--archive", source]
                                                                           + (query.map { ["--query", $0] } ?? ["--all"]))
                        #expect(exported.status == 0, "\(exported.stderr)")
                        var files: [String: Data] = [:]
                        for case let relative as String in try #require(FileManager.default.enumerator(atPath: out.path)) {
                            var isFolder: ObjCBool = false
                            let path = out.appending(path: relative).path
                            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue {
                                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                                files[relative] = Data(String(decoding: data, as: UTF8.self).replacing(/"lastSyncedAt": "[^"]*"/, with: "_").utf8)
                            }
                        }
                        trees.append(files)
                    }
                    #expect(trees[0].count > 24 && trees[0] == trees[1],
                            "\(format): \(trees[0].count) vs \(trees[1].count) files; first different: \(trees[0].keys.sorted().first { trees[0][$0] != trees[1][$0] } ?? "-")")
                }

                // Synced again with nothing changed: nothing is fetched, nothing written.
                let again = try await CommandRunner.runDetached(["sync", "--archive", url, "--json"], environment: rig.environment(key: 0))
                let second = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any], "\(again.stderr)")
                #expect((second["tasks"] as? [String: Int]) == ["new": 0, "updated": 0, "unchanged": 24, "failed": 0], "\(second)")

                // Search finds what the folder's search finds.
                let query = "the"
                let found = try await CommandRunner.runDetached(["search", query, "--json", "--limit", "0", "--archive", url])
                let foundHere = try await CommandRunner.runDetached(["search", query, "--json", "--limit", "0", "--archive", folder])
                let ids = { (text: String) in
                    Set(((try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [[String: Any]] ?? []).compactMap { $0["taskId"] as? String })
                }
                #expect(!ids(found.stdout).isEmpty && ids(found.stdout) == ids(foundHere.stdout), "\(found.stderr)")
            }
        }
    }

    /// Two and four syncers at once, two keys, 20 % of requests failing and 20 % of downloads cut
    /// short: the database holds each task once, exactly as a folder synced from the same server.
    /// With four, two syncers share each key, so the same tasks race; in three rounds first the four
    /// are killed at random instants, then they run to the end.
    @Test(arguments: [2, 4])
    func severalSyncersAtOnceLeaveOneExactArchive(syncers: Int) async throws {
        try await withRig(keys: 2, tasks: 30, faults: 0.2) { rig in
            let folder = rig.folder.path("reference").path
            for key in 0..<2 {
                let reference = try await rig.syncToTheEnd(folder, key: key)
                #expect(reference.status == 0, "\(reference.stderr)")
            }
            try await TestDatabase.with { location in
                let url = location.display
                var killed = 0
                // With four, rounds of SIGKILL first (SIGMIC_CRASH_ROUNDS of them; tools/soak runs many).
                let rounds = syncers == 4 ? Int(ProcessInfo.processInfo.environment["SIGMIC_CRASH_ROUNDS"] ?? "") ?? 3 : 0
                for _ in 0..<rounds {
                    killed += try await withThrowingTaskGroup(of: Bool.self) { group in
                        for index in 0..<syncers {
                            group.addTask {
                                try await CommandRunner.killAfter(Double.random(in: 0.1...0.8), ["sync", "--archive", url, "--jobs", "4"],
                                                                  environment: rig.environment(key: index % 2))
                            }
                        }
                        return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
                    }
                }
                let results = try await withThrowingTaskGroup(of: CommandResult.self) { group in
                    for index in 0..<syncers {
                        group.addTask { try await rig.syncToTheEnd(url, key: index % 2) }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(results.allSatisfy { $0.status == 0 }, "\(results.map { $0.stderr.prefix(300) })")

                let counts = try await TestDatabase.rows(location, """
                    SELECT (SELECT count(*) FROM task)::text, (SELECT count(DISTINCT (account_id, remote_id)) FROM task)::text,
                           (SELECT count(*) FROM account)::text,
                           (SELECT count(*) FROM search_doc)::text, (SELECT count(DISTINCT (kind, message_id, artifact_id, body)) FROM search_doc)::text
                    """)
                #expect(counts.first?[0] == "60" && counts.first?[1] == "60" && counts.first?[2] == "2", "\(counts)")
                #expect(counts.first?[3] == counts.first?[4], "duplicate search entries: \(counts)")
                let problems = try await differences(url, folder)
                #expect(problems.isEmpty, "\(problems.prefix(3))")
                let verified = try await CommandRunner.runDetached(["verify", "--archive", url])
                #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
                if rounds > 0 { #expect(killed > 0, "no syncer was still running when killed") }
                print("postgres syncers: \(syncers) at once, \(rounds) kill rounds, \(killed) syncers killed mid-run, the database equal to a folder sync")
            }
        }
    }

    /// A running task followed live by a sync into PostgreSQL: its events are recorded as they come,
    /// and once it settles it reads as a folder synced afterwards reads it. Time stands still until the
    /// sync is watching, so the whole run is seen however loaded the machine.
    @Test func aRunningTaskIsFollowedLiveIntoPostgreSQL() async throws {
        let clock = ManualClock()
        try await withEmulatorWorld(tasks: 2, label: "postgres-live", clock: clock) { emulator, folder in
            let archive = folder.path("a").path
            let env = ["SIGMIC_BASE_URL": emulator.baseURL, "SIGMIC_API_KEY": emulator.keys[0], "XDG_CACHE_HOME": folder.path("cache").path]
            let started = try await CommandRunner.runDetached(["run", "What is 2+2?", "--detach", "--json", "--archive", archive], environment: env)
            let id = try #require((try? JSONSerialization.jsonObject(with: Data(started.stdout.utf8)) as? [String: Any])?["id"] as? String,
                                  "\(started.stdout)\(started.stderr)")
            try await TestDatabase.with { location in
                let url = location.display
                async let synced = CommandRunner.runDetached(["sync", "--task", id, "--wait", "120", "--archive", url], environment: env)
                let watched = await emulator.world.waitForAnySubscriber()
                let driver = clock.drive(step: 0.01)
                await emulator.world.waitForStatus(watched, ["completed", "failed", "cancelled"])
                driver.cancel()
                await driver.value
                let result = try await synced
                #expect(result.status == 0, "\(result.stderr)")

                let shown = try await CommandRunner.runDetached(["show", id, "--json", "--events", "--archive", url])
                let document = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any], "\(shown.stderr)")
                let types = (document["events"] as? [[String: Any]] ?? []).compactMap { $0["type"] as? String }
                #expect(types.contains("content") && types.last == "done", "\(types)")
                let messages = document["messages"] as? [[String: Any]] ?? []
                #expect((messages.last?["content"] as? String)?.contains("4") == true, "\(messages)")

                #expect(try await CommandRunner.runDetached(["sync", "--archive", archive], environment: env).status == 0)
                let here = try await CommandRunner.runDetached(["show", id, "--json", "--archive", archive])
                let there = try await CommandRunner.runDetached(["show", id, "--json", "--archive", url])
                #expect(withoutSyncTimes(there) == withoutSyncTimes(here))
            }
        }
    }
}
