import ArchiveExport
import ArchiveStore
import Foundation
import MCP

/// The tools the archive offers an agent, and their answers. Each answer is text (JSON where the CLI's
/// `--json` has a document for it, without its indentation: an agent pays for every character of its
/// context, and the SDK encodes and decodes each answer several times); every failure — unknown id, ambiguous prefix, invalid query, bad
/// argument — is a result with `isError: true` and one clear sentence.
struct ArchiveTools: Sendable {
    let archive: any ArchiveReader

    static let definitions: [Tool] = [
        Tool(name: "search", description: """
            Search every archived task: messages, thoughts, tool calls (names, arguments, outputs) and artifact names. \
            Words must all match; "a phrase" matches in order; a OR b; -word excludes; deploy* is a prefix; filters \
            in the query: role:user status:failed task:ID tool:NAME kind:message|thought|tool|artifact after:DATE \
            before:DATE has:artifact. Returns JSON: each hit with taskId, taskTitle, messageId, kind, role, toolName, \
            artifactPath, createdAt, snippet (matches in [brackets]), best first. Open a hit with get_task.
            """, inputSchema: schema([
                "query": ["type": "string", "description": "The search query."],
                "limit": ["type": "integer", "minimum": 1, "maximum": 100, "description": "Hits to return (default 20)."],
                "offset": ["type": "integer", "minimum": 0, "description": "Hits to skip, for the next page (default 0)."],
                "status": ["type": "string", "description": "Only tasks with this status: pending, running, awaiting_approval, completed, failed, cancelled."],
                "since": ["type": "string", "description": "Only entries from this date on (YYYY-MM-DD or ISO-8601)."],
                "until": ["type": "string", "description": "Only entries before this date."],
                "kind": ["type": "string", "enum": ["message", "thought", "tool", "artifact"], "description": "Only this kind of entry."],
            ], required: ["query"])),
        Tool(name: "list_tasks", description: """
            List archived tasks, newest activity first. Returns JSON: id, title, status, createdAt, lastActivityAt, \
            messageCount, account. Open one with get_task.
            """, inputSchema: schema([
                "status": ["type": "string", "description": "Only this status: pending, running, awaiting_approval, completed, failed, cancelled."],
                "since": ["type": "string", "description": "Only tasks active on or after this date (YYYY-MM-DD or ISO-8601)."],
                "until": ["type": "string", "description": "Only tasks last active before this date."],
                "limit": ["type": "integer", "minimum": 1, "maximum": 500, "description": "Tasks to return (default 50)."],
            ], required: [])),
        Tool(name: "get_task", description: """
            One task's whole conversation, in pages so a long task never floods your context. Markdown (default): \
            the task's facts, then each message with its thoughts, tool calls and text, then the artifacts; a page \
            ends by naming the exact arguments for the next one. json: the task as `show --json` prints it, cut into \
            pages of text. live: the task's recorded live stream as the terminal showed it while it ran (status \
            lines, thoughts, tool calls, the answer as it streamed; `replay`'s text), session by session. The id may \
            be a unique prefix.
            """, inputSchema: schema([
                "id": ["type": "string", "description": "The task id, or a unique prefix of it."],
                "format": ["type": "string", "enum": ["markdown", "json", "live"], "description": "markdown (default), json, or live."],
                "fromMessage": ["type": "integer", "minimum": 0, "description": "Start at this message (0-based; default 0)."],
                "fromChar": ["type": "integer", "minimum": 0, "description": "Start this many characters into that message (or, for json, into the document)."],
                "maxChars": ["type": "integer", "minimum": 1000, "maximum": 200000, "description": "Page size in characters (default 20000)."],
            ], required: ["id"])),
        Tool(name: "get_artifact", description: """
            An artifact (output file) of a task: text files as text (up to maxBytes), small images as images, \
            anything else as its facts (size, type, SHA-256). Paths are as get_task lists them.
            """, inputSchema: schema([
                "id": ["type": "string", "description": "The task id, or a unique prefix of it."],
                "path": ["type": "string", "description": "The artifact's path, e.g. downloads/report.md."],
                "maxBytes": ["type": "integer", "minimum": 1, "maximum": 10000000, "description": "Most bytes to return (default 100000)."],
            ], required: ["id", "path"])),
        Tool(name: "stats", description: """
            What the archive says about the work, for the tasks created in a range (UTC): tasks by status per period             with failure rates, durations (p50/p90/max), tool calls by tool with approvals, denials and failures, the             most common errors of failed tasks, artifacts by type, the largest tasks, follow-ups, tasks started             through run, activity by weekday and hour. Returns the JSON of `stats --json`.
            """, inputSchema: schema([
                "since": ["type": "string", "description": "Only tasks created on or after this date (YYYY-MM-DD or ISO-8601)."],
                "until": ["type": "string", "description": "Only tasks created before this date."],
                "account": ["type": "string", "description": "Only this account (part of its base URL, or its key fingerprint)."],
                "by": ["type": "string", "enum": ["day", "week", "month"], "description": "Count per day, week (default) or month."],
            ], required: [])),
    ]

    static func schema(_ properties: [String: [String: Any]], required: [String]) -> Value {
        func value(_ any: Any) -> Value {
            switch any {
            case let text as String: .string(text)
            case let number as Int: .int(number)
            case let list as [String]: .array(list.map(Value.string))
            case let object as [String: Any]: .object(object.mapValues(value))
            default: .null
            }
        }
        return .object(["type": "object", "properties": value(properties), "required": .array(required.map(Value.string)),
                        "additionalProperties": false])
    }

    func call(_ name: String, arguments: [String: Value]?) async -> CallTool.Result {
        let arguments = ToolArguments(arguments)
        do {
            switch name {
            case "search": return text(try await search(arguments))
            case "list_tasks": return text(try await listTasks(arguments))
            case "get_task": return text(try await getTask(arguments))
            case "get_artifact": return try await getArtifact(arguments)
            case "stats": return text(try await stats(arguments))
            default: throw ToolError("unknown tool \(name); the tools are search, list_tasks, get_task, get_artifact and stats")
            }
        } catch let error as ToolError {
            return failure(error.message)
        } catch ArchiveError.taskNotFound(let id) {
            return failure("no task in the archive matches \(id); list_tasks or search shows the ids")
        } catch ArchiveError.ambiguousTaskPrefix(let prefix, let candidates) {
            return failure("\(prefix) matches \(candidates.count) tasks (\(candidates.prefix(5).joined(separator: ", "))); give more of the id")
        } catch ArchiveError.invalidQuery(let reason) {
            return failure("invalid search query: \(reason)")
        } catch {
            return failure("the archive could not be read: \(error)")
        }
    }

    func text(_ text: String) -> CallTool.Result {
        CallTool.Result(content: [.text(text: text, annotations: nil, _meta: nil)], isError: false)
    }

    func failure(_ message: String) -> CallTool.Result {
        CallTool.Result(content: [.text(text: message, annotations: nil, _meta: nil)], isError: true)
    }

    func search(_ arguments: ToolArguments) async throws -> String {
        let filters = try SearchQuery.Filters(statuses: try arguments.strings("status"), kinds: try arguments.strings("kind"),
                                              since: try arguments.string("since"), until: try arguments.string("until"))
        let query = try SearchQuery.parse(try arguments.requiredString("query"), filters: filters)
        let options = SearchOptions(limit: try arguments.int("limit", in: 1...100, default: 20),
                                    offset: try arguments.int("offset", in: 0...1_000_000, default: 0))
        return Documents.searchHits(try await archive.search(query, options: options), compact: true)
    }

    func listTasks(_ arguments: ToolArguments) async throws -> String {
        var filter = TaskFilter()
        for status in try arguments.strings("status") {
            if let problem = TaskFilter.problem(status: status) { throw ToolError(problem) }
        }
        filter.statuses = try arguments.strings("status").map { TaskStatus($0) }
        filter.since = try date(arguments, "since")
        filter.until = try date(arguments, "until")
        filter.limit = try arguments.int("limit", in: 1...500, default: 50)
        return try Documents.taskList(try await archive.tasks(filter), compact: true)
    }

    func stats(_ arguments: ToolArguments) async throws -> String {
        var scope = InsightScope()
        scope.since = try date(arguments, "since")
        scope.until = try date(arguments, "until")
        scope.account = try arguments.string("account")
        let by = try arguments.string("by") ?? "week"
        guard let period = InsightScope.Period(rawValue: by) else { throw ToolError("by must be day, week or month") }
        scope.period = period
        return InsightsReport(try await archive.insightAggregates(scope), scope: scope).json.compact
    }

    func date(_ arguments: ToolArguments, _ name: String) throws -> String? {
        guard let text = try arguments.string(name) else { return nil }
        if let problem = TaskFilter.problem(date: text, option: name) { throw ToolError(problem) }
        return SearchQuery.Filters.dateBound(text)
    }

    func getTask(_ arguments: ToolArguments) async throws -> String {
        let task = try await archive.task(matching: try arguments.requiredString("id"))
        let format = try arguments.string("format") ?? "markdown"
        let maxChars = try arguments.int("maxChars", in: 1_000...200_000, default: 20_000)
        let fromMessage = try arguments.int("fromMessage", in: 0...Int.max, default: 0)
        let fromChar = try arguments.int("fromChar", in: 0...Int.max, default: 0)
        let transcript = try await Transcript.load(task, from: archive)
        let next: (Int, Int) -> String = { message, character in
            "get_task {\"id\": \"\(task.remoteID)\", \"format\": \"\(format)\", \"fromMessage\": \(message), \"fromChar\": \(character), \"maxChars\": \(maxChars)}"
        }
        switch format {
        case "markdown":
            let pages = TranscriptPages(transcript)
            guard fromMessage <= pages.messages.count else {
                throw ToolError("fromMessage \(fromMessage) is past the end: the task has \(pages.messages.count) messages (0–\(pages.messages.count - 1))")
            }
            let page = pages.page(from: .init(message: fromMessage, character: fromChar), maxChars: maxChars)
            guard let position = page.next else { return page.text + "\n[End of task \(task.remoteID): \(pages.messages.count) messages.]" }
            return page.text + "\n\n[Page ends inside part \(position.message) of \(pages.messages.count) messages (the artifact list is part \(pages.messages.count)). " +
                "Next page: \(next(position.message, position.character))]"
        case "json", "live":
            guard fromMessage == 0 else { throw ToolError("with format \(format), page with fromChar only (the document is one text)") }
            let document = format == "json" ? Documents.transcript(transcript) : try await liveText(of: task)
            return try Self.characterPage(Array(document), from: fromChar, maxChars: maxChars) { next(0, $0) }
        default:
            throw ToolError("format must be markdown, json or live")
        }
    }

    /// The recorded stream as `replay --speed 0` prints it, or a line saying there is none.
    func liveText(of task: StoredTask) async throws -> String {
        let events = try await archive.events(of: task.rowID)
        guard !events.isEmpty else {
            return "No live events were recorded for task \(task.remoteID): it was archived after it ran, not followed. Its transcript is format markdown."
        }
        return try ReplayScript(events: events, taskID: task.remoteID).text
    }

    /// Characters `from` to `from + maxChars` of a document, with the call for the next page.
    static func characterPage(_ document: [Character], from: Int, maxChars: Int, next: (Int) -> String) throws -> String {
        guard from <= document.count else { throw ToolError("fromChar \(from) is past the end of the \(document.count)-character document") }
        let end = min(document.count, from + maxChars)
        let text = String(document[from..<end])
        guard end < document.count else { return text }
        return text + "\n\n[Characters \(from)–\(end) of \(document.count). Next page: \(next(end))]"
    }

    func getArtifact(_ arguments: ToolArguments) async throws -> CallTool.Result {
        let task = try await archive.task(matching: try arguments.requiredString("id"))
        let path = try arguments.requiredString("path")
        let maxBytes = try arguments.int("maxBytes", in: 1...10_000_000, default: 100_000)
        let artifacts = try await archive.artifacts(of: task.rowID)
        guard let artifact = artifacts.first(where: { $0.path == path }) else {
            let known = artifacts.prefix(10).map(\.path).joined(separator: ", ")
            throw ToolError("task \(task.remoteID) has no artifact \(path)" + (known.isEmpty ? " (it has none)" : "; it has: \(known)"))
        }
        var facts = "path: \(artifact.path)\nsize: \(artifact.size.map(String.init) ?? "unknown") bytes\ntype: \(artifact.mimeType ?? "unknown")\n"
        guard artifact.isStored, let hash = artifact.blobHash else {
            return text(facts + "not downloaded: `sigmic-archive download \(task.remoteID.prefix(8)) \(artifact.path)` fetches it")
        }
        facts += "sha256: \(hash.hex)\n"
        // The first maxBytes + 1 bytes, a piece at a time (a piece is 1 MiB; the file may be far larger).
        var bytes = Data()
        var index = 0
        while bytes.count <= maxBytes, let chunk = try await archive.blobChunk(hash, index: index) {
            bytes.append(chunk.prefix(maxBytes + 1 - bytes.count))
            index += 1
        }
        let truncated = bytes.count > maxBytes
        let kept = bytes.prefix(maxBytes)
        let type = (artifact.mimeType ?? "").lowercased()
        if ["image/png", "image/jpeg", "image/gif", "image/webp"].contains(type), !truncated {
            return CallTool.Result(content: [.text(text: facts, annotations: nil, _meta: nil),
                                             .image(data: kept.base64EncodedString(), mimeType: type, annotations: nil, _meta: nil)], isError: false)
        }
        if !kept.contains(0), let decoded = String(data: kept, encoding: .utf8) ?? (truncated ? String(decoding: kept.dropLast(3), as: UTF8.self) : nil) {
            return text(facts + "\n" + decoded + (truncated ? "\n\n[Truncated at \(maxBytes) bytes of \(artifact.size.map(String.init) ?? "more"); ask with a larger maxBytes for more.]" : ""))
        }
        return text(facts + "binary content, not shown")
    }
}
