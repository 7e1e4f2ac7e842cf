/// One piece of text the archive holds, with where it lives: what `redact --scan` reads, and where a
/// rewrite of it would go. Search entries are not among them: they are made from these.
public struct ArchivedText: Sendable {
    public enum Place: Sendable, Hashable {
        /// A column of the task's row (its message, system prompt, error, output, raw JSON…).
        case task(TaskTextColumn)
        /// A column of one of its messages.
        case message(row: Int64, remoteID: String, column: MessageTextColumn)
        /// The data of one stream event, of its `type` (`content`, `tool_call`…).
        case event(row: Int64, session: Int64, seq: Int, type: String)
        /// The bytes of a stored artifact, read as UTF-8 (what is not text stays as it was).
        case artifact(row: Int64, path: String)
        /// What an outbox item sent, once it is no longer waiting to be sent (sent, stale or failed):
        /// an item still waiting is sent as it was written.
        case outbox(row: Int64, column: OutboxTextColumn)
    }

    /// An event's session and number, for a text that is an event's data.
    public var event: (session: Int64, seq: Int)? {
        if case .event(_, let session, let seq, _) = place { (session, seq) } else { nil }
    }

    /// The task's remote id.
    public let taskID: String
    /// Nil for an outbox item, whose task may not be in the archive.
    public let task: TaskRowID?
    public let place: Place
    public let text: String

    package init(taskID: String, task: TaskRowID?, place: Place, text: String) {
        (self.taskID, self.task, self.place, self.text) = (taskID, task, place, text)
    }
}

/// The task columns that hold text from the server (the rest are ids, times and states).
public enum TaskTextColumn: String, CaseIterable, Sendable {
    case message, systemPrompt = "system_prompt", error, envJSON = "env_json", outputJSON = "output_json"
    case pendingApprovalsJSON = "pending_approvals_json", rawListJSON = "raw_list_json", rawGetJSON = "raw_get_json"
}

/// The outbox columns that hold what a person sent.
public enum OutboxTextColumn: String, CaseIterable, Sendable {
    case message, systemPrompt = "system_prompt"
}

/// The message columns that hold text from the server.
public enum MessageTextColumn: String, CaseIterable, Sendable {
    case content, thoughtsJSON = "thoughts_json", toolCallsJSON = "tool_calls_json"
    case attachedFilesJSON = "attached_files_json", rawJSON = "raw_json"
}
