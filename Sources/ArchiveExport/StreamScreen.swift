import Foundation

/// What a terminal shows of a task's live stream, event by event: a short line for a status, a thought,
/// a tool call, a result, the end or an error, and streamed content written as it arrives, continuing
/// its line rather than starting one per piece. `run` and `watch` show a live stream with it, and
/// `replay`, an asciicast and `serve`'s player show a recorded one, so all of them read the same.
///
/// It reads an event as it was sent and archived — its type and its data, byte for byte — so a
/// recorded event is shown exactly as it was live. Data that is not JSON is shown as raw text. Text
/// from the server never drives the terminal: control characters (an escape sequence, a carriage
/// return) are shown as their visible pictures (`␛`, `␍`). Pure: it returns text, it writes nothing.
public struct StreamScreen: Sendable {
    /// What one event adds to the screen.
    public enum Shown: Sendable, Equatable {
        /// Streamed content, continuing the current line.
        case streamed(String)
        /// A line of its own.
        case line(String)
    }

    /// Lines start with the task's short id: `watch` shows many tasks, the others one.
    public let tagged: Bool
    /// The task whose streamed text the screen's last line is, if it is one.
    private var streamingTask: String?

    public init(tagged: Bool) {
        self.tagged = tagged
    }

    /// The text to write for one event of task `taskID` ("" when the event shows nothing).
    public mutating func text(type: String, data: String, taskID: String) -> String {
        guard let shown = Self.read(type: type, data: data, taskID: taskID) else { return "" }
        switch shown {
        case .streamed(let text):
            var out = ""
            if streamingTask != taskID {
                out += (streamingTask == nil ? "" : "\n") + tag(taskID)
                streamingTask = taskID
            }
            return out + text
        case .line(let line):
            return self.line(line, taskID: taskID)
        }
    }

    /// A line of the screen's own (a replay's line between sessions), after any streamed text.
    public mutating func line(_ line: String, taskID: String) -> String {
        defer { streamingTask = nil }
        return (streamingTask == nil ? "" : "\n") + tag(taskID) + line + "\n"
    }

    /// What the screen has open at the end: a streamed line still needs its newline.
    public var endsMidLine: Bool { streamingTask != nil }

    private func tag(_ taskID: String) -> String {
        tagged ? "[\(taskID.prefix(8))] " : ""
    }

    /// How one event reads, or nil for an event that shows nothing (history replayed at attach,
    /// sub-agent events, types this build does not know).
    public static func read(type: String, data: String, taskID: String) -> Shown? {
        guard let json = try? JSONTree.parse(data) else {
            return .line("\(visible(type)): " + visible(data.replacingOccurrences(of: "\n", with: "\\n")))
        }
        func string(_ key: String, in tree: JSONTree = json) -> String { visible(tree[key]?.stringValue ?? "") }
        switch type {
        case "content":
            return .streamed(string("text"))
        case "status":
            return .line("status: " + visible(json["status"]?.stringValue ?? json["message"]?.stringValue ?? ""))
        case "thought":
            return .line("thinking: " + string("subject"))
        case "tool_call":
            let call = toolCall(json)
            let (name, status) = (string("toolName", in: call), string("status", in: call))
            if status == "awaiting_approval" {
                return .line("tool \(name) awaits approval: sigmic-archive approve \(visible(taskID)) \(string("callId", in: call))   (or --deny)")
            }
            return .line("tool \(name): \(status)")
        case "tool_result":
            return .line("tool result: " + string("status"))
        case "done":
            return .line("done")
        case "error":
            let code = json["code"]?.stringValue.map { " (\(visible($0)))" } ?? ""
            return .line("error: " + string("message") + code)
        default:
            return nil
        }
    }

    /// The tool named by a `tool_call` event, for marks on a player's time line.
    public static func toolName(type: String, data: String) -> String? {
        guard type == "tool_call", let json = try? JSONTree.parse(data) else { return nil }
        return toolCall(json)["toolName"]?.stringValue.map(visible)
    }

    /// A `tool_call` comes bare on the stream page and wrapped (`{type: "tool_call", data: {…}}`) on
    /// the approval page; both are read.
    private static func toolCall(_ json: JSONTree) -> JSONTree {
        if json["type"]?.stringValue == "tool_call", let inner = json["data"] { return inner }
        return json
    }

    /// Text with its control characters made visible: C0 controls other than newline and tab become
    /// their Unicode control pictures (ESC is `␛`), DEL `␡`, and C1 controls `�`.
    public static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A, 0x09: out.append(scalar)
            case 0x00..<0x20: out.append(Unicode.Scalar(0x2400 + scalar.value)!)
            case 0x7F: out.append("\u{2421}")
            case 0x80..<0xA0: out.append("\u{FFFD}")
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return (value < 0x20 && value != 0x0A && value != 0x09) || (0x7F..<0xA0).contains(value)
    }
}
