public import ArchiveStore
import Foundation

/// `forget` (and retention), written once above the engines: each task goes in a transaction of its
/// own — so a run cut short leaves every task either whole or gone, and running it again finishes —
/// then one audit record, then the purge that makes the old bytes unreadable.
public struct Forgetting: Sendable {
    /// The command that forgets, as the tombstones and the audit record it (`forget`, `retention --keep 90d`).
    public let command: String

    public init(command: String) {
        self.command = command
    }

    public struct Result: Sendable {
        public var forgotten: [ForgottenTask] = []
        public var purge: PurgeReport?

        public var messages: Int { forgotten.reduce(0) { $0 + $1.messages } }
        public var events: Int { forgotten.reduce(0) { $0 + $1.events } }
        public var artifacts: Int { forgotten.reduce(0) { $0 + $1.artifacts } }
        public var outboxItems: Int { forgotten.reduce(0) { $0 + $1.outboxItems } }
        public var bytes: Int64 { forgotten.reduce(0) { $0 + $1.bytes } }
    }

    /// `progress` is told how many tasks are done after each one.
    public func forget(_ tasks: [TaskRowID], in archive: some WritableArchive,
                       progress: @Sendable (Int) -> Void = { _ in }) async throws -> Result {
        var result = Result()
        let reason = command
        for (done, task) in tasks.enumerated() {
            if let gone = try await archive.write({ try $0.forgetTask(task, reason: reason) }) {
                // Its files go now rather than at the purge: a run cut short leaves no unlinked file behind
                // for longer than one task.
                for hash in gone.unlinkedBlobs { try await archive.discardUnlinkedBlob(hash) }
                result.forgotten.append(gone)
            }
            progress(done + 1)
        }
        let record = AuditRecord(command: command, tasks: result.forgotten.count,
                                 findings: result.messages + result.events + result.artifacts, bytes: result.bytes, rules: [],
                                 detail: "\(result.messages) messages, \(result.events) events, \(result.artifacts) artifacts, "
                                     + "\(result.outboxItems) outbox items")
        try await archive.write { try $0.recordAudit(record) }
        let purgeDue = try await archive.settings()[ArchiveSetting.purgePending.rawValue] != nil
        if !result.forgotten.isEmpty || purgeDue {
            result.purge = try await archive.purge()
        }
        return result
    }

    /// Lifts the tombstones of the tasks whose ids start with `idOrPrefix` (one task: a prefix that
    /// names several is refused). Returns the task lifted.
    public static func undo(_ idOrPrefix: String, in archive: some WritableArchive) async throws -> Tombstone {
        let needle = idOrPrefix.lowercased()
        let matching = try await archive.tombstones().filter { $0.remoteID.hasPrefix(needle) }
        let chosen = matching.first { $0.remoteID == needle } ?? (matching.count == 1 ? matching[0] : nil)
        guard let chosen else {
            if matching.isEmpty { throw ForgetError.notForgotten(idOrPrefix) }
            throw ForgetError.ambiguous(idOrPrefix, candidates: matching.prefix(10).map(\.remoteID))
        }
        _ = try await archive.write { try $0.liftTombstone(remoteID: chosen.remoteID, account: chosen.account) }
        return chosen
    }
}

public enum ForgetError: Error, Sendable, Equatable, CustomStringConvertible {
    case notForgotten(String)
    case ambiguous(String, candidates: [String])

    public var description: String {
        switch self {
        case .notForgotten(let id): "no forgotten task matches \(id) (`forget --list` shows them)"
        case .ambiguous(let id, let candidates): "\(id) matches several forgotten tasks: \(candidates.joined(separator: ", "))"
        }
    }
}
