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

/// The names of the archive's own settings (the `setting` table, migration 0014).
public enum ArchiveSetting: String, Sendable, CaseIterable {
    /// `secrets`: every write removes the secret rules' findings first.
    case redactOnSync = "redact-on-sync"
    /// `1`: rows were rewritten or removed and a purge has not finished since.
    case purgePending = "purge-pending"
    /// How long tasks are kept after their last activity (`90d`): `watch` forgets older ones once a day.
    case retentionKeep = "retention-keep"
    /// When retention last ran (ISO-8601 UTC).
    case retentionAppliedAt = "retention-applied-at"
}

/// What a purge did to make removed text unreadable (`WritableArchive.purge`).
public struct PurgeReport: Sendable, Equatable {
    /// Stored files deleted because nothing links them any more.
    public var blobsDeleted = 0
    /// The archive's size on disk (database, WAL and stored files) before and after.
    public var bytesBefore: Int64 = 0
    public var bytesAfter: Int64 = 0
    /// What could not be done now, and why (another process held the WAL open, say); empty when done.
    public var unfinished: [String] = []

    public init() {}
}
