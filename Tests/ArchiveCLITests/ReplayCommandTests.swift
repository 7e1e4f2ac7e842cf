import ArchiveStore
import Foundation
import SigmicEmulator
import Testing
import TestSupport

/// `replay` and `export --format asciicast` with the real binary: a run followed live by `run` on a
/// terminal replays to the same screen; the recording is read by asciinema; on a terminal the replay
/// keeps the recorded pace (÷ speed), pauses on space and stops cleanly on Ctrl-C or q.
@Suite(.serialized) struct ReplayCommandTests {
    static let helpers = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Helpers")

    /// Runs `arguments` of the binary on a terminal, pressing `keys` (seconds after the first output).
    static func onATerminal(_ arguments: [String], keys: [String] = [], shell: String? = nil,
                            environment: [String: String] = [:]) async throws -> (exit: Int, shown: String, chunks: [[Double]]) {
        let binary = try CommandRunner.binary().path
        let command = shell.map { ["sh", "-c", $0.replacingOccurrences(of: "BIN", with: binary)] } ?? [binary] + arguments
        let result = try await CommandRunner.runDetached(
            ["python3", helpers.appending(path: "pty_keys.py").path] + keys.flatMap { ["--key", $0] } + ["--"] + command,
            executable: URL(fileURLWithPath: "/usr/bin/env"), environment: environment)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
        let shown = (object["shown"] as? String ?? "").replacingOccurrences(of: "\r\n", with: "\n")
        return (object["exit"] as? Int ?? -1, shown, object["chunks"] as? [[Double]] ?? [])
    }

    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// A scripted emulator run — status, a thought, streamed content, a tool call that needs approval
    /// (answered y on the terminal), its result, more content, a file, the end — followed by `run` on a
    /// terminal. `replay --speed 0` prints the screen `run` showed, without `run`'s own lines (its notes
    /// and the approval question); the asciicast export plays to the same text in `asciinema cat`.
    @Test(.timeLimit(.minutes(2)))
    func aLiveRunReplaysToTheScreenItShowed() async throws {
        try MachinePart.python(["asciinema"]).require()
        var config = EmulatorConfiguration()
        (config.tasksPerKey, config.statusMix, config.stepInterval, config.startDelay) = (1, [("completed", 1)], 0.02, 0.5)
        let emulator = try await Emulator.start(config)
        defer { Task { await emulator.shutdown() } }
        let folder = try TempFolder("replay-live")
        let env = ["SIGMIC_BASE_URL": emulator.baseURL, "SIGMIC_API_KEY": emulator.keys[0], "SIGMIC_ARCHIVE": folder.path("a").path]

        let binary = try CommandRunner.binary().path
        let live = try await CommandRunner.runDetached(
            ["python3", Self.helpers.appending(path: "pty_run.py").path, "y", binary, "run", "Plot the numbers", "--no-auto-execute"],
            executable: URL(fileURLWithPath: "/usr/bin/env"), environment: env)
        let outcome = try #require(try JSONSerialization.jsonObject(with: Data(live.stdout.utf8)) as? [String: Any])
        let screen = (outcome["shown"] as? String ?? "").replacingOccurrences(of: "\r\n", with: "\n")
        #expect(outcome["exit"] as? Int == 0 && outcome["prompts"] as? Int == 1, "\(screen)")
        let archive = try Archive.open(at: folder.path("a"))
        let task = try #require(try await archive.tasks(TaskFilter()).first { $0.title == "Plot the numbers" })

        let replay = try await CommandRunner.runDetached(["replay", task.id, "--speed", "0"], environment: env)
        #expect(replay.status == 0, "\(replay.stderr)")
        let ownLines = ["sigmic-archive: ", "approve? [y/N]", "tool run_shell wants to run with ", "tool note wants to run with "]
        // The answer typed at the question is echoed on a line of its own.
        let shownByRun = Self.lines(screen).filter { line in line != "y" && !ownLines.contains { line.hasPrefix($0) } }
        #expect(Self.lines(replay.stdout) == shownByRun, "replay:\n\(replay.stdout)\nrun:\n\(screen)")
        // What the script has: a thought, a call awaiting approval and its result, streamed text, the end.
        for part in ["status: processing", "thinking: ", "awaits approval: sigmic-archive approve \(task.id) call_", "tool result: ", "done"] {
            #expect(replay.stdout.contains(part), "\(part) in \(replay.stdout)")
        }

        let cast = folder.path("run.cast").path
        let export = try await CommandRunner.runDetached(["export", task.id, "--format", "asciicast", "-o", cast], environment: env)
        #expect(export.status == 0, "\(export.stderr)")
        let checked = try await CommandRunner.runDetached(["python3", Self.helpers.appending(path: "asciicast_check.py").path, cast],
                                                          executable: URL(fileURLWithPath: "/usr/bin/env"))
        let read = try #require(try JSONSerialization.jsonObject(with: Data(checked.stdout.utf8)) as? [String: Any], "\(checked.stderr)")
        #expect(read["exit"] as? Int == 0 && (read["problems"] as? [String])?.isEmpty == true, "\(read)")
        let header = read["header"] as? [String: Any] ?? [:]
        #expect(header["idle_time_limit"] as? Double == 2 && header["title"] as? String == "Plot the numbers", "\(header)")
        let played = (read["shown"] as? String ?? "").replacingOccurrences(of: "\r", with: "")
        #expect(played == replay.stdout, "asciinema cat:\n\(played)\nreplay:\n\(replay.stdout)")
        let again = try await CommandRunner.runDetached(["export", task.id, "--format", "asciicast", "-o", "-"], environment: env)
        #expect(again.stdout == (try String(contentsOfFile: cast, encoding: .utf8)), "the same recording, byte for byte")
    }

    /// `RecordedRun`: 10 events half a second apart (4.5 s). At `--speed 4` on a terminal, the first
    /// output to the last takes 4.5 / 4 s ± 20 %. (The pacing itself is proved exactly on a hand-moved
    /// clock in `ReplayPlayerTests`; this is the real program on a real terminal.)
    @Test func onATerminalTheReplayKeepsTheRecordedPaceDividedByTheSpeed() async throws {
        let folder = try TempFolder("replay-pace")
        try RecordedRun.create(at: folder.path("a"), sessions: [RecordedRun.evenlySpaced(steps: 10, interval: 0.5)])
        let env = ["SIGMIC_ARCHIVE": folder.path("a").path]
        let played = try await Self.onATerminal(["replay", RecordedRun.taskID, "--speed", "4"], environment: env)
        #expect(played.exit == 0, "\(played.shown)")
        let took = (played.chunks.last?[0] ?? 0) - (played.chunks.first?[0] ?? 0)
        #expect(abs(took - 1.125) <= 0.2 * 1.125, "took \(took) s: \(played.chunks)")
        #expect(played.shown.hasSuffix("piece 4 \ndone\n"), "\(played.shown)")

        // Space 0.4 s in, space again a second later: nothing is shown meanwhile, and the rest follows.
        let paused = try await Self.onATerminal(["replay", RecordedRun.taskID, "--speed", "4"], keys: ["0.4:space", "1.4:space"], environment: env)
        let first = paused.chunks.first?[0] ?? 0
        let during = paused.chunks.filter { $0[0] > first + 0.5 && $0[0] < first + 1.35 }
        #expect(during.isEmpty, "output while paused: \(paused.chunks)")
        let pausedTook = (paused.chunks.last?[0] ?? 0) - first
        #expect(abs(pausedTook - 2.125) <= 0.2 * 2.125, "took \(pausedTook) s: \(paused.chunks)")
        #expect(paused.shown == played.shown, "a pause changes when, not what")
    }

    /// Ctrl-C (or q) stops a replay at once: exit 0, a note, and the terminal as it was (keys echo and
    /// wait for Enter again). The shell around it survives Ctrl-C (`trap`) to print the exit status and
    /// the terminal's modes.
    @Test(arguments: ["ctrl-c", "q"])
    func ctrlCOrQStopsCleanlyAndGivesTheTerminalBack(key: String) async throws {
        let folder = try TempFolder("replay-stop")
        try RecordedRun.create(at: folder.path("a"), sessions: [RecordedRun.evenlySpaced(steps: 20, interval: 1)])
        let stopped = try await Self.onATerminal([], keys: ["0.5:\(key)"],
                                                 shell: "trap : INT; BIN replay \(RecordedRun.taskID); echo \"exit $?\"; stty -a",
                                                 environment: ["SIGMIC_ARCHIVE": folder.path("a").path])
        #expect(stopped.shown.contains("sigmic-archive: replay stopped\nexit 0\n"), "\(stopped.shown)")
        #expect(!stopped.shown.contains("done\n"), "stopped before the end: \(stopped.shown)")
        let modes = stopped.shown.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" }).map(String.init)
        #expect(modes.contains("icanon") && modes.contains("echo"), "the terminal's modes after: \(stopped.shown)")
    }

    /// Off a terminal the replay prints at once, however long the recorded pauses (here 5 minutes, all
    /// kept by --idle-limit 600); a task synced after it ran says so and prints its transcript.
    @Test(.timeLimit(.minutes(1)))
    func offATerminalEverythingIsPrintedAtOnce() async throws {
        let folder = try TempFolder("replay-pipe")
        var session = RecordedRun.evenlySpaced(steps: 6, interval: 1)
        session[5].at = 300
        try RecordedRun.create(at: folder.path("a"), sessions: [session])
        try RecordedRun.create(at: folder.path("a"), id: "ffff6666-0000-4000-8000-00000000000f", sessions: [])
        let env = ["SIGMIC_ARCHIVE": folder.path("a").path]
        let replay = try await CommandRunner.runDetached(["replay", RecordedRun.taskID, "--idle-limit", "600"], environment: env)
        #expect(replay.status == 0 && replay.stdout.hasSuffix("piece 0 \ndone\n"), "\(replay.stdout) \(replay.stderr)")

        let json = try await CommandRunner.runDetached(["replay", RecordedRun.taskID, "--idle-limit", "600", "--json"], environment: env)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(document["duration"] as? Double == 300 && document["sessions"] as? Int == 1, "\(document)")
        let frames = document["frames"] as? [[String: Any]] ?? []
        #expect(frames.compactMap { $0["text"] as? String }.joined() == replay.stdout)
        #expect(frames.compactMap { $0["tool"] as? String } == ["run_shell"])

        let unrecorded = try await CommandRunner.runDetached(["replay", "ffff6666"], environment: env)
        #expect(unrecorded.status == 0, "\(unrecorded.stderr)")
        #expect(unrecorded.stderr.contains("has no recorded live events"), "\(unrecorded.stderr)")
        #expect(unrecorded.stdout.contains("Task        ffff6666-0000-4000-8000-00000000000f") && unrecorded.stdout.contains("all pieces"),
                "\(unrecorded.stdout)")
    }

    /// Two sessions an hour apart play one after the other with the line between them; `--session`
    /// plays one; events whose data is not JSON show as their raw text; markup and escape sequences in
    /// events are text on the terminal.
    @Test func sessionsRawDataAndHostileTextOfTheHostileTask() async throws {
        let folder = try TempFolder("replay-hostile")
        try HostileArchive.create(at: folder.path("a"))
        let env = ["SIGMIC_ARCHIVE": folder.path("a").path]
        let replay = try await CommandRunner.runDetached(["replay", HostileArchive.taskID, "--speed", "0"], environment: env)
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stdout == """
            status: <b>processing</b>
            thinking: <img src=x onerror=alert('thought-event')>
            <script>alert('screen')</script> 
            tool <img src=x onerror=alert('mark')>: executing
            tool result: success
            content: raw <b>not json</b>
            ␛]0;owned␇ escapes shown
            done
            ── session 2 · not watched for 1 h ──
            status: processing
            tool grep: executing
            second session
            done

            """, "\(replay.stdout)")
        #expect(!replay.stdout.utf8.contains(0x1B), "no escape byte reaches the terminal")
        let second = try await CommandRunner.runDetached(["replay", HostileArchive.taskID, "--session", "2", "--speed", "0"], environment: env)
        #expect(second.stdout == "status: processing\ntool grep: executing\nsecond session\ndone\n", "\(second.stdout)")
    }

    /// One line and exit 64 for a bad option, exit 1 for what the archive does not hold.
    @Test(arguments: [
        (["replay", "nope"], 1, "no task matches"),
        (["replay", HostileArchive.taskID, "--session", "3"], 1, "--session 3 is out of range: the task has 2 recorded sessions"),
        (["replay", HostileArchive.taskID, "--session", "0"], 64, "--session counts from 1"),
        (["replay", HostileArchive.taskID, "--speed=-1"], 64, "--speed takes times from 0 to 1000; got -1"),
        (["replay", HostileArchive.taskID, "--speed", "inf"], 64, "--speed takes times"),
        (["replay", HostileArchive.taskID, "--idle-limit", "nan"], 64, "--idle-limit takes seconds"),
        (["replay", HostileArchive.taskID, "--from", "1:75"], 64, "--from takes seconds, m:ss or h:mm:ss"),
        (["replay", HostileArchive.taskID, "--from", "-3"], 64, "Missing value for '--from <time>'"),
        (["export", "--all", "--format", "asciicast", "-o", "many.cast"], 1, "-o many.cast writes one task, and 4 were chosen"),
        (["export", HostileArchive.taskID, "--format", "asciicast", "--with-artifacts", "-o", "dir"], 64, "--with-artifacts goes with Markdown"),
    ])
    func badInputIsOneLine(arguments: [String], status: Int32, message: String) async throws {
        let folder = try TempFolder("replay-bad")
        try HostileArchive.create(at: folder.path("a"))
        let result = try await CommandRunner.runDetached(arguments, environment: ["SIGMIC_ARCHIVE": folder.path("a").path])
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty, "\(result.stdout)")
        if status == 1 { #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)") }
    }
}
