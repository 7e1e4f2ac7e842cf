import ArchiveStore
import Foundation

/// A `run` waiting in the outbox, as `tasks` and `show` present it until it is sent: a local task with
/// the id `outbox-N` and the status `queued`.
struct QueuedTask: Encodable {
    var id: String
    var status = "queued"
    var createdAt: String
    var lastActivityAt: String
    var messageCount: Int?
    var title: String
    var account: String
    var remoteState = "local"
    var outboxId: Int64

    init(_ item: OutboxItem) {
        id = Self.id(of: item.id)
        createdAt = item.queuedAt
        lastActivityAt = item.queuedAt
        title = (item.message ?? "").split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        account = item.accountBaseURL
        outboxId = item.id
    }

    static func id(of outboxID: Int64) -> String { "outbox-\(outboxID)" }

    /// The outbox item an argument names (`outbox-3` or `#3`), if it names one.
    static func outboxID(in argument: String) -> Int64? {
        for prefix in ["outbox-", "#"] where argument.hasPrefix(prefix) { return Int64(argument.dropFirst(prefix.count)) }
        return nil
    }

    /// The `run`s that wait to be sent.
    static func all(in archive: Archive) throws -> [QueuedTask] {
        try archive.outbox(states: [.queued, .sending, .expired]).filter { $0.kind == .create }.map(QueuedTask.init)
    }

    var summary: TaskSummaryRow { TaskSummaryRow(id: id, status: status, lastActivityAt: lastActivityAt, messageCount: nil, title: title) }
}

/// One line of the `tasks` table, archived or queued.
struct TaskSummaryRow {
    var id: String
    var status: String
    var lastActivityAt: String
    var messageCount: Int?
    var title: String

    init(id: String, status: String, lastActivityAt: String, messageCount: Int?, title: String) {
        self.id = id
        self.status = status
        self.lastActivityAt = lastActivityAt
        self.messageCount = messageCount
        self.title = title
    }

    init(_ task: TaskSummary) {
        self.init(id: task.id, status: task.status.rawValue, lastActivityAt: task.lastActivityAt, messageCount: task.messageCount, title: task.title)
    }
}
