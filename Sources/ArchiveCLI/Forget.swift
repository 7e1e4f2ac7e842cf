import ArchiveStore
import ArchiveSync
import ArgumentParser
import Foundation

struct Forget: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Remove tasks from the archive for good: every message, event, file and search entry — and no sync brings them back.",
        discussion: """
            Name tasks by id or prefix, or select them with --account, --before and --status. Each task \
            goes in a transaction of its own: a forget cut short leaves every task whole or gone, and \
            running it again finishes. A tombstone (the task's id, when, the command) is left so that \
            sync, sync --full, watch and copy skip the task for good; `forget --undo ID` lifts it, and \
            the next sync fetches the task again. Then the old bytes are purged, as `redact` does. Each \
            run is recorded in the audit. On a terminal it asks first; otherwise give --yes.

            Copies made before (backups, exports, a `copy` elsewhere) are out of reach.
            """)

    @OptionGroup var options: ArchiveOptions

    @Argument(help: ArgumentHelp("Task ids or unique prefixes.", valueName: "id"))
    var ids: [String] = []

    @Option(help: ArgumentHelp("Every task of this account (part of its base URL, or its key fingerprint).", valueName: "account"))
    var account: String?

    @Option(help: ArgumentHelp("Every task last active before this date (YYYY-MM-DD or ISO-8601).", valueName: "date"))
    var before: String?

    @Option(help: ArgumentHelp("Every task with this status (repeatable).", valueName: "status"))
    var status: [String] = []

    @Flag(help: "List what would be forgotten; change nothing.")
    var dryRun = false

    @Flag(help: "Do not ask (needed when not on a terminal).")
    var yes = false

    @Flag(help: "Lift the tombstones of the tasks named, so the next sync fetches them again.")
    var undo = false

    @Flag(help: "List the tasks forgotten so far.")
    var list = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    var hasFilter: Bool { account != nil || before != nil || !status.isEmpty }

    func validate() throws {
        try FilterCheck.validate(statuses: status, dates: [("--before", before)])
        if list && (undo || !ids.isEmpty || hasFilter) { throw ValidationError("--list takes no task and no filter") }
        if undo && (ids.isEmpty || hasFilter || dryRun) { throw ValidationError("--undo takes task ids (or prefixes), nothing else") }
        if !list && !undo && ids.isEmpty && !hasFilter {
            throw ValidationError("name the tasks to forget (ids or prefixes), or select them with --account, --before or --status")
        }
        if !ids.isEmpty && hasFilter { throw ValidationError("give task ids or filters, not both") }
    }

    func run() async throws {
        if list { return try await listForgotten() }
        let archive = try await options.openExistingWritable()
        if undo { return try await lift(in: archive) }
        let tasks = try await chosen(in: archive)
        if dryRun || tasks.isEmpty {
            if json {
                try Terminal.printJSON(tasks.map { ForgetCandidate($0) })
            } else {
                for task in tasks { Terminal.print(ForgetCandidate(task).line) }
            }
            Terminal.note(tasks.isEmpty ? "no task matches" : "\(counted(tasks.count, "task")) would be forgotten")
            return
        }
        guard try await confirmed(tasks) else { throw CLIError(description: "nothing forgotten") }
        let lock = try archive.claimWriter(purpose: "forget")
        defer { withExtendedLifetime(lock) {} }
        let display = ProgressDisplay(enabled: !json && Terminal.stderrIsTerminal)
        let total = tasks.count
        let result = try await Forgetting(command: "forget").forget(tasks.map(\.rowID), in: archive) { done in
            display.update("forgetting \(done)/\(total) tasks")
        }
        display.finish()
        if json {
            try Terminal.printJSON(ForgetSummary(result))
        } else {
            for task in result.forgotten { Terminal.print(task.remoteID) }
        }
        var line = "forgot \(counted(result.forgotten.count, "task")): \(counted(result.messages, "message")), "
            + "\(counted(result.events, "event")), \(counted(result.artifacts, "artifact")), \(Status.bytes(result.bytes))"
        if result.outboxItems > 0 { line += ", \(counted(result.outboxItems, "outbox item"))" }
        if let purge = result.purge { line += "; purged: \(Status.bytes(purge.bytesBefore)) → \(Status.bytes(purge.bytesAfter))" }
        Terminal.note(line)
        for problem in result.purge?.unfinished ?? [] { Terminal.note("not yet purged: \(problem)") }
    }

    /// The tasks named (each id or prefix must name exactly one) or selected; nothing is changed before
    /// every one is found.
    func chosen(in archive: some ArchiveReader) async throws -> [StoredTask] {
        guard ids.isEmpty else {
            var seen = Set<TaskRowID>()
            var tasks: [StoredTask] = []
            let forgotten = try await archive.tombstones().map(\.remoteID)
            for id in ids {
                // Running a forget again after it was cut short names tasks it already removed.
                if forgotten.contains(id.lowercased()) {
                    Terminal.note("\(id) is forgotten already")
                    continue
                }
                let task = try await archive.task(matching: id)
                if seen.insert(task.rowID).inserted { tasks.append(task) }
            }
            return tasks
        }
        var filter = TaskFilter()
        filter.statuses = status.map { TaskStatus($0) }
        filter.until = before.flatMap(SearchQuery.Filters.dateBound)
        filter.account = account
        filter.limit = 0
        return try await archive.storedTasks(filter)
    }

    func confirmed(_ tasks: [StoredTask]) async throws -> Bool {
        if yes { return true }
        guard Prompt.stdinIsTerminal && Terminal.stderrIsTerminal else {
            throw CLIError(description: "forget removes \(counted(tasks.count, "task")) for good; add --yes to confirm (or --dry-run to list them)")
        }
        for task in tasks.prefix(10) { Terminal.note(ForgetCandidate(task).line) }
        if tasks.count > 10 { Terminal.note("… and \(tasks.count - 10) more") }
        let answer = await Prompt.line("Forget \(counted(tasks.count, "task")) for good? [y/N] ")
        return ["y", "yes"].contains(answer?.lowercased().trimmingCharacters(in: .whitespaces) ?? "")
    }

    func lift(in archive: some WritableArchive) async throws {
        var lifted: [String] = []
        for id in ids {
            do {
                lifted.append(try await Forgetting.undo(id, in: archive).remoteID)
            } catch let error as ForgetError {
                throw CLIError(description: error.description)
            }
        }
        if json { try Terminal.printJSON(["lifted": lifted]) } else { for id in lifted { Terminal.print(id) } }
        Terminal.note("\(counted(lifted.count, "task")) no longer forgotten: the next sync fetches \(lifted.count == 1 ? "it" : "them") again")
    }

    func listForgotten() async throws {
        let archive = try await options.openReader()
        let tombstones = try await archive.tombstones()
        if json {
            try Terminal.printJSON(tombstones.map { ["task": $0.remoteID, "account": $0.accountBaseURL, "forgottenAt": $0.forgottenAt,
                                                     "reason": $0.reason] })
            return
        }
        if tombstones.isEmpty { Terminal.note("no task has been forgotten") }
        for tombstone in tombstones {
            Terminal.print("\(tombstone.remoteID)  \(tombstone.forgottenAt)  \(tombstone.reason)  \(tombstone.accountBaseURL)")
        }
    }
}

/// A task `forget --dry-run` lists.
struct ForgetCandidate: Encodable {
    let task: String
    let status: String
    let lastActivityAt: String
    let messageCount: Int?

    init(_ task: StoredTask) {
        (self.task, status, lastActivityAt, messageCount) = (task.remoteID, task.status.rawValue, task.lastActivityAt, task.messageCount)
    }

    var line: String { "\(task)  \(status)  \(lastActivityAt)" }
}

/// What `forget --json` prints.
struct ForgetSummary: Encodable {
    let forgotten: [String]
    let messages: Int
    let events: Int
    let artifacts: Int
    let outboxItems: Int
    let bytes: Int64
    let purge: PurgeSummary?

    init(_ result: Forgetting.Result) {
        forgotten = result.forgotten.map(\.remoteID)
        (messages, events, artifacts, outboxItems, bytes) = (result.messages, result.events, result.artifacts, result.outboxItems, result.bytes)
        purge = result.purge.map(PurgeSummary.init)
    }
}
