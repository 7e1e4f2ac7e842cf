import Foundation
import SeededRandom

/// One conversation message, as `/history` and `history_message` carry it.
struct EmulatedMessage: Sendable {
    var id: String
    var role: String
    var content: String
    var createdAt: Date
    var attachedFiles: [(name: String, path: String)] = []
    var thoughts: [(subject: String, description: String)] = []
    var toolCalls: [EmulatedToolCall] = []

    var json: JSON {
        var members: [(String, JSON)] = [
            ("id", .string(id)), ("role", .string(role)), ("content", .string(content)),
            ("createdAt", .string(WireTime.string(createdAt))),
        ]
        // Fields that do not apply are left out, not null (§4.3).
        if !attachedFiles.isEmpty {
            members.append(("attachedFiles", .array(attachedFiles.map { .object([("name", .string($0.name)), ("path", .string($0.path))]) })))
        }
        if !thoughts.isEmpty {
            members.append(("thoughts", .array(thoughts.map { .object([("subject", .string($0.subject)), ("description", .string($0.description))]) })))
        }
        if !toolCalls.isEmpty {
            members.append(("toolCalls", .array(toolCalls.map(\.json))))
        }
        return .object(members)
    }
}

struct EmulatedToolCall: Sendable {
    var callId: String
    var toolName: String
    var status: String
    var args: JSON
    var output: String?

    var json: JSON {
        var members: [(String, JSON)] = [
            ("callId", .string(callId)), ("toolName", .string(toolName)), ("status", .string(status)), ("args", args),
        ]
        if let output { members.append(("output", .string(output))) }
        return .object(members)
    }
}

/// A file in a task's workspace. Generated files keep only a seed and a size; bytes are made on demand.
struct EmulatedFile: Sendable {
    enum Bytes: Sendable {
        case literal([UInt8])
        case generated(seed: UInt64, size: Int, text: Bool)
    }

    var path: String
    var modifiedAt: Date
    var bytes: Bytes
    /// A size for the listing to report instead of the real one (a test hook: a server whose listing
    /// disagrees with the bytes it sends).
    var listedSize: Int?
    /// Listed, but a download answers 404 (a test hook: a file removed behind the listing's back).
    var unreadable = false

    var name: String { String(path.split(separator: "/", omittingEmptySubsequences: false).last ?? "") }

    var size: Int {
        switch bytes {
        case .literal(let data): return data.count
        case .generated(_, let size, _): return size
        }
    }

    func content() -> [UInt8] {
        switch bytes {
        case .literal(let data): return data
        case .generated(let seed, let size, let text):
            var random = SeededRandom(seed: seed)
            if !text { return random.bytes(size) }
            return content(in: 0..<size)
        }
    }

    static let textLine = Array("lorem,ipsum,42,κόσμε,数据\n".utf8)

    /// Whether bytes can be made for any range on its own (generated text), so a download can stream
    /// them without holding the whole file.
    var isStreamable: Bool {
        if case .generated(_, _, true) = bytes { return true }
        return false
    }

    /// The bytes in `range` of a streamable file.
    func content(in range: Range<Int>) -> [UInt8] {
        let line = Self.textLine
        return [UInt8](unsafeUninitializedCapacity: range.count) { buffer, initialized in
            // Whole runs of the line, copied from where `range` starts within it.
            var offset = 0
            var position = range.lowerBound % line.count
            while offset < range.count {
                let run = min(line.count - position, range.count - offset)
                line.withUnsafeBufferPointer { source in
                    buffer.baseAddress!.advanced(by: offset).update(from: source.baseAddress! + position, count: run)
                }
                offset += run
                position = 0
            }
            initialized = range.count
        }
    }

    var mimeType: String { FileKind.of(path).mime }
    var category: String { FileKind.of(path).category }

    var json: JSON {
        .object([
            ("name", .string(name)), ("path", .string(path)), ("size", .int(listedSize ?? size)),
            ("mimeType", .string(mimeType)), ("category", .string(category)),
            ("modifiedAt", .string(WireTime.string(modifiedAt))),
        ])
    }
}

/// [I] §9.48: MIME type and category from the extension.
enum FileKind {
    static func of(_ path: String) -> (mime: String, category: String) {
        let ext = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "csv": return ("text/csv", "csv")
        case "pdf": return ("application/pdf", "pdf")
        case "png": return ("image/png", "image")
        case "jpg", "jpeg": return ("image/jpeg", "image")
        case "json": return ("application/json", "json")
        case "md": return ("text/markdown", "text")
        case "txt", "log": return ("text/plain", "text")
        case "py": return ("text/x-python", "code")
        case "swift": return ("text/x-swift", "code")
        case "js": return ("text/javascript", "code")
        case "zip": return ("application/zip", "archive")
        case "gz": return ("application/gzip", "archive")
        default: return ("application/octet-stream", "other")
        }
    }
}

/// Timestamps on the wire: ISO-8601 UTC with milliseconds, `2026-01-26T15:50:54.870Z`.
enum WireTime {
    static func string(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(millis / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var text = ""
        text.reserveCapacity(24)
        digits(Int(parts.tm_year) + 1900, 4, &text)
        text += "-"
        digits(Int(parts.tm_mon) + 1, 2, &text)
        text += "-"
        digits(Int(parts.tm_mday), 2, &text)
        text += "T"
        digits(Int(parts.tm_hour), 2, &text)
        text += ":"
        digits(Int(parts.tm_min), 2, &text)
        text += ":"
        digits(Int(parts.tm_sec), 2, &text)
        text += "."
        digits(Int(millis % 1000), 3, &text)
        text += "Z"
        return text
    }

    /// `value` zero-padded to `width` digits (String(format:) costs microseconds per call).
    private static func digits(_ value: Int, _ width: Int, _ text: inout String) {
        let plain = String(value)
        if plain.utf8.count < width { text += String(repeating: "0", count: width - plain.utf8.count) }
        text += plain
    }
}

/// A task and everything the emulator knows of it.
struct EmulatedTask: Sendable {
    var id: String
    var keyIndex: Int
    var sessionId: String
    /// Its session timed out (a test hook): the next follow-up restores it under a new session id.
    var sessionExpired = false
    var conversationId: String
    var status: String
    var message: String
    var systemPrompt: String?
    var showInHistory = true
    var autoExecute = true
    var env: [(String, String)]?
    var error: String?
    var createdAt: Date
    var startedAt: Date?
    var completedAt: Date?
    var messages: [EmulatedMessage] = []
    var files: [EmulatedFile] = []
    /// The run in progress (running, awaiting approval, or pending with a run queued).
    var run: AgentRun?
    /// Tools approved with `proceed_always` for this session ([I] §9.27: by tool name).
    var alwaysApproved: Set<String> = []
    var runCount = 0
    /// The `output` object of GET: the current run's text so far, or the last run's final state.
    var output: JSON?

    var lastActivityAt: Date { [completedAt, startedAt, createdAt].compactMap { $0 }.max()! }

    var isStreaming: Bool { ["pending", "running", "awaiting_approval"].contains(status) }

    func json(listing: Bool, username: String, apiKeyId: String) -> JSON {
        var members: [(String, JSON)] = [
            ("id", .string(id)), ("apiKeyId", .string(apiKeyId)), ("username", .string(username)),
            ("sessionId", .string(sessionId)), ("conversationId", .string(conversationId)),
            ("status", .string(status)), ("message", .string(message)), ("systemPrompt", .optional(systemPrompt)),
            ("showInHistory", .bool(showInHistory)), ("autoExecute", .bool(autoExecute)),
            ("env", env.map { .object($0.map { ($0.0, .string($0.1)) }) } ?? .null), ("error", .optional(error)),
            ("createdAt", .string(WireTime.string(createdAt))),
            ("startedAt", startedAt.map { .string(WireTime.string($0)) } ?? .null),
            ("completedAt", completedAt.map { .string(WireTime.string($0)) } ?? .null),
        ]
        if listing {
            members.append(("lastActivityAt", .string(WireTime.string(lastActivityAt))))
            members.append(("messageCount", .int(messages.count)))
            return .object(members)
        }
        // `output`: present for running and finished tasks (§3.3; [I] §9.16 for failed/cancelled).
        if let output, status != "pending" { members.append(("output", output)) }
        if let run, !run.pendingApprovals.isEmpty {
            members.append(("pendingApprovals", .array(run.pendingApprovals.map {
                .object([("callId", .string($0.callId)), ("toolName", .string($0.toolName)), ("args", $0.args)])
            })))
        }
        return .object(members)
    }
}
