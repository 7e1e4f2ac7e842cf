import Foundation
import SeededRandom

/// One event on a task's stream.
struct StreamEvent: Sendable {
    var name: String
    var data: JSON
}

/// A scripted agent turn: the steps it will take and what it has produced so far.
struct AgentRun: Sendable {
    enum Step: Sendable {
        case status(String)
        case thought(subject: String, description: String)
        case content(String, isPartial: Bool)
        case toolCall(EmulatedToolCall)
        case toolResult(callId: String, output: String)
        case subagent(name: String, display: String, objective: String, tool: String)
        case writeFile(path: String, text: String)
        case fail(message: String)
        case finish
    }

    var steps: [Step]
    var next = 0
    var content = ""
    var thoughts: [(subject: String, description: String)] = []
    var toolCalls: [EmulatedToolCall] = []
    /// Tool calls waiting for `/approve`; while any is, the run does not advance.
    var pendingApprovals: [EmulatedToolCall] = []
    var updatedAt: Date
    var subscribers: [UUID: AsyncStream<StreamItem>.Continuation] = [:]

    var isBlocked: Bool { !pendingApprovals.isEmpty }

    var outputJSON: JSON {
        var members: [(String, JSON)] = [("content", .string(content)), ("updatedAt", .string(WireTime.string(updatedAt)))]
        if !thoughts.isEmpty {
            members.append(("thoughts", .array(thoughts.map { .object([("subject", .string($0.subject)), ("description", .string($0.description))]) })))
        }
        if !toolCalls.isEmpty { members.append(("toolCalls", .array(toolCalls.map(\.json)))) }
        return .object(members)
    }

    /// What a client attaching mid-run is sent after `history_done` ([I] §9.32): the text so far as one
    /// partial `content`, then each tool call already started, with its current status.
    var catchUp: [StreamEvent] {
        var events: [StreamEvent] = []
        if !content.isEmpty {
            events.append(StreamEvent(name: "content", data: .object([("text", .string(content)), ("isPartial", .bool(true))])))
        }
        for call in toolCalls {
            events.append(StreamEvent(name: "tool_call", data: .object([
                ("callId", .string(call.callId)), ("toolName", .string(call.toolName)), ("status", .string(call.status)), ("args", call.args),
            ])))
        }
        return events
    }

    func broadcast(_ item: StreamItem) {
        for continuation in subscribers.values { continuation.yield(item) }
    }

    func closeSubscribers() {
        for continuation in subscribers.values { continuation.finish() }
    }

    /// A run of `events` short content events and nothing else, then `done`.
    static func longScript(events: Int) -> [Step] {
        [.status("processing")] + (0..<max(1, events)).map { .content("token \($0) ", isPartial: $0 < events - 1) } + [.finish]
    }

    /// The script for a task's n-th run, drawn from (seed, task id, n). Runs that need approval park at
    /// their tool call until `/approve`.
    static func script(seed: UInt64, taskID: String, runIndex: Int, prompt: String) -> [Step] {
        var random = SeededRandom(seed: seed, stream: "run:\(taskID):\(runIndex)")
        var steps: [Step] = [.status("processing")]
        // An agent that restates the request: a prompt starting "Repeat after me:" is the run's thought and
        // the argument of its tool call, so that tests can put words of their own where only the agent
        // writes. The draws are made either way, so every other run stays as it was.
        let echo = prompt.hasPrefix("Repeat after me:")
        let (subject, description) = (random.pick(ContentPools.thoughtSubjects), random.pick(ContentPools.thoughtDescriptions))
        steps.append(echo ? .thought(subject: "Restating the request", description: prompt) : .thought(subject: subject, description: description))
        let drawnAnswer = ContentPools.answer(for: prompt, random: &random)
        let answer = echo ? String(prompt.dropFirst("Repeat after me:".count)).trimmingCharacters(in: .whitespaces) : drawnAnswer
        let pieces = ContentPools.split(answer, into: random.int(2...5))
        steps.append(.content(pieces[0], isPartial: true))
        let callId = "call_" + random.hex(12)
        let drawn = random.pick(ContentPools.tools)
        let tool = echo ? ContentPools.Tool(name: "note", args: .object([("text", .string(prompt))]), output: "noted") : drawn
        steps.append(.toolCall(EmulatedToolCall(callId: callId, toolName: tool.name, status: "executing", args: tool.args, output: nil)))
        steps.append(.toolResult(callId: callId, output: tool.output))
        if random.chance(0.4) {
            steps.append(.subagent(name: "code-writer", display: "Code Writer", objective: "Create summary chart", tool: "write_file"))
        }
        for (index, piece) in pieces.enumerated().dropFirst() {
            steps.append(.content(piece, isPartial: index < pieces.count - 1))
        }
        if pieces.count == 1 { steps.append(.content("", isPartial: false)) }
        if random.chance(0.5) {
            steps.append(.writeFile(path: "downloads/run-\(runIndex + 1)/summary.md", text: "# Summary\n\n" + answer + "\n"))
        }
        steps.append(prompt.lowercased().contains("fail") ? .fail(message: "The agent hit an unrecoverable error") : .finish)
        return steps
    }
}
