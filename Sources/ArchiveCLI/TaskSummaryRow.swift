import ArchiveExport
import ArchiveStore

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

    init(_ task: QueuedTask) {
        self.init(id: task.id, status: task.status, lastActivityAt: task.lastActivityAt, messageCount: nil, title: task.title)
    }

    init(_ task: TaskSummary) {
        self.init(id: task.id, status: task.status.rawValue, lastActivityAt: task.lastActivityAt, messageCount: task.messageCount, title: task.title)
    }
}
