import ArchiveStore
import Foundation
import SigmicEmulator
import Testing
import TestSupport

/// Offline: with the API gone, `run`, `reply`, `approve` and `cancel` queue; with it back on the same
/// port, `sync` sends each exactly once and the archive equals a fresh sync.
@Suite(.serialized) struct OutboxTests {
    static func configuration() -> EmulatorConfiguration {
        var config = EmulatorConfiguration()
        config.tasksPerKey = 8
        config.statusMix = [("completed", 0.6), ("awaiting_approval", 0.4)]
        config.stepInterval = 0.005
        config.startDelay = 0.05
        return config
    }

    @Test func whatIsDoneOfflineIsSentOnceByTheNextSync() async throws {
        let folder = try TempFolder("cli-outbox")
        let first = try await Emulator.start(Self.configuration())
        let port = try #require(URLComponents(string: first.baseURL)?.port)
        let env = ["SIGMIC_BASE_URL": first.baseURL, "SIGMIC_API_KEY": first.keys[0], "SIGMIC_ARCHIVE": folder.path("a").path]
        let run = { (arguments: [String]) in try await CommandRunner.runDetached(arguments, environment: env) }
        #expect(try await run(["sync", "--wait", "0.5"]).status == 0)
        let archive = try Archive.open(at: folder.path("a"))
        let tasks = try await archive.tasks(TaskFilter())
        let completed = try #require(tasks.first { $0.status == .completed }).id
        let other = try #require(tasks.last { $0.status == .completed && $0.id != completed }).id
        let waiting = try await archive.task(matching: try #require(tasks.first { $0.status == .awaitingApproval }).id)
        let call = try #require(waiting.pendingApprovalsJSON.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [[String: Any]] }?
            .first?["callId"] as? String)
        await first.shutdown()

        // The API is gone: each action is queued, with exit status 75, and nothing else is touched.
        let upload = folder.path("notes.txt")
        try Data("numbers for later\n".utf8).write(to: upload)
        let queuedRun = try await run(["run", "Summarise these notes", "--file", upload.path, "--json"])
        #expect(queuedRun.status == 75, "\(queuedRun.stderr)")
        #expect(queuedRun.stdout.contains(#""queued" : true"#) && queuedRun.stdout.contains(#""outboxId" : 1"#), "\(queuedRun.stdout)")
        for arguments in [["reply", completed, "One more thing"], ["approve", waiting.remoteID, call], ["cancel", other]] {
            let result = try await run(arguments)
            #expect(result.status == 75, "\(arguments): \(result.stderr)")
            #expect(result.stdout.hasPrefix("queued: ") && result.stdout.contains("will be sent by the next sync"), "\(result.stdout)")
        }
        let listed = try await run(["outbox", "--json"])
        let items = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(items.map { $0["kind"] as? String } == ["create", "follow_up", "approve", "cancel"])
        #expect(items.allSatisfy { $0["state"] as? String == "queued" })
        #expect(!listed.stdout.contains(first.keys[0]))
        await #expect(try archive.outbox().first?.files.map(\.filename) == ["notes.txt"])
        // The queued run is a local task in `tasks` and `show` until it is sent.
        let listing = try await run(["tasks"])
        #expect(listing.stdout.split(separator: "\n").dropFirst().first?.hasPrefix("outbox-1  queued") == true, "\(listing.stdout)")
        let shown = try await run(["show", "outbox-1"])
        #expect(shown.status == 0 && shown.stdout.contains("Summarise these notes") && shown.stdout.contains("notes.txt"), "\(shown.stdout)")
        // The key is in no file of the archive.
        let key = Data(first.keys[0].utf8)
        for case let file as URL in FileManager.default.enumerator(at: folder.path("a"), includingPropertiesForKeys: nil)! {
            if let bytes = try? Data(contentsOf: file) { #expect(bytes.range(of: key) == nil, "\(file.lastPathComponent)") }
        }
        let stillOffline = try await run(["sync", "--wait", "1"])
        #expect(stillOffline.status != 0)
        await #expect(try archive.outbox().allSatisfy { $0.state == .queued }, "a failed connection sends nothing and loses nothing")

        // Back on the same port: the next sync sends each item once, in order, then archives them.
        let second = try await Emulator.start(Self.configuration(), port: port)
        let sync = try await run(["sync", "--wait", "1"])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(sync.stderr.contains("Outbox: 4 sent"), "\(sync.stderr)")
        let accepted = await second.world.acceptedRequests(key: 0)
        #expect(accepted.creates == 1 && accepted.followUps == 1)
        let sent = try await archive.outbox()
        #expect(sent.allSatisfy { $0.state == .sent }, "\(sent.map(\.state))")
        let created = try #require(sent.first?.remoteID)
        await #expect(try archive.task(matching: created).message == "Summarise these notes")
        await #expect(try archive.task(matching: other).status == .completed, "cancelling a finished task changes nothing")
        #expect(await second.world.snapshot(key: 0).first { $0.id == waiting.remoteID }?.status != "awaiting_approval")
        // Nothing is sent twice.
        #expect(try await run(["sync", "--wait", "1"]).status == 0)
        #expect(await second.world.acceptedRequests(key: 0) == accepted)
        #expect(try await run(["outbox"]).stdout.contains("Nothing waits"))
        #expect(!(try await run(["tasks"])).stdout.contains("outbox-1"), "once sent, it is the archived task")

        // `stats` counts the sent run, and one `run` online, as started through `run`; the rest elsewhere.
        #expect(try await run(["run", "What is 2+2?", "--json"]).status == 0)
        let stats = try await run(["stats", "--json"])
        let figures = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any], "\(stats.stderr)")
        let total = (figures["tasks"] as? [String: Any])?["total"] as? Int ?? 0
        #expect(figures["origins"] as? [String: Int] == ["run": 2, "elsewhere": total - 2], "\(figures["origins"] ?? "")")

        await second.shutdown()
    }

    @Test func anOldItemExpiresInsteadOfFiringLateUntilAskedFor() async throws {
        let folder = try TempFolder("cli-outbox-expiry")
        let first = try await Emulator.start(Self.configuration())
        let port = try #require(URLComponents(string: first.baseURL)?.port)
        let env = ["SIGMIC_BASE_URL": first.baseURL, "SIGMIC_API_KEY": first.keys[0], "SIGMIC_ARCHIVE": folder.path("a").path]
        let run = { (arguments: [String]) in try await CommandRunner.runDetached(arguments, environment: env) }
        #expect(try await run(["sync", "--wait", "0"]).status == 0)
        await first.shutdown()
        #expect(try await run(["run", "an instruction from long ago"]).status == 75)
        let second = try await Emulator.start(Self.configuration(), port: port)
        // An expiry of a ten-thousandth of a second: the item is already older than that.
        let late = try await run(["sync", "--wait", "0", "--outbox-expiry", "0.000000001"])
        #expect(late.status == 0, "\(late.stderr)")
        #expect(late.stderr.contains("1 expired"), "\(late.stderr)")
        #expect(await second.world.acceptedRequests(key: 0).creates == 0, "an expired item is not sent by a sync")
        #expect(try await run(["outbox"]).stdout.contains("expired"))
        let asked = try await run(["outbox", "send", "--expired"])
        #expect(asked.status == 0 && asked.stdout.contains("Outbox: 1 sent"), "\(asked.stdout) \(asked.stderr)")
        #expect(await second.world.acceptedRequests(key: 0).creates == 1)
        await second.shutdown()
    }

    @Test func anItemIsDroppedOnlyWhileItWaits() async throws {
        let folder = try TempFolder("cli-outbox-drop")
        let env = ["SIGMIC_BASE_URL": "http://127.0.0.1:\(try closedLoopbackPort())", "SIGMIC_API_KEY": "sigmic_" + String(repeating: "a", count: 64),
                   "SIGMIC_ARCHIVE": folder.path("a").path]
        let queued = try await CommandRunner.runDetached(["run", "later"], environment: env)
        #expect(queued.status == 75, "\(queued.stderr)")
        let drop = try await CommandRunner.runDetached(["outbox", "drop", "#1"], environment: env)
        #expect(drop.status == 0 && drop.stdout.contains("dropped #1"), "\(drop.stderr)")
        let again = try await CommandRunner.runDetached(["outbox", "drop", "1"], environment: env)
        #expect(again.status == 1 && again.stderr.contains("no outbox item #1 waits"), "\(again.stderr)")
        await #expect(try Archive.open(at: folder.path("a")).outbox().isEmpty)
    }

    /// Each outbox item's state, by id.
    func outboxStates(_ run: ([String]) async throws -> CommandResult) async throws -> [Int: String] {
        let items = try JSONSerialization.jsonObject(with: Data(try await run(["outbox", "--all", "--json"]).stdout.utf8)) as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: items.compactMap { item in (item["id"] as? Int).map { ($0, item["state"] as? String ?? "") } })
    }

    /// An item interrupted mid-send may still reach the server until its in-flight window ends: it is
    /// held until then, and so are the later items of its task, while other tasks' items and new runs
    /// are sent. `outbox send` and `outbox` say which item, why and until when — not "cannot be reached".
    @Test func anInterruptedSendHoldsOnlyItsOwnTaskAndSaysUntilWhen() async throws {
        let folder = try TempFolder("cli-outbox-held")
        let first = try await Emulator.start(Self.configuration())
        let port = try #require(URLComponents(string: first.baseURL)?.port)
        let env = ["SIGMIC_BASE_URL": first.baseURL, "SIGMIC_API_KEY": first.keys[0], "SIGMIC_ARCHIVE": folder.path("a").path]
        let run = { (arguments: [String]) in try await CommandRunner.runDetached(arguments, environment: env) }
        #expect(try await run(["sync", "--wait", "0.5"]).status == 0)
        let completed = try await Archive.open(at: folder.path("a")).tasks(TaskFilter()).filter { $0.status == .completed }.map(\.id)
        let (taskA, taskB) = (try #require(completed.first), try #require(completed.last))
        try #require(taskA != taskB)
        await first.shutdown()
        for arguments in [["reply", taskA, "first for A"], ["reply", taskB, "for B"], ["cancel", taskA], ["run", "a new run"]] {
            #expect(try await run(arguments).status == 75, "\(arguments)")
        }
        // #1's send began a moment ago and was cut off: its request may still be handled.
        let began = Timestamp.string(from: Date())
        try SQLiteShell.run(folder.path("a/archive.sqlite"), "UPDATE outbox SET state = 'sending', sending_at = '\(began)' WHERE id = 1")

        let second = try await Emulator.start(Self.configuration(), port: port)
        let held = try await run(["outbox", "send", "--in-flight", "3600"])
        #expect(held.status == 75, "\(held.stderr)")
        #expect(held.stdout.hasPrefix("Outbox: 2 sent, 2 still waiting\n") && !held.stdout.contains("cannot be reached"), "\(held.stdout)")
        #expect(held.stdout.contains("#1 was interrupted mid-send and may still reach the API: it is looked for there after ")
                && held.stdout.contains("#3 of the same task waits behind it"), "\(held.stdout)")
        let messages = { (id: String) async in await second.world.snapshot(key: 0).first { $0.id == id }?.messages.map(\.content) ?? [] }
        #expect(await messages(taskB).filter { $0 == "for B" }.count == 1, "another task's reply is not held")
        #expect(await second.world.snapshot(key: 0).contains { $0.messages.first?.content == "a new run" }, "a new run is not held")
        let afterFirst = try await outboxStates(run)
        #expect(afterFirst[1] == "sending" && afterFirst[2] == "sent" && afterFirst[3] == "queued" && afterFirst[4] == "sent",
                "the same task's cancel waits; another task's reply and a new run do not: \(afterFirst)")

        let listed = try await run(["outbox"])
        #expect(listed.stdout.contains("#1  sending") && listed.stdout.contains("looked for on the API after"), "\(listed.stdout)")
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(try await run(["outbox", "--json"]).stdout.utf8)) as? [[String: Any]])
        #expect(entries.first { $0["id"] as? Int == 1 }?["lookedForAfter"] is String && entries.first { $0["id"] as? Int == 3 }?["lookedForAfter"] == nil)

        // Once the window is over, #1 is looked for (absent: it never arrived), sent, and #3 follows in order.
        let rest = try await run(["outbox", "send", "--in-flight", "0"])
        #expect(rest.status == 0 && rest.stdout.hasPrefix("Outbox: 2 sent"), "\(rest.stdout)\(rest.stderr)")
        #expect(await messages(taskA).filter { $0 == "first for A" }.count == 1)
        let sent = try #require(try JSONSerialization.jsonObject(with: Data(try await run(["outbox", "--all", "--json"]).stdout.utf8)) as? [[String: Any]])
        let sentAt = { (id: Int) in sent.first { $0["id"] as? Int == id }?["sentAt"] as? String ?? "" }
        #expect(sent.allSatisfy { $0["state"] as? String == "sent" } && !sentAt(1).isEmpty && sentAt(1) <= sentAt(3),
                "the reply went first, then the cancel: \(sent)")
        await second.shutdown()
    }
}
