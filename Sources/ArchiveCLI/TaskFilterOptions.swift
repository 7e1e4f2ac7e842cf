import ArchiveStore
import ArgumentParser

/// The task filters that commands selecting tasks share (`tasks`, `export`): by status, by last
/// activity, by account, each checked one way (`FilterCheck`). `search` filters entries, not tasks,
/// and keeps its own.
struct TaskFilterOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Only tasks with this status (repeatable): pending, running, awaiting_approval, completed, failed, cancelled.", valueName: "status"))
    var status: [String] = []
    @Option(help: ArgumentHelp("Only tasks active on or after this date (YYYY-MM-DD or ISO-8601).", valueName: "date"))
    var since: String?
    @Option(help: ArgumentHelp("Only tasks last active before this date.", valueName: "date"))
    var until: String?
    @Option(help: ArgumentHelp("Only this account (part of its base URL, or its key fingerprint).", valueName: "account"))
    var account: String?
    @Flag(help: "Only pinned tasks (see `pin`).")
    var pinned = false

    /// No filter given: every task.
    var isEmpty: Bool { status.isEmpty && since == nil && until == nil && account == nil && !pinned }

    func validate() throws {
        try FilterCheck.validate(statuses: status, dates: [("--since", since), ("--until", until)])
    }

    /// The filter these options make, selecting every task it matches (no limit).
    var filter: TaskFilter {
        var filter = TaskFilter()
        filter.statuses = status.map { TaskStatus($0) }
        filter.since = since.flatMap(SearchQuery.Filters.dateBound)
        filter.until = until.flatMap(SearchQuery.Filters.dateBound)
        filter.account = account
        filter.pinned = pinned ? true : nil
        filter.limit = 0
        return filter
    }
}
