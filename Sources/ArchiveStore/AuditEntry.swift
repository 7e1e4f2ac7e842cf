/// One run of `redact`, `forget` or `retention` (the `audit` table, migration 0014): which command,
/// how much. Never the text removed. The writer stamps it with its transaction's time.
public struct AuditRecord: Sendable, Equatable, Codable {
    /// The command as a person would type it, without the texts it named (`redact --secrets --on-sync`).
    public let command: String
    public let tasks: Int
    /// Secrets or named texts replaced, or rows removed.
    public let findings: Int
    /// Bytes of text and files rewritten or removed.
    public let bytes: Int64
    /// The rules that matched, by name (`aws-access-key-id`, `text`), sorted.
    public let rules: [String]
    public let detail: String?

    public init(command: String, tasks: Int, findings: Int, bytes: Int64, rules: [String], detail: String?) {
        (self.command, self.tasks, self.findings, self.bytes, self.rules, self.detail) = (command, tasks, findings, bytes, rules, detail)
    }
}

/// An audit record as read back: when it committed (ISO-8601 UTC), and what it says.
public struct AuditEntry: Sendable, Equatable {
    public let at: String
    public let record: AuditRecord

    public init(at: String, record: AuditRecord) {
        (self.at, self.record) = (at, record)
    }
}
