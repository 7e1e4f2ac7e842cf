public import ArchiveStore

/// One task as people read it: the task, its messages with their thoughts, tool calls and attached
/// files, its artifacts, and (when asked for) its stream-event log. `show` prints it and `export`
/// writes it; both take it from here so they cannot disagree.
public struct Transcript: Sendable {
    public struct Thought: Sendable, Equatable {
        public let subject: String
        public let description: String
    }

    public struct ToolCall: Sendable, Equatable {
        public let callID: String?
        public let toolName: String
        public let status: String?
        /// The arguments as JSON, if any were sent.
        public let args: JSONTree?
        /// The output: a string as sent, any other JSON value as compact JSON text.
        public let output: String?
    }

    public struct AttachedFile: Sendable, Equatable {
        public let name: String
        public let path: String?
    }

    public struct Message: Sendable {
        public let stored: StoredMessage
        public let thoughts: [Thought]
        public let toolCalls: [ToolCall]
        public let attachedFiles: [AttachedFile]
    }

    public let task: StoredTask
    public let messages: [Message]
    public let artifacts: [StoredArtifact]
    /// nil unless the events were asked for.
    public let events: [StoredEvent]?

    /// The first line of the first user message (else of the task's message), else the id.
    public let title: String

    init(task: StoredTask, messages: [Message], artifacts: [StoredArtifact], events: [StoredEvent]?) {
        self.task = task
        self.messages = messages
        self.artifacts = artifacts
        self.events = events
        let first = messages.first { $0.stored.role == "user" }?.stored.content ?? task.message ?? ""
        let title = Archive.title(first)
        self.title = title.isEmpty ? "Task \(task.remoteID)" : title
    }

    /// Reads a task's transcript from the archive.
    public static func load(_ task: StoredTask, from archive: some ArchiveReader, events: Bool = false) async throws -> Transcript {
        let history = try await archive.history(of: task.rowID, events: events)
        let messages = history.messages.map { stored in
            Message(stored: stored,
                    thoughts: parseArray(stored.thoughtsJSON).map { item in
                        Thought(subject: item["subject"]?.stringValue ?? "", description: item["description"]?.stringValue ?? "")
                    },
                    toolCalls: parseArray(stored.toolCallsJSON).map { item in
                        ToolCall(callID: item["callId"]?.stringValue, toolName: item["toolName"]?.stringValue ?? "?",
                                 status: item["status"]?.stringValue, args: item["args"].flatMap { $0 == .null ? nil : $0 },
                                 output: item["output"].flatMap { value in
                                     switch value {
                                     case .null: return nil
                                     case .string(let text): return text
                                     default: return value.compact
                                     }
                                 })
                    },
                    attachedFiles: parseArray(stored.attachedFilesJSON).map { item in
                        AttachedFile(name: item["name"]?.stringValue ?? item["path"]?.stringValue ?? "?",
                                     path: item["path"]?.stringValue)
                    })
        }
        return Transcript(task: task, messages: messages, artifacts: history.artifacts, events: history.events)
    }

    /// The items of a stored JSON array; anything else (absent, damaged) reads as no items.
    static func parseArray(_ text: String?) -> [JSONTree] {
        guard let text, let tree = try? JSONTree.parse(text) else { return [] }
        return tree.arrayValue ?? []
    }
}

extension Transcript {
    /// The `show --json` / `export --format json` document:
    /// `{"task": {every API field}, "archive": {local bookkeeping}, "messages": […], "artifacts": […],
    /// "events": […] (only when loaded)}`. Message content is byte-exact; the task object is the JSON the
    /// API last sent for it (the get response, else the listing), so no field is lost.
    public var json: JSONTree {
        var members: [(key: String, value: JSONTree)] = [
            ("task", taskJSON),
            ("archive", .object([
                ("account", .string(task.accountBaseURL)),
                ("remoteState", .string(task.remoteState.rawValue)),
                ("syncState", .string(task.syncState.rawValue)),
                ("lastSyncedAt", .optional(task.lastSyncedAt)),
            ])),
            ("messages", .array(messages.map(\.json))),
            ("artifacts", .array(artifacts.map(Self.artifactJSON))),
        ]
        if let events {
            members.append(("events", .array(events.map { event in
                .object([
                    ("type", .string(event.type)), ("data", .string(event.data)),
                    ("receivedAt", .string(event.receivedAt)), ("session", .int(event.session.rawValue)),
                    ("seq", .int(event.seq)),
                ])
            })))
        }
        return .object(members)
    }

    var taskJSON: JSONTree {
        for raw in [task.rawGetJSON, task.rawListJSON] {
            if let raw, let tree = try? JSONTree.parse(raw), case .object = tree { return tree }
        }
        // No raw JSON kept (never the case after a sync): the typed columns.
        return .object([
            ("id", .string(task.remoteID)), ("status", .string(task.status.rawValue)), ("message", .optional(task.message)),
            ("systemPrompt", .optional(task.systemPrompt)), ("createdAt", .string(task.createdAt)),
            ("startedAt", .optional(task.startedAt)), ("completedAt", .optional(task.completedAt)),
            ("lastActivityAt", .string(task.lastActivityAt)),
            ("messageCount", task.messageCount.map(JSONTree.int) ?? .null), ("error", .optional(task.error)),
        ])
    }

    static func artifactJSON(_ artifact: StoredArtifact) -> JSONTree {
        .object([
            ("path", .string(artifact.path)), ("name", .string(artifact.name)),
            ("size", artifact.size.map(JSONTree.int) ?? .null), ("mimeType", .optional(artifact.mimeType)),
            ("modifiedAt", .optional(artifact.modifiedAt)), ("sha256", .optional(artifact.blobHash?.hex)),
            ("stored", .bool(artifact.isStored)), ("fetchState", .string(artifact.fetchState.rawValue)),
            ("remoteState", .string(artifact.remoteState.rawValue)), ("fetchError", .optional(artifact.fetchError)),
        ])
    }
}

extension Transcript.Message {
    var json: JSONTree {
        func raw(_ text: String?) -> JSONTree {
            guard let text, let tree = try? JSONTree.parse(text), case .array = tree else { return .array([]) }
            return tree
        }
        return .object([
            ("id", .string(stored.remoteID)), ("role", .string(stored.role)), ("content", .string(stored.content)),
            ("createdAt", .string(stored.createdAt)), ("thoughts", raw(stored.thoughtsJSON)),
            ("toolCalls", raw(stored.toolCallsJSON)), ("attachedFiles", raw(stored.attachedFilesJSON)),
        ])
    }
}
