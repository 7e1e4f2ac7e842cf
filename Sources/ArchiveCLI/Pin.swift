import ArchiveStore
import ArgumentParser

/// `pin` and `unpin`: one command, two names; retention never forgets a pinned task.
struct Pin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pin",
        abstract: "Keep tasks whatever the retention policy says (`tasks --pinned` lists them).")

    @OptionGroup var options: ArchiveOptions

    @Argument(help: ArgumentHelp("Task ids or unique prefixes.", valueName: "id"))
    var ids: [String]

    func run() async throws {
        try await Self.set(ids, pinned: true, options: options)
    }

    /// Every id is found before any task changes.
    static func set(_ ids: [String], pinned: Bool, options: ArchiveOptions) async throws {
        let archive = try await options.openExistingWritable()
        var tasks: [StoredTask] = []
        for id in ids { tasks.append(try await archive.task(matching: id)) }
        let rows = tasks.map(\.rowID)
        try await archive.write { writer in
            for row in rows { try writer.setPinned(row, pinned) }
        }
        for task in tasks { Terminal.print(task.remoteID) }
        Terminal.note("\(counted(tasks.count, "task")) \(pinned ? "pinned: retention keeps" : "unpinned: retention may forget") \(tasks.count == 1 ? "it" : "them")")
    }
}

struct Unpin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unpin",
        abstract: "Let the retention policy forget tasks again.")

    @OptionGroup var options: ArchiveOptions

    @Argument(help: ArgumentHelp("Task ids or unique prefixes.", valueName: "id"))
    var ids: [String]

    func run() async throws {
        try await Pin.set(ids, pinned: false, options: options)
    }
}
