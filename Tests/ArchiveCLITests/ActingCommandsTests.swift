import ArchiveStore
import Foundation
import SigmicEmulator
import Testing
import TestSupport

/// `run`, `reply`, `approve`, `cancel` and `download` with the real binary against the emulator: each
/// archives what it did as it happens, so that the archive then equals what a fresh `sync` of the same
/// emulator gives. Its tests run one at a time: each starts several real binaries, and all of them at
/// once, beside the other suites, starved the in-process emulators of a 2-core machine.
@Suite(.serialized) struct ActingCommandsTests {
    struct World {
        let emulator: Emulator
        let folder: TempFolder
        var env: [String: String] { environment(archive: "a") }

        func environment(archive name: String) -> [String: String] {
            ["SIGMIC_BASE_URL": emulator.baseURL, "SIGMIC_API_KEY": emulator.keys[0], "SIGMIC_ARCHIVE": folder.path(name).path]
        }

        func run(_ arguments: [String], archive name: String = "a") async throws -> CommandResult {
            try await CommandRunner.runDetached(arguments, environment: environment(archive: name))
        }

        /// The archive `a` equals a fresh sync of the emulator into a new folder (`syncArguments` for that
        /// sync: `--wait 0` where a task is left waiting on purpose, so that the sync does not follow it).
        func expectArchiveEqualsAFreshSync(_ label: String, syncArguments: [String] = [],
                                           sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let fresh = "fresh-\(UUID().uuidString.prefix(8))"
            let sync = try await run(["sync"] + syncArguments, archive: fresh)
            #expect(sync.status == 0, "\(sync.stderr)", sourceLocation: sourceLocation)
            let ours = try contentDump(Archive.open(at: folder.path("a")))
            let theirs = try contentDump(Archive.open(at: folder.path(fresh)))
            #expect(ours == theirs, "\(label): \(firstDifference(ours, theirs))", sourceLocation: sourceLocation)
        }
    }

    /// `startDelay`: how long a new task waits before its run starts; long enough for `run` to attach
    /// first even on a loaded machine, where the test wants to see the live events.
    func withWorld<T>(startDelay: Double = 0.05, clock: (any EmulatorClock)? = nil, _ body: (World) async throws -> T) async throws -> T {
        var config = EmulatorConfiguration()
        if let clock { config.clock = clock }
        config.tasksPerKey = 4
        config.statusMix = [("completed", 1)]
        config.stepInterval = 0.005
        config.startDelay = startDelay
        let emulator = try await Emulator.start(config)
        let world = World(emulator: emulator, folder: try TempFolder("cli-acting"))
        do {
            let result = try await body(world)
            await emulator.shutdown()
            return result
        } catch {
            await emulator.shutdown()
            throw error
        }
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    @Test func runWithASystemPromptAndTwoFilesIsArchivedAsASyncWouldArchiveIt() async throws {
        // Time stands still until `run` is watching its task, so its live events are all seen, however
        // loaded the machine.
        let clock = ManualClock()
        try await withWorld(clock: clock) { world in
            #expect(try await world.run(["sync"]).status == 0)
            let a = world.folder.path("notes.txt")
            let b = world.folder.path("q3.csv")
            try Data("first file\n".utf8).write(to: a)
            try Data("month,revenue\nJan,1.2\n".utf8).write(to: b)
            async let running = world.run(["run", "What is 2+2?", "--system-prompt", "Answer briefly", "--file", a.path,
                                           "--file", b.path, "--json"])
            let watched = await world.emulator.world.waitForAnySubscriber()
            await drive(clock, world: world, task: watched)
            let result = try await running
            #expect(result.status == 0, "\(result.stderr)")
            let outcome = try json(result.stdout)
            let id = try #require(outcome["id"] as? String)
            #expect(outcome["status"] as? String == "completed")
            #expect(outcome["queued"] as? Bool == false)
            #expect((outcome["finalResponse"] as? String)?.isEmpty == false)
            let archive = try Archive.open(at: world.folder.path("a"))
            let task = try await archive.task(matching: id)
            #expect(task.systemPrompt == "Answer briefly")
            // The live event log was recorded as it arrived, as `sync` records a running task.
            let events = try await archive.events(of: task.rowID)
            #expect(events.contains { $0.type == "content" } && events.contains { $0.type == "done" })
            let remote = try #require(await world.emulator.world.snapshot(key: 0).first { $0.id == id })
            #expect(remote.files.contains { $0.path.hasSuffix("notes.txt") } && remote.files.contains { $0.path.hasSuffix("q3.csv") })
            try await world.expectArchiveEqualsAFreshSync("after run")
        }
    }

    @Test func replyFollowsTheTaskAgainAndIsArchivedAsASyncWouldArchiveIt() async throws {
        try await withWorld { world in
            #expect(try await world.run(["sync"]).status == 0)
            let created = try json(try await world.run(["run", "Summarise the quarter", "--json"]).stdout)
            let id = try #require(created["id"] as? String)
            let reply = try await world.run(["reply", String(id.prefix(8)), "Now chart it", "--json"])
            #expect(reply.status == 0, "\(reply.stderr)")
            #expect(try json(reply.stdout)["status"] as? String == "completed")
            let archive = try Archive.open(at: world.folder.path("a"))
            await #expect(try archive.messages(of: archive.task(matching: id).rowID).filter { $0.role == "user" }.count == 2)
            try await world.expectArchiveEqualsAFreshSync("after reply")
        }
    }

    @Test func aReplyToAnExpiredSessionSaysTheAPIRestoredIt() async throws {
        try await withWorld { world in
            #expect(try await world.run(["sync"]).status == 0)
            let id = try #require(await world.emulator.world.snapshot(key: 0).first?.id)
            await world.emulator.world.expireSession(task: id)
            let reply = try await world.run(["reply", id, "Are you still there?"])
            #expect(reply.status == 0, "\(reply.stderr)")
            #expect(reply.stderr.contains("the task's session had expired; the API restored it"), "\(reply.stderr)")
            let again = try await world.run(["reply", id, "And now?"])
            #expect(!again.stderr.contains("session had expired"), "\(again.stderr)")
        }
    }

    @Test func cancelArchivesTheCancellation() async throws {
        // Runs start after 60 s here: the task is still pending when it is cancelled.
        try await withWorld(startDelay: 60) { world in
            #expect(try await world.run(["sync"]).status == 0)
            let detached = try json(try await world.run(["run", "A long job", "--detach", "--json"]).stdout)
            let long = try #require(detached["id"] as? String)
            let cancel = try await world.run(["cancel", long, "--json"])
            #expect(cancel.status == 0, "\(cancel.stderr)")
            #expect(try json(cancel.stdout)["status"] as? String == "cancelled")
            await #expect(try Archive.open(at: world.folder.path("a")).task(matching: long).status == .cancelled)
            try await world.expectArchiveEqualsAFreshSync("after cancel")
        }
    }

    @Test func offATerminalAToolCallWaitsForAnApproveCommand() async throws {
        try await withWorld { world in
            for deny in [false, true] {
                let result = try await world.run(["run", "Plot the numbers", "--no-auto-execute"])
                #expect(result.status == 4, "\(result.stderr)")
                let command = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(command.hasPrefix("sigmic-archive approve "), "\(result.stdout)")
                let words = command.split(separator: " ").map(String.init)
                let (id, call) = (words[2], words[3])
                await #expect(try Archive.open(at: world.folder.path("a")).task(matching: id).status == .awaitingApproval)
                let answer = try await world.run(["approve", id, call, "--json"] + (deny ? ["--deny"] : []))
                #expect(answer.status == 0, "\(answer.stderr)")
                let reply = try json(answer.stdout)
                #expect(reply["outcome"] as? String == (deny ? "cancel" : "proceed_once"))
                // The run goes on past the answered call.
                await world.emulator.world.waitForStatus(id, ["completed", "failed", "awaiting_approval"])
            }
        }
    }

    /// While another process writes to the archive (a `watch`), `run` does not wait for it: it follows the
    /// task without archiving it, and the next sync archives it.
    @Test func whileAnotherProcessWritesRunFollowsWithoutArchiving() async throws {
        try await withWorld { world in
            #expect(try await world.run(["sync"]).status == 0)
            let archive = try Archive.open(at: world.folder.path("a"))
            var held: ArchiveLock? = try ArchiveLock.acquire(archive, purpose: "watch")
            let result = try await world.run(["run", "What is 2+2?", "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("the archive is busy (watch (pid \(getpid())) is writing): following task"), "\(result.stderr)")
            let outcome = try json(result.stdout)
            #expect(outcome["status"] as? String == "completed" && outcome["finalResponse"] as? String == "2+2 equals 4.", "\(outcome)")
            let id = try #require(outcome["id"] as? String)
            await #expect((try? archive.task(matching: id)) == nil, "nothing was written while another process held the archive")
            #expect(held != nil)
            held = nil
            #expect(try await world.run(["sync"]).status == 0)
            await #expect(try archive.task(matching: id).status == .completed)
        }
    }

    /// A run that reaches its tool call before `run` attaches sends no `tool_call` again: the waiting
    /// call is known from the task's pending approvals, and `run` still stops there (not a week later).
    @Test(.timeLimit(.minutes(1)))
    func aCallAwaitingApprovalBeforeAttachingIsStillSeen() async throws {
        try await withWorld(startDelay: 0.001) { world in
            let result = try await world.run(["run", "Plot the numbers", "--no-auto-execute"])
            #expect(result.status == 4, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("sigmic-archive approve "), "\(result.stdout)")
        }
    }

    /// On a terminal, each tool call is put to the user: `y` runs it, `n` rejects it, and the run goes on.
    @Test(arguments: ["y", "n"])
    func onATerminalEachToolCallIsAskedAndAnswered(answer: String) async throws {
        try await withWorld(startDelay: 0.5) { world in
            let helper = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Helpers/pty_run.py")
            let binary = try CommandRunner.binary()
            let result = try await CommandRunner.runDetached(
                ["python3", helper.path, answer, binary.path, "run", "Plot the numbers", "--no-auto-execute"],
                executable: URL(fileURLWithPath: "/usr/bin/env"), environment: world.env)
            let outcome = try json(result.stdout)
            let shown = outcome["shown"] as? String ?? ""
            #expect(outcome["exit"] as? Int == 0, "\(shown.suffix(2000)) \(result.stderr)")
            #expect((outcome["prompts"] as? Int ?? 0) >= 1, "\(shown.suffix(2000))")
            #expect(shown.contains(answer == "y" ? "approved call_" : "denied call_"), "\(shown.suffix(2000))")
            let archive = try Archive.open(at: world.folder.path("a"))
            let task = try await #require(try archive.tasks(TaskFilter()).first)
            #expect(task.status == .completed)
            let calls = try await archive.messages(of: archive.task(matching: task.id).rowID).compactMap(\.toolCallsJSON).joined()
            #expect(calls.contains(answer == "y" ? #""status":"success""# : "Rejected by user"), "\(calls.prefix(1000))")
        }
    }

    /// With time standing still in the emulator, the task is the same before and after each command, so
    /// the archive can be compared with a fresh sync at three points: left awaiting approval by `run`,
    /// just after `approve` (or `--deny`), and once the run has gone on and a sync archived its end.
    @Test(arguments: [false, true])
    func approveIsArchivedAsASyncWouldArchiveIt(deny: Bool) async throws {
        let clock = ManualClock()
        try await withWorld(clock: clock) { world in
            #expect(try await world.run(["sync"]).status == 0)
            async let running = world.run(["run", "Plot the numbers", "--no-auto-execute"])
            let watched = await world.emulator.world.waitForAnySubscriber()
            await drive(clock, world: world, task: watched)
            let result = try await running
            #expect(result.status == 4, "\(result.stderr)")
            let words = result.stdout.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            let (id, call) = (words[2], words[3])
            try await world.expectArchiveEqualsAFreshSync("awaiting approval", syncArguments: ["--wait", "0"])

            let answer = try await world.run(["approve", id, call, "--json"] + (deny ? ["--deny"] : []))
            #expect(answer.status == 0, "\(answer.stderr)")
            let archive = try Archive.open(at: world.folder.path("a"))
            await #expect(try archive.task(matching: id).status != .awaitingApproval)
            try await world.expectArchiveEqualsAFreshSync("after approve", syncArguments: ["--wait", "0"])

            await drive(clock, world: world, task: id)
            #expect(try await world.run(["sync"]).status == 0)
            let calls = try await archive.messages(of: archive.task(matching: id).rowID).compactMap(\.toolCallsJSON).joined()
            #expect(calls.contains(deny ? "Rejected by user" : #""status":"success""#), "\(calls.prefix(1000))")
            try await world.expectArchiveEqualsAFreshSync("after the run went on")
        }
    }

    /// Moves the emulator's clock until the task has left `pending` and `running` (finished, or awaiting
    /// an approval). Time stops then: a clock driven for longer spins on the stream's heartbeat and takes
    /// threads the other suites need. The end is awaited as a status change, not checked between
    /// steps: a run can end, and its stream close, between a check and the next step, leaving nothing
    /// asleep on the clock to step.
    func drive(_ clock: ManualClock, world: World, task id: String) async {
        let driver = clock.drive(step: 0.01)
        await world.emulator.world.waitForStatus(id, ["completed", "failed", "cancelled", "awaiting_approval"])
        driver.cancel()
        await driver.value
    }

    /// Downloading every listed file, one by one, into an archive synced without them gives the archive
    /// a full sync gives.
    @Test func downloadingEveryFileIsArchivedAsASyncWouldArchiveIt() async throws {
        try await withWorld { world in
            #expect(try await world.run(["sync", "--no-artifacts"]).status == 0)
            let files = await world.emulator.world.snapshot(key: 0).flatMap { task in task.files.map { (task.id, $0.path) } }
            #expect(files.count >= 2)
            for (id, path) in files {
                let fetched = try await world.run(["download", id, path, "-o", world.folder.path("out-\(UUID().uuidString)").path])
                #expect(fetched.status == 0, "\(fetched.stderr)")
            }
            try await world.expectArchiveEqualsAFreshSync("after downloading every file")
        }
    }

    @Test func downloadWritesFromTheArchiveOrFetchesAndArchivesFirst() async throws {
        try await withWorld { world in
            #expect(try await world.run(["sync", "--no-artifacts"]).status == 0)
            let remote = try #require(await world.emulator.world.snapshot(key: 0).first { !$0.files.isEmpty })
            let file = remote.files[0]
            let out = world.folder.path("out.bin")
            let fetched = try await world.run(["download", remote.id, file.path, "-o", out.path])
            #expect(fetched.status == 0, "\(fetched.stderr)")
            #expect(try Data(contentsOf: out) == Data(file.bytes))
            let archive = try Archive.open(at: world.folder.path("a"))
            await #expect(try archive.artifacts(of: archive.task(matching: remote.id).rowID).first { $0.path == file.path }?.isStored == true)
            // Now from the archive alone: the emulator is gone.
            await world.emulator.shutdown()
            let offline = try await world.run(["download", String(remote.id.prefix(8)), file.path, "-o", "-"])
            #expect(offline.status == 0, "\(offline.stderr)")
            #expect(Data(offline.stdout.utf8) == Data(file.bytes) || file.bytes.isEmpty || String(bytes: file.bytes, encoding: .utf8) == nil)
            let again = try await world.run(["download", remote.id, file.path, "-o", out.path])
            #expect(again.status == 1 && again.stderr.contains("exists"), "\(again.stderr)")
        }
    }

    @Test func badInputIsOneLineAndSendsNothing() async throws {
        try await withWorld { world in
            #expect(try await world.run(["sync"]).status == 0)
            let before = await world.emulator.world.snapshot(key: 0).count
            let existing = try #require(await world.emulator.world.snapshot(key: 0).first?.id)
            let cases: [([String], String)] = [
                (["run", "hello", "--file", world.folder.path("missing.txt").path], "no such file"),
                (["run", "   "], "MESSAGE is empty"),
                (["reply", "ffffffff", "more"], "no task matches"),
                (["cancel", "zz-nothing"], "no task matches"),
                (["download", existing, "downloads/none.txt", "-o", world.folder.path("x").path], "has no file"),
            ]
            for (arguments, expected) in cases {
                let result = try await world.run(arguments)
                #expect(result.status != 0, "\(arguments)")
                #expect(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
                #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
            }
            var wrongKey = world.env
            wrongKey["SIGMIC_API_KEY"] = "sigmic_" + String(repeating: "7", count: 64)
            let refused = try await CommandRunner.runDetached(["run", "hello"], environment: wrongKey)
            #expect(refused.status == 1 && refused.stderr.contains("rejected the key"), "\(refused.stderr)")
            #expect(!refused.stderr.contains(String(repeating: "7", count: 20)))
            #expect(await world.emulator.world.snapshot(key: 0).count == before, "nothing was created")
            // A task that is still running takes no follow-up: the API's answer, in one line.
            let detached = try json(try await world.run(["run", "Keep going", "--detach", "--json"]).stdout)
            let id = try #require(detached["id"] as? String)
            let busy = try await world.run(["reply", id, "more"])
            if busy.status != 0 {
                #expect(busy.stderr.contains("HTTP 400"), "\(busy.stderr)")
                #expect(busy.stderr.split(separator: "\n").count == 1)
            }
        }
    }
}

/// The first line where two dumps differ, for a readable failure.
/// The lines only one of two dumps has (a few of each), to say how they differ.
func firstDifference(_ a: String, _ b: String) -> String {
    let (left, right) = (a.split(separator: "\n"), b.split(separator: "\n"))
    let (onlyLeft, onlyRight) = (left.filter { !Set(right).contains($0) }, right.filter { !Set(left).contains($0) })
    if onlyLeft.isEmpty && onlyRight.isEmpty { return left.count == right.count ? "none" : "\(left.count) lines ≠ \(right.count) lines" }
    return "only ours: \(onlyLeft.prefix(4).map { $0.prefix(300) })\nonly a fresh sync's: \(onlyRight.prefix(4).map { $0.prefix(300) })"
}
