public import ArchiveStore
import Foundation

/// A `run` waiting in the outbox, as `tasks` and `show` present it until it is sent: a local task with
/// the id `outbox-N` and the status `queued`.
public struct QueuedTask: Encodable, Sendable {
    public var id: String
    public var status = "queued"
    public var createdAt: String
    public var lastActivityAt: String
    public var messageCount: Int?
    public var title: String
    public var account: String
    public var remoteState = "local"
    public var outboxId: Int64

    public init(_ item: OutboxItem) {
        id = Self.id(of: item.id)
        createdAt = item.queuedAt
        lastActivityAt = item.queuedAt
        title = (item.message ?? "").split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        account = item.accountBaseURL
        outboxId = item.id
    }

    public static func id(of outboxID: Int64) -> String { "outbox-\(outboxID)" }

    /// The outbox item an argument names (`outbox-3` or `#3`), if it names one.
    public static func outboxID(in argument: String) -> Int64? {
        for prefix in ["outbox-", "#"] where argument.hasPrefix(prefix) { return Int64(argument.dropFirst(prefix.count)) }
        return nil
    }

    /// The `run`s that wait to be sent.
    public static func all(in archive: any ArchiveReader) async throws -> [QueuedTask] {
        try await archive.outbox(account: nil, states: [.queued, .sending, .expired]).filter { $0.kind == .create }.map(QueuedTask.init)
    }
}
