public import ArchiveStore
import Foundation

/// A task's recorded stream, ready to be shown again: each event's text on the screen (`StreamScreen`,
/// as `run` showed it live) and when to show it (`ReplayTimeline`). `replay` plays it on a terminal,
/// `export --format asciicast` writes it as a recording, and `serve`'s player gets it as JSON. Pure.
public struct ReplayScript: Sendable {
    public struct Options: Sendable, Equatable {
        /// How many times faster than recorded; 0 shows everything at once.
        public var speed: Double = 1
        /// The longest pause played, in recorded seconds.
        public var idleLimit: Double = 2
        /// Only this attach session (counted from 1), or all of them one after another.
        public var session: Int?
        /// Start this many seconds into the replay (its time at 1×, long pauses already shortened):
        /// what came before is shown at once.
        public var from: Double = 0

        public init() {}
    }

    public struct Frame: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// A recorded event, by its type.
            case event(String)
            /// The line before an attach session after the first.
            case separator
        }

        /// Seconds from the start of the replay.
        public let at: Double
        /// What the screen gets ("" for an event that shows nothing).
        public let text: String
        public let kind: Kind
        /// The attach session, counted from 1.
        public let session: Int
        /// For a `tool_call` event, the tool it calls (players mark these on their time line).
        public let toolName: String?

        package init(at: Double, text: String, kind: Kind, session: Int, toolName: String?) {
            (self.at, self.text, self.kind, self.session, self.toolName) = (at, text, kind, session, toolName)
        }
    }

    public enum Problem: Error, Equatable, CustomStringConvertible {
        case noSuchSession(asked: Int, sessions: Int)

        public var description: String {
            switch self {
            case .noSuchSession(let asked, let sessions):
                "--session \(asked) is out of range: the task has \(sessions) recorded session\(sessions == 1 ? "" : "s")"
            }
        }
    }

    public let frames: [Frame]
    /// Attach sessions with recorded events, in the whole task (not only the one chosen).
    public let sessionCount: Int
    /// When the first event shown was received, in seconds since 1970.
    public let startedAt: Double?

    /// The played length, in seconds.
    public var duration: Double { frames.last?.at ?? 0 }

    /// - Parameter events: the task's events in arrival order, session by session (`ArchiveReader.events`).
    public init(events: [StoredEvent], taskID: String, options: Options = Options()) throws(Problem) {
        var sessions: [[StoredEvent]] = []
        var times: [[Date]] = []
        for event in events {
            let received = Date(timeIntervalSince1970: Timestamp.seconds(event.receivedAt) ?? times.last?.last?.timeIntervalSince1970 ?? 0)
            if sessions.isEmpty || sessions[sessions.count - 1][0].session != event.session {
                sessions.append([])
                times.append([])
            }
            sessions[sessions.count - 1].append(event)
            times[times.count - 1].append(received)
        }
        sessionCount = sessions.count
        var numbers = Array(1...max(1, sessions.count))
        if let chosen = options.session {
            guard chosen >= 1, chosen <= sessions.count else { throw .noSuchSession(asked: chosen, sessions: sessions.count) }
            (sessions, times, numbers) = ([sessions[chosen - 1]], [times[chosen - 1]], [chosen])
        }
        startedAt = times.first?.first?.timeIntervalSince1970

        // Times at 1×; `from` and the speed apply after, so `from` means the same at every speed.
        let timeline = ReplayTimeline(sessions: times, speed: 1, idleLimit: options.idleLimit)
        func played(_ at: Double) -> Double {
            options.speed > 0 ? max(0, at - options.from) / options.speed : 0
        }
        var screen = StreamScreen(tagged: false)
        var frames = timeline.frames.map { frame in
            switch frame.item {
            case .event(let session, let index):
                let event = sessions[session][index]
                return Frame(at: played(frame.at), text: screen.text(type: event.type, data: event.data, taskID: taskID),
                             kind: .event(event.type), session: numbers[session],
                             toolName: StreamScreen.toolName(type: event.type, data: event.data))
            case .separator(let session, let unwatched):
                let line = "── session \(numbers[session]) · not watched for \(Self.span(unwatched)) ──"
                return Frame(at: played(frame.at), text: screen.line(line, taskID: taskID), kind: .separator,
                             session: numbers[session], toolName: nil)
            }
        }
        if screen.endsMidLine, let last = frames.last {
            // The screen ends with a newline, as `run` ends its live output with one.
            frames[frames.count - 1] = Frame(at: last.at, text: last.text + "\n", kind: last.kind, session: last.session, toolName: last.toolName)
        }
        self.frames = frames
    }

    /// Everything the replay shows, at once.
    public var text: String { frames.map(\.text).joined() }

    /// A length of time as people say it: `45 s`, `3 min 12 s`, `2 h 5 min`, `3 days 4 h`.
    public static func span(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        let (days, hours, minutes, secs) = (whole / 86_400, whole % 86_400 / 3_600, whole % 3_600 / 60, whole % 60)
        if days > 0 { return "\(days) day\(days == 1 ? "" : "s")" + (hours > 0 ? " \(hours) h" : "") }
        if hours > 0 { return "\(hours) h" + (minutes > 0 ? " \(minutes) min" : "") }
        if minutes > 0 { return "\(minutes) min" + (secs > 0 ? " \(secs) s" : "") }
        return "\(secs) s"
    }
}

extension ReplayScript {
    /// The replay as an asciicast v2 recording: the header, then one output line per frame that shows
    /// something, its newlines written as a terminal receives them (`\r\n`).
    public func asciicast(title: String, idleLimit: Double, width: Int = 100, height: Int = 30) -> String {
        let cast = Asciicast(width: width, height: height, timestamp: Int(startedAt ?? 0), idleTimeLimit: idleLimit, title: title)
        var out = cast.header + "\n"
        for frame in frames where !frame.text.isEmpty {
            out += Asciicast.output(at: frame.at, frame.text.replacingOccurrences(of: "\n", with: "\r\n")) + "\n"
        }
        return out
    }
}
