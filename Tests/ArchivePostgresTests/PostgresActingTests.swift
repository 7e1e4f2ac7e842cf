import ArchivePostgres
import Foundation
import SigmicEmulator
import Testing
import TestSupport

/// The acting commands with a PostgreSQL archive, against the emulator: `run` (with a file), `reply`,
/// `run --no-auto-execute` then `approve`, and `download`, after which the database reads as an archive
/// folder synced from the same server; `cancel`; and `run`, `reply` and `cancel` while the API cannot
/// be reached: queued in the database's outbox, then sent exactly once by the next `sync`.
@Suite
struct PostgresActingTests {
    func json(_ result: CommandResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)\(result.stderr)")
    }

    @Test func actingCommandsArchiveIntoPostgreSQLAsIntoAFolder() async throws {
        let emulator = try await Emulator.start(Self.configuration())
        let folder = try TempFolder("postgres-acting")
        try await TestDatabase.with { location in
            let url = location.display
            let env = ["SIGMIC_BASE_URL": emulator.baseURL, "SIGMIC_API_KEY": emulator.keys[0], "SIGMIC_ARCHIVE": url,
                       "XDG_CACHE_HOME": folder.path("cache").path]
            func run(_ arguments: [String], environment: [String: String] = env) async throws -> CommandResult {
                try await CommandRunner.runDetached(arguments, environment: environment)
            }
            #expect(try await run(["sync"]).status == 0)

            let notes = folder.path("notes.txt")
            try Data("first file\n".utf8).write(to: notes)
            let ran = try json(try await run(["run", "What is 2+2?", "--file", notes.path, "--json"]))
            let id = try #require(ran["id"] as? String)
            #expect(ran["status"] as? String == "completed" && ran["finalResponse"] as? String == "2+2 equals 4.", "\(ran)")
            let replied = try await run(["reply", id, "And per month?", "--json"])
            #expect(replied.status == 0, "\(replied.stderr)")

            let waiting = try await run(["run", "Plot the numbers", "--no-auto-execute"])
            #expect(waiting.status == 4, "\(waiting.stderr)")
            let words = waiting.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").map(String.init)
            #expect(words.count == 4 && words[1] == "approve", "\(waiting.stdout)")
            let approved = try json(try await run(["approve", words[2], words[3], "--json"]))
            #expect(approved["outcome"] as? String == "proceed_once", "\(approved)")
            await emulator.world.waitForStatus(words[2], ["completed", "failed"])

            let remote = try #require(await emulator.world.snapshot(key: 0).first { !$0.files.isEmpty })
            let file = try #require(remote.files.first)
            let out = folder.path("downloaded")
            let downloaded = try await run(["download", remote.id, file.path, "-o", out.path])
            #expect(downloaded.status == 0, "\(downloaded.stderr)")
            #expect(try Data(contentsOf: out) == Data(file.bytes))

            // The approved run went on after `approve` archived it: a sync brings it up to date. The
            // database then reads as a folder synced afterwards from the same server.
            #expect(try await run(["sync"]).status == 0)
            let reference = folder.path("reference").path
            var fresh = env
            fresh["SIGMIC_ARCHIVE"] = reference
            #expect(try await run(["sync"], environment: fresh).status == 0)
            let listedHere = try await run(["tasks", "--json", "--limit", "0"], environment: fresh)
            let listedThere = try await run(["tasks", "--json", "--limit", "0"])
            #expect(listedThere.stdout == listedHere.stdout)
            let ids = try #require(try JSONSerialization.jsonObject(with: Data(listedHere.stdout.utf8)) as? [[String: Any]]).compactMap { $0["id"] as? String }
            #expect(ids.count == 5, "\(ids.count) tasks")
            for task in ids {
                let here = try await run(["show", task, "--json"], environment: fresh)
                let there = try await run(["show", task, "--json"])
                let strip = { (text: String) in text.replacing(/"lastSyncedAt": "[^"]*"/, with: "_") }
                let line = zip(strip(here.stdout).split(separator: "\n"), strip(there.stdout).split(separator: "\n")).first { $0 != $1 }
                #expect(there.status == 0 && strip(there.stdout) == strip(here.stdout), "\(task): \(there.stderr) \(line.map { "\($0.0) ≠ \($0.1)" } ?? "")")
            }
            let verified = try await run(["verify"])
            #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        }
        await emulator.shutdown()
    }

    static func configuration(startDelay: Double = 0.05) -> EmulatorConfiguration {
        var config = EmulatorConfiguration()
        config.tasksPerKey = 3
        config.statusMix = [("completed", 1)]
        config.stepInterval = 0.005
        config.startDelay = startDelay
        return config
    }

    @Test func cancelIsArchived() async throws {
        // Runs start after 60 s here: the task is still pending when it is cancelled.
        let emulator = try await Emulator.start(Self.configuration(startDelay: 60))
        let folder = try TempFolder("postgres-cancel")
        try await TestDatabase.with { location in
            let env = ["SIGMIC_BASE_URL": emulator.baseURL, "SIGMIC_API_KEY": emulator.keys[0], "SIGMIC_ARCHIVE": location.display,
                       "XDG_CACHE_HOME": folder.path("cache").path]
            let detached = try json(try await CommandRunner.runDetached(["run", "A long job", "--detach", "--json"], environment: env))
            let id = try #require(detached["id"] as? String)
            let cancelled = try json(try await CommandRunner.runDetached(["cancel", id, "--json"], environment: env))
            #expect(cancelled["status"] as? String == "cancelled", "\(cancelled)")
            let shown = try json(try await CommandRunner.runDetached(["show", id, "--json"], environment: env))
            #expect((shown["task"] as? [String: Any])?["status"] as? String == "cancelled")
        }
        await emulator.shutdown()
    }

    @Test func whatIsDoneOfflineIsQueuedInTheDatabaseAndSentOnce() async throws {
        let folder = try TempFolder("postgres-outbox")
        let first = try await Emulator.start(Self.configuration())
        let port = try #require(URLComponents(string: first.baseURL)?.port)
        try await TestDatabase.with { location in
            let env = ["SIGMIC_BASE_URL": first.baseURL, "SIGMIC_API_KEY": first.keys[0], "SIGMIC_ARCHIVE": location.display,
                       "XDG_CACHE_HOME": folder.path("cache").path]
            let run = { (arguments: [String]) in try await CommandRunner.runDetached(arguments, environment: env) }
            #expect(try await run(["sync"]).status == 0)
            let listed = try #require(try JSONSerialization.jsonObject(with: Data(try await run(["tasks", "--json"]).stdout.utf8)) as? [[String: Any]])
            let earlier = try #require(listed.first?["id"] as? String)
            await first.shutdown()

            // The API is gone: each action is queued in the database, with its file, and exits 75.
            let notes = folder.path("notes.txt")
            try Data("numbers for later\n".utf8).write(to: notes)
            let queued = try await run(["run", "Summarise the offline notes", "--file", notes.path, "--json"])
            #expect(queued.status == 75 && queued.stdout.contains(#""queued" : true"#), "\(queued.stdout)\(queued.stderr)")
            #expect(try await run(["reply", earlier, "And offline?"]).status == 75)
            let outbox = try #require(try JSONSerialization.jsonObject(with: Data(try await run(["outbox", "--json"]).stdout.utf8)) as? [[String: Any]])
            #expect(outbox.count == 2 && outbox.allSatisfy { $0["state"] as? String == "queued" }, "\(outbox)")

            // The queued run is a local task, as on a folder: `tasks --json`, `show outbox-N` and `serve` agree
            // (PostgreSQL's `tasks` and `show` once left it out).
            let queuedID = try #require(outbox.first { $0["kind"] as? String == "create" }?["id"] as? Int)
            let tasksJSON = try await run(["tasks", "--json"])
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(tasksJSON.stdout.utf8)) as? [[String: Any]])
            #expect(rows.first?["id"] as? String == "outbox-\(queuedID)" && rows.first?["status"] as? String == "queued", "\(rows.first ?? [:])")
            let shownQueued = try await run(["show", "outbox-\(queuedID)", "--json"])
            #expect(shownQueued.status == 0 && shownQueued.stdout.contains("Summarise the offline notes"), "\(shownQueued.stderr)")
            let server = try ServeProcess(archive: location.display)
            let served = try #require(try JSONSerialization.jsonObject(with: try await server.get("/api/tasks").body) as? [[String: Any]])
            #expect(served.compactMap { $0["id"] as? String } == rows.compactMap { $0["id"] as? String }, "serve lists what `tasks --json` lists")

            // The API is back (the same world on the same port): the next sync sends each once.
            let second = try await Emulator.start(Self.configuration(), port: port)
            let synced = try await run(["sync"])
            #expect(synced.status == 0, "\(synced.stderr)")
            #expect(try await run(["sync"]).status == 0)
            let created = await second.world.snapshot(key: 0).filter { $0.messages.first?.content == "Summarise the offline notes" }
            #expect(created.count == 1 && created.first?.files.contains { $0.path.hasSuffix("notes.txt") } == true, "created \(created.count) times")
            let followed = await second.world.snapshot(key: 0).first { $0.id == earlier }?.messages.filter { $0.content == "And offline?" }
            #expect(followed?.count == 1)
            let sent = try #require(try JSONSerialization.jsonObject(with: Data(try await run(["outbox", "--all", "--json"]).stdout.utf8)) as? [[String: Any]])
            #expect(sent.count == 2 && sent.allSatisfy { $0["state"] as? String == "sent" }, "\(sent)")
            let shown = try await run(["show", try #require(created.first?.id), "--json"])
            #expect(shown.status == 0 && shown.stdout.contains("Summarise the offline notes"), "\(shown.stderr)")
            await second.shutdown()
        }
    }
}
