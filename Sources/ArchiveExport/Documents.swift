public import ArchiveStore
import Foundation

/// The JSON documents `tasks --json`, `search --json` and `show --json` print, written once here so that
/// `serve`'s `/api/…` answers are the same bytes. Each is returned without its final newline (the
/// command prints one; the server adds one).
public enum Documents {
    /// The task list: runs waiting in the outbox first, then archived tasks.
    public static func taskList(_ tasks: [TaskSummary], queued: [QueuedTask] = []) throws -> String {
        try pretty(queued.map(ListedTask.queued) + tasks.map(ListedTask.task))
    }

    /// Search hits, each with its snippet's matches in [brackets].
    public static func searchHits(_ hits: [SearchHit]) -> String {
        JSONTree.array(hits.map(searchHit)).pretty
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
            ("score", .number(String(format: "%.6f", hit.score))), ("match", .string(hit.match.rawValue)),
        ])
    }

    /// The snippet's match markers as `open`/`close` (brackets unless told otherwise).
    public static func marked(_ snippet: String, open: String = "[", close: String = "]") -> String {
        var out = ""
        for character in snippet {
            switch character {
            case SearchHit.matchStart: out += open
            case SearchHit.matchEnd: out += close
            default: out.append(character)
            }
        }
        return out
    }

    /// Sorted keys and unescaped slashes, so output is stable for scripts and tests.
    public static func pretty<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
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
