/// A task removed on purpose (`forget`, retention): the `tombstone` table, migration 0015. Every sync and
/// `copy` skip it until `forget --undo` lifts it. It holds no text of the task.
public struct Tombstone: Sendable, Equatable {
    public let account: AccountID
    public let accountBaseURL: String
    public let accountFingerprint: String
    public let remoteID: String
    public let forgottenAt: String
    /// The command that forgot it (`forget`, `retention --keep 90d`).
    public let reason: String
    /// The task's last activity when it was forgotten: where `--undo` rewinds the account's cursor to.
    public let lastActivityAt: String?

    /// Account and task in one string, to match a task against tombstones across archives (`copy`).
    package var key: String { Self.key(baseURL: accountBaseURL, fingerprint: accountFingerprint, remoteID: remoteID) }

    package static func key(baseURL: String, fingerprint: String, remoteID: String) -> String {
        [baseURL, fingerprint, remoteID].joined(separator: "\u{0}")
    }

    package init(account: AccountID, accountBaseURL: String, accountFingerprint: String, remoteID: String,
                 forgottenAt: String, reason: String, lastActivityAt: String?) {
        self.account = account; self.accountBaseURL = accountBaseURL; self.accountFingerprint = accountFingerprint
        self.remoteID = remoteID; self.forgottenAt = forgottenAt; self.reason = reason; self.lastActivityAt = lastActivityAt
    }
}

/// What forgetting one task removed (`ArchiveWriter.forgetTask`).
public struct ForgottenTask: Sendable, Equatable {
    public let remoteID: String
    public var messages = 0
    public var events = 0
    public var artifacts = 0
    public var outboxItems = 0
    /// Bytes of text (messages, events, the task's raw JSON) and of stored files no longer linked.
    public var bytes: Int64 = 0
    /// Stored files nothing links any more; a folder deletes them once this commits.
    public var unlinkedBlobs: [BlobHash] = []

    package init(remoteID: String) {
        self.remoteID = remoteID
    }
}
