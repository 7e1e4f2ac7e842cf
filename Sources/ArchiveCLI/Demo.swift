import ArchiveStore
import ArchiveSync
import ArgumentParser
import Foundation
import SigmicAPI

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Try everything offline: start the bundled API emulator, sync it into a fresh archive, search it.",
        discussion: """
            Needs no key and no network: the emulator listens on 127.0.0.1 only and stops when the demo ends. \
            The archive goes to a new temporary folder unless --archive is given; your real archive is not touched.
            """)

    @Option(help: ArgumentHelp("Archive folder for the demo (default: a new temporary folder).", valueName: "dir"))
    var archive: String?
    @Option(help: "Tasks in the generated account.")
    var tasks = 60
    @Option(help: "Seed of the generated account.")
    var seed: UInt64 = 1

    func validate() throws {
        guard (1...10_000).contains(tasks) else { throw ValidationError("--tasks must be 1…10000") }
    }

    func run() async throws {
        let folder = archive.map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: NSTemporaryDirectory()).appending(path: "sigmic-archive-demo-\(UUID().uuidString.prefix(8).lowercased())")
        let emulator = try EmulatorProcess(arguments: ["--seed", String(seed), "--tasks", String(tasks),
                                                       "--step-interval", "0.15", "--start-delay", "0.3"],
                                           at: try SiblingProgram.emulator.locateOrBuild())
        defer { emulator.stop() }
        try await show(emulator: emulator, folder: folder)
    }

    private func show(emulator: EmulatorProcess, folder: URL) async throws {
        Terminal.print("1. Started the API emulator at \(emulator.baseURL) with \(tasks) generated tasks (seed \(seed)).")
        try await HTTPClientBox.with { http in
            let client = try SigmicClient(SigmicClient.Configuration(baseURL: emulator.baseURL, apiKey: emulator.keys[0]), httpClient: http.client)
            let id = try await client.createTask(CreateTaskRequest(message: "What are the three laws of robotics?"))
            Terminal.print("2. Created a new task \(id.prefix(8)) — it is running now, so the sync will follow it live.")
            let archive = try Archive.open(at: folder)
            let display = ProgressDisplay(enabled: Terminal.stderrIsTerminal)
            let engine = SyncEngine(archive: archive, client: client) { display.update($0) }
            var options = SyncEngine.Options()
            options.wait = 4
            let report = try await engine.run(options)
            display.finish()
            Terminal.print("3. Synced into \(folder.path):")
            Terminal.print("   " + Sync.summary(report))
            let query = try SearchQuery.parse("\"error budget\"")
            let hits = try await archive.search(query, options: SearchOptions(limit: 3))
            Terminal.print("4. Searched the archive, offline, for \"error budget\": \(hits.count == 3 ? "top 3" : "\(hits.count)") of the matches:")
            for hit in hits {
                let snippet = Search.highlight(hit.snippet, colour: false).split(whereSeparator: \.isNewline).joined(separator: " ")
                Terminal.print("   \(hit.taskID.prefix(8))  \(hit.kind.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(snippet.prefix(90))")
            }
            // What `sigmic-archive reply` does: a follow-up, followed live and archived as it runs.
            try await client.followUp(id, message: "Now in one sentence, please.")
            let lock = try ArchiveLock.acquire(archive, purpose: "demo")
            let ending = try await FollowedRun(archive: archive, client: client, live: false, interactive: false).follow(id, detach: false)
            withExtendedLifetime(lock) {}
            if case .settled(let task, let answer) = ending {
                Terminal.print("5. Replied to \(id.prefix(8)) as `sigmic-archive reply` does: followed live, every event archived; the task is \(task.status.rawValue).")
                if let answer { Terminal.print("   Its answer: " + answer.split(whereSeparator: \.isNewline).joined(separator: " ").prefix(100)) }
            }
            let status = try await archive.status()
            Terminal.print("6. The archive now holds \(status.tables["task"] ?? 0) tasks, \(status.tables["message"] ?? 0) messages, \(status.tables["stream_event"] ?? 0) live events and \(status.artifacts.stored) artifacts (\(Status.bytes(status.blobBytes))).")
            Terminal.print("""

                Try next (the emulator has stopped; everything below reads the archive only):
                  export SIGMIC_ARCHIVE=\(folder.path)
                  sigmic-archive tasks
                  sigmic-archive show \(id.prefix(8)) --events
                  sigmic-archive search 'deploy OR rollback -canary' --sort newest
                  sigmic-archive search 数据
                  sigmic-archive export --all -o \(folder.appending(path: "transcripts").path) --with-artifacts
                  sigmic-archive status
                  sigmic-archive verify
                  sigmic-archive outbox
                Read it in a browser with `sigmic-archive serve`, or give it to an AI agent with `sigmic-archive mcp`.
                To mirror a real account: export SIGMIC_API_KEY=sigmic_… and run `sigmic-archive sync`; to start work,
                `sigmic-archive run "…"` and `sigmic-archive reply ID "…"` (offline, they wait in the outbox).
                """)
        }
    }
}
