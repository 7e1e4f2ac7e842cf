/// A typed event of a task's stream. Every case keeps the event's raw data; event types this build
/// does not know arrive as `.unknown`, never dropped.
public enum TaskStreamEvent: Sendable, Equatable {
    case historyMessage(APIMessage)
    case historyDone(messageCount: Int, isStreaming: Bool)
    case status(String)
    case thought(subject: String, description: String)
    case content(text: String, isPartial: Bool)
    /// `tool_call`, accepted both bare and wrapped as `{type: "tool_call", data: {…}}`.
    case toolCall(callId: String, toolName: String, status: String, args: JSONValue?)
    case toolResult(callId: String, status: String, output: JSONValue?)
    case subagent(kind: String, data: JSONValue)
    case error(message: String, code: String?)
    case done(finalResponse: String)
    case unknown(type: String)

    /// Decodes one SSE event. Malformed JSON in a known event is reported, not hidden.
    public static func decode(_ event: SSEEvent) throws(SigmicAPIError) -> (TaskStreamEvent, JSONValue) {
        let json: JSONValue
        do {
            json = try JSONValue.parse(Data(event.data.utf8))
        } catch {
            if known.contains(event.type) { throw .decoding("stream event \(event.type): data is not JSON") }
            return (.unknown(type: event.type), .string(event.data))
        }
        switch event.type {
        case "history_message":
            return (.historyMessage(try APIMessage(json, context: "history_message")), json)
        case "history_done":
            return (.historyDone(messageCount: json["messageCount"]?.int ?? 0, isStreaming: json["isStreaming"]?.bool ?? false), json)
        case "status":
            return (.status(json["status"]?.string ?? json["message"]?.string ?? ""), json)
        case "thought":
            return (.thought(subject: json["subject"]?.string ?? "", description: json["description"]?.string ?? json["text"]?.string ?? ""), json)
        case "content":
            return (.content(text: json["text"]?.string ?? "", isPartial: json["isPartial"]?.bool ?? false), json)
        case "tool_call":
            // [X] The approval page wraps the payload; the stream page does not. Accept both.
            let call = json["type"]?.string == "tool_call" && json["data"] != nil ? json["data"]! : json
            return (.toolCall(callId: call["callId"]?.string ?? "", toolName: call["toolName"]?.string ?? "",
                              status: call["status"]?.string ?? "", args: call["args"]), json)
        case "tool_result":
            return (.toolResult(callId: json["callId"]?.string ?? "", status: json["status"]?.string ?? "", output: json["output"]), json)
        case "subagent_start", "subagent_thought", "subagent_tool", "subagent_end":
            return (.subagent(kind: event.type, data: json), json)
        case "error":
            return (.error(message: json["message"]?.string ?? "", code: json["code"]?.string), json)
        case "done":
            return (.done(finalResponse: json["finalResponse"]?.string ?? ""), json)
        default:
            return (.unknown(type: event.type), json)
        }
    }

    static let known: Set<String> = [
        "history_message", "history_done", "status", "thought", "content", "tool_call", "tool_result",
        "subagent_start", "subagent_thought", "subagent_tool", "subagent_end", "error", "done",
    ]

    /// True for the events after which the server closes a live stream.
    public var isTerminal: Bool {
        switch self {
        case .done, .error: return true
        default: return false
        }
    }
}

import Foundation
