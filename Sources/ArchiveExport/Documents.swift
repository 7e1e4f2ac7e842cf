public import ArchiveStore
import Foundation

/// The JSON documents `tasks --json`, `search --json` and `show --json` print, written once here so that
/// `serve`'s `/api/…` answers are the same bytes. Each is returned without its final newline (the
/// command prints one; the server adds one).
public enum Documents {
    /// The task list: runs waiting in the outbox first, then archived tasks. `compact` leaves out the
    /// indentation, for readers that are programs (an agent pays for every character of its context).
    public static func taskList(_ tasks: [TaskSummary], queued: [QueuedTask] = [], compact: Bool = false) throws -> String {
        let list = queued.map(ListedTask.queued) + tasks.map(ListedTask.task)
        return compact ? try encoded(list, formatting: [.sortedKeys, .withoutEscapingSlashes]) : try pretty(list)
    }

    /// Search hits, each with its snippet's matches in [brackets].
    public static func searchHits(_ hits: [SearchHit], compact: Bool = false) -> String {
        let tree = JSONTree.array(hits.map(searchHit))
        return compact ? tree.compact : tree.pretty
    }

    /// A task's whole transcript.
    public static func transcript(_ transcript: Transcript) -> String {
        transcript.json.pretty
    }

    public static func searchHit(_ hit: SearchHit) -> JSONTree {
        .object([
            ("taskId", .string(hit.taskID)), ("taskTitle", .optional(hit.taskTitle)),
            ("messageId", .optional(hit.messageID)), ("kind", .string(hit.kind.rawValue)), ("role", .optional(hit.role)),
            ("toolName", .optional(hit.toolName)), ("artifactPath", .optional(hit.artifactPath)),
            ("createdAt", .optional(hit.createdAt)), ("snippet", .string(marked(hit.snippet))),
            ("score", .number(sixDecimals(hit.score))), ("match", .string(hit.match.rawValue)),
        ])
    }

    /// The snippet's match markers as `open`/`close` (brackets unless told otherwise). The markers are
    /// ASCII control bytes, which never occur inside another character's UTF-8 and always stand alone as
    /// characters, so the text between them is copied in runs rather than character by character
    /// (grapheme breaking was a twelfth of a rare-term search request in `serve`).
    public static func marked(_ snippet: String, open: String = "[", close: String = "]") -> String {
        let bytes = snippet.utf8
        var out = ""
        out.reserveCapacity(bytes.count)
        var runStart = bytes.startIndex
        for index in bytes.indices {
            let byte = bytes[index]
            guard byte == 0x02 || byte == 0x03 else { continue }
            out += snippet[runStart..<index]
            out += byte == 0x02 ? open : close
            runStart = bytes.index(after: index)
        }
        out += snippet[runStart...]
        return out
    }

    /// `%.6f` through C's formatter: the same digits as `String(format:)`, without its NSString
    /// machinery (a twentieth of a rare-term search request).
    static func sixDecimals(_ value: Double) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            let length = withVaList([value]) { vsnprintf(buffer.baseAddress!, 64, "%.6f", $0) }
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress!, count: Int(max(0, min(length, 63)))),
                          as: UTF8.self)
        }
    }

    /// Sorted keys and unescaped slashes, so output is stable for scripts and tests.
    public static func pretty<T: Encodable>(_ value: T) throws -> String {
        try encoded(value, formatting: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    private static func encoded<T: Encodable>(_ value: T, formatting: JSONEncoder.OutputFormatting) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = formatting
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// A task of the list: archived, or waiting in the outbox.
    public enum ListedTask: Encodable {
        case task(TaskSummary)
        case queued(QueuedTask)

        public func encode(to encoder: any Encoder) throws {
            switch self {
            case .task(let task): try task.encode(to: encoder)
            case .queued(let task): try task.encode(to: encoder)
            }
        }
    }
}

extension Documents {
    /// `replay --json` and `serve`'s `/api/tasks/ID/events`: the replay at 1× as a player needs it —
    /// `{"task", "speed", "idleLimit", "duration", "sessions", "frames": [{"at", "session", "type",
    /// "text", "tool"}]}`, one frame per recorded event (and a `separator` frame before each session
    /// after the first), `text` what the screen gets (StreamScreen's rendering), `tool` the tool a
    /// `tool_call` calls.
    public static func replay(_ script: ReplayScript, taskID: String, options: ReplayScript.Options) -> String {
        let frames = script.frames.map { frame -> JSONTree in
            let type: String
            switch frame.kind {
            case .event(let name): type = name
            case .separator: type = "separator"
            }
            return .object([
                ("at", .number(sixDecimals(frame.at))), ("session", .int(frame.session)), ("type", .string(type)),
                ("text", .string(frame.text)), ("tool", .optional(frame.toolName)),
            ])
        }
        return JSONTree.object([
            ("task", .string(taskID)), ("speed", .number(sixDecimals(options.speed))),
            ("idleLimit", .number(sixDecimals(options.idleLimit))), ("duration", .number(sixDecimals(script.duration))),
            ("sessions", .int(script.sessionCount)), ("frames", .array(frames)),
        ]).pretty
    }
}
