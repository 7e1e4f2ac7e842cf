import ArchiveExport
import ArchiveStore
import ArgumentParser
import Foundation

struct Tasks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks",
        abstract: "List archived tasks, newest activity first (offline).")

    @OptionGroup var options: ArchiveOptions

    @OptionGroup var filters: TaskFilterOptions
    @Option(help: "At most this many tasks (default 50; 0 for all).")
    var limit: Int?
    @Flag(help: "Print a JSON array.")
    var json = false
    @Flag(help: "Print one JSON object per line.")
    var ndjson = false

    func validate() throws {
        guard (limit ?? 0) >= 0 else { throw ValidationError("--limit must be ≥ 0 (0 for all)") }
        guard !(json && ndjson) else { throw ValidationError("choose one of --json and --ndjson") }
    }

    func run() async throws {
        let archive = try await options.openReader()
        var filter = filters.filter
        let limit = ListLimit(requested: limit, defaultRows: 50)
        filter.limit = limit.rows
        let tasks = try await archive.tasks(filter)
        if let note = try await limit.note(shown: tasks.count, total: { try await archive.taskCount(filter) }) { Terminal.note(note) }
        // A `run` waiting in the outbox is listed first, as a local task, unless a filter is given.
        let unfiltered = filters.isEmpty
        let queued = unfiltered ? try await QueuedTask.all(in: archive) : []
        if json {
            Terminal.print(try Documents.taskList(tasks, queued: queued))
        } else if ndjson {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            for row in queued.map(Documents.ListedTask.queued) + tasks.map(Documents.ListedTask.task) {
                Terminal.print(String(decoding: try encoder.encode(row), as: UTF8.self))
            }
        } else if tasks.isEmpty && queued.isEmpty {
            Terminal.print("No tasks match.")
        } else {
            Terminal.print(Self.table(queued.map(TaskSummaryRow.init) + tasks.map(TaskSummaryRow.init), width: Terminal.width))
        }
    }

    static func table(_ tasks: [TaskSummaryRow], width: Int) -> String {
        let statusWidth = max(6, tasks.map(\.status.count).max() ?? 6)
        let fixed = 8 + 2 + statusWidth + 2 + 16 + 2 + 5 + 2
        let titleWidth = max(10, width - fixed)
        var lines = ["ID        " + "STATUS".padding(toLength: statusWidth, withPad: " ", startingAt: 0) + "  LAST ACTIVITY     MSGS  TITLE"]
        for task in tasks {
            let when = task.lastActivityAt.prefix(16).replacingOccurrences(of: "T", with: " ")
            let count = task.messageCount.map(String.init) ?? "-"
            let title = task.title.count > titleWidth ? String(task.title.prefix(titleWidth - 1)) + "…" : task.title
            lines.append(task.id.prefix(8).padding(toLength: 8, withPad: " ", startingAt: 0) + "  " + task.status.padding(toLength: statusWidth, withPad: " ", startingAt: 0)
                         + "  " + when + "  " + String(repeating: " ", count: max(0, 4 - count.count)) + count + "  " + title)
        }
        return lines.joined(separator: "\n")
    }
}
