import ArchiveExport
import ArchiveStore
import ArgumentParser
import Foundation
import Pacing
import Synchronization

struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Watch an archived run again as it happened: its live events, paced as they were received (offline).",
        discussion: """
            The task's recorded stream is shown as `run` showed it live — status lines, thoughts, tool calls, \
            approvals, the answer as it streamed — at the pace its events were received, with pauses longer \
            than --idle-limit shortened to it. Several attach sessions play one after another, with a line \
            saying how long the task was not watched between them. On a terminal, space pauses and resumes, \
            q or Ctrl-C stops. Off a terminal, or with --speed 0, everything is printed at once. A task \
            synced after it ran (no recorded events) prints its transcript instead. --json prints the \
            replay's frames (each event's time and text), as `serve`'s player reads them.
            """)

    @OptionGroup var options: ArchiveOptions

    @Argument(help: "The task id or a unique prefix of it.")
    var id: String
    @Option(help: ArgumentHelp("How many times faster than recorded; 0 prints everything at once.", valueName: "times"))
    var speed = 1.0
    @Option(help: ArgumentHelp("The longest pause played, in recorded seconds.", valueName: "seconds"))
    var idleLimit = 2.0
    @Option(help: ArgumentHelp("Play only this attach session (1 is the first).", valueName: "number"))
    var session: Int?
    @Option(help: ArgumentHelp("Start this far into the replay (seconds, m:ss or h:mm:ss, at 1× with long pauses shortened); what came before is printed at once.",
                               valueName: "time"))
    var from: String?
    @Flag(help: "Print the replay's frames as JSON.")
    var json = false

    func validate() throws {
        try NumberOption.check(speed, option: "--speed", in: 0...1_000, unit: "times")
        try NumberOption.check(idleLimit, option: "--idle-limit", in: 0...NumberOption.week, unit: "seconds")
        if let session, session < 1 { throw ValidationError("--session counts from 1; got \(session)") }
        if let from, Self.seconds(from) == nil {
            throw ValidationError("--from takes seconds, m:ss or h:mm:ss (like 90 or 1:30); got \(String(reflecting: from))")
        }
    }

    var replayOptions: ReplayScript.Options {
        var options = ReplayScript.Options()
        (options.speed, options.idleLimit, options.session) = (speed, idleLimit, session)
        options.from = from.flatMap(Self.seconds) ?? 0
        return options
    }

    func run() async throws {
        let archive = try await options.openReader()
        let task = try await archive.task(matching: id)
        let events = try await archive.events(of: task.rowID)
        let script: ReplayScript
        do {
            script = try ReplayScript(events: events, taskID: task.remoteID, options: replayOptions)
        } catch {
            throw CLIError(description: "task \(task.remoteID): \(error)")
        }
        if json {
            Terminal.print(Documents.replay(script, taskID: task.remoteID, options: replayOptions))
            return
        }
        guard !events.isEmpty else {
            Terminal.note("task \(task.remoteID) has no recorded live events (it was archived after it ran, not followed); its transcript:")
            let transcript = try await Transcript.load(task, from: archive)
            Terminal.print(Show.render(transcript, full: false, style: Show.Style(colour: Terminal.useColour)))
            return
        }
        guard Terminal.stdoutIsTerminal, speed > 0 else {
            FileHandle.standardOutput.write(Data(script.text.utf8))
            return
        }
        try await play(script)
    }

    /// Plays on the terminal until the end, q or Ctrl-C; space pauses.
    func play(_ script: ReplayScript) async throws {
        let clock = Stopwatch.continuous
        let control = PlaybackControl(clock: clock)
        let midLine = Mutex(false)
        let player = ReplayPlayer(clock: clock, control: control) { text in
            FileHandle.standardOutput.write(Data(text.utf8))
            midLine.withLock { $0 = !text.hasSuffix("\n") }
        }
        let stop = Interrupts.first()
        let playing = Task { try await player.play(script.frames) }
        let keys = KeyPresses.start { key in
            switch key {
            case UInt8(ascii: " "): Task { await control.toggle() }
            case UInt8(ascii: "q"), UInt8(ascii: "Q"): playing.cancel()
            default: break
            }
        }
        defer { keys?.restore() }
        let stopper = Task {
            await stop()
            playing.cancel()
        }
        defer { stopper.cancel() }
        do {
            try await playing.value
        } catch is CancellationError {
            keys?.restore()
            if midLine.withLock({ $0 }) { FileHandle.standardOutput.write(Data("\n".utf8)) }
            Terminal.note("replay stopped")
        }
    }

    /// `90`, `1:30` or `1:02:03` as seconds; nil for anything else.
    static func seconds(_ text: String) -> Double? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count) else { return nil }
        var total = 0.0
        for (index, part) in parts.enumerated() {
            guard let value = Double(part), value.isFinite, value >= 0, !part.contains("e"), !part.contains("E") else { return nil }
            // Every part but the first is below 60, as on a clock.
            if index > 0, value >= 60 { return nil }
            total = total * 60 + value
        }
        return total <= NumberOption.week ? total : nil
    }
}
