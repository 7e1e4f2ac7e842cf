public import ArchiveStore
import Foundation
public import Redaction

/// The archive's `redact-on-sync` setting applied to what a sync, `watch`, `run` or `reply` is about to
/// write: every text the server sent passes through the `Redactor` before the writer sees it, and a
/// downloaded file holding a secret is stored redacted (text) or not at all (binary). So a secret that
/// was removed never lands again, however often the server repeats it.
public struct OnSyncRedaction: Sendable {
    /// Nil: the archive has no on-sync rule, and everything is written as received.
    public let redactor: Redactor?

    public static let none = OnSyncRedaction(redactor: nil)

    public init(redactor: Redactor?) {
        self.redactor = redactor.flatMap { $0.isInert ? nil : $0 }
    }

    /// The rule the archive's settings name (`ArchiveSetting.redactOnSync`).
    public init(settings: [String: String]) {
        self.init(redactor: settings[ArchiveSetting.redactOnSync.rawValue] == Self.secretsValue ? Redactor(secrets: true) : nil)
    }

    /// The setting's value that turns it on.
    public static let secretsValue = "secrets"

    func text(_ text: String) -> String {
        redactor.map { $0.redact(text).text } ?? text
    }

    func text(_ text: String?) -> String? {
        text.map(self.text)
    }

    func task(_ task: TaskSnapshot) -> TaskSnapshot {
        guard redactor != nil else { return task }
        var task = task
        task.message = text(task.message)
        task.systemPrompt = text(task.systemPrompt)
        task.error = text(task.error)
        task.envJSON = text(task.envJSON)
        task.outputJSON = text(task.outputJSON)
        task.pendingApprovalsJSON = text(task.pendingApprovalsJSON)
        task.rawJSON = text(task.rawJSON)
        return task
    }

    func message(_ message: MessageSnapshot) -> MessageSnapshot {
        guard redactor != nil else { return message }
        var message = message
        message.content = text(message.content)
        message.thoughtsJSON = text(message.thoughtsJSON)
        message.toolCallsJSON = text(message.toolCallsJSON)
        message.attachedFilesJSON = text(message.attachedFilesJSON)
        message.rawJSON = text(message.rawJSON)
        return message
    }

    func event(_ event: StreamEventSnapshot) -> StreamEventSnapshot {
        guard redactor != nil else { return event }
        var event = event
        event.data = text(event.data)
        return event
    }

    /// Content events read joined with those written just before them (`recent`, as written), so that a
    /// secret the server split between events is found when its last piece arrives: returns the batch
    /// with such secrets removed, and the earlier events to rewrite.
    func acrossEvents(recent: [(seq: Int, data: String)], batch: [StreamEventSnapshot])
        -> (batch: [StreamEventSnapshot], mended: [(seq: Int, data: String)]) {
        guard let redactor else { return (batch, []) }
        let contentInBatch = batch.indices.filter { batch[$0].type == "content" }
        guard !contentInBatch.isEmpty else { return (batch, []) }
        let pieces = recent.map(\.data) + contentInBatch.map { batch[$0].data }
        let (data, found) = StreamedText.redactAcrossPieces(pieces, with: redactor)
        guard !found.isEmpty else { return (batch, []) }
        var batch = batch
        var mended: [(seq: Int, data: String)] = []
        for (index, new) in data.enumerated() {
            guard let new else { continue }
            let redacted = redactor.redact(new).text
            if index < recent.count {
                mended.append((recent[index].seq, redacted))
            } else {
                batch[contentInBatch[index - recent.count]].data = redacted
            }
        }
        return (batch, mended)
    }

    /// How much recent content a secret split between events is looked for in: longer than any secret
    /// the rules find but a whole private key.
    static let streamWindowBytes = 16 << 10

    /// What becomes of a downloaded file.
    enum File: Sendable {
        /// Stored as downloaded.
        case kept(StoredBlob)
        /// Its text with secrets replaced, stored as another blob; the download is to be discarded.
        case redacted(StoredBlob, original: BlobHash)
        /// A binary file holding a secret: not stored (`reason` is recorded on its artifact).
        case dropped(reason: String, original: BlobHash)
    }

    /// Files up to this size are read whole and redacted; larger ones are kept as downloaded (the scan
    /// of `redact` names them as not scanned).
    static let largestFile: Int64 = 64 << 20

    func file(_ blob: StoredBlob, in store: BlobStore) throws -> File {
        guard let redactor, blob.size <= Self.largestFile else { return .kept(blob) }
        let bytes = try [UInt8](Data(contentsOf: store.url(for: blob.hash)))
        switch redactor.redact(file: bytes) {
        case .unchanged:
            return .kept(blob)
        case .text(let redacted, _):
            return .redacted(try store.store(Data(redacted)), original: blob.hash)
        case .binary(let found):
            return .dropped(reason: Self.droppedReason(found), original: blob.hash)
        }
    }

    /// What a dropped file's artifact says: the rules, never the secret.
    public static func droppedReason(_ found: [SecretFinding]) -> String {
        let rules = Set(found.map(\.rule.rawValue)).sorted().joined(separator: ", ")
        return "\(StoredArtifact.removedByRedact): a binary file holding a secret (\(rules))"
    }
}
