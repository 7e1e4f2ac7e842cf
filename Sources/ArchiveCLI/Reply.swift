import ArchiveStore
import ArchiveSync
import ArgumentParser
import Foundation
import SigmicAPI

struct Reply: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reply",
        abstract: "Send a follow-up to a task, follow it live, and archive it as it runs.",
        discussion: """
            ID is a task in the archive (a unique prefix is enough, as in `show`). The task runs again with \
            MESSAGE; it is followed, shown and archived as `run` does, with the same exit statuses. A task \
            still running takes no follow-up: wait for it, or cancel it. When the task's session had \
            expired, the API restores it, and this command says so.
            """)

    @Argument(help: "The task's id, or a unique prefix of it.")
    var id: String
    @Argument(help: "The follow-up message.")
    var message: String
    @OptionGroup var options: MessageOptions
    @OptionGroup var archiveOptions: ArchiveOptions
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let uploads = try options.uploads(for: message)
        let (json, detach) = (options.json, options.detach)
        let archive = try await archiveOptions.openWritable()
        let before = try await archive.task(matching: id)
        try await HTTPClientBox.with { http in
            let client = try connection.makeClient(http: http)
            _ = try await TaskAction.sendOrQueue(.followUp(taskID: before.remoteID, message: message, files: uploads), archive: { archive },
                                                 client: client, connection: connection, json: json,
                                                 describing: "reply to \(before.remoteID.prefix(8))")
            if !json { Terminal.note("sent a follow-up to task \(before.remoteID)") }
            let ending = try await TaskAction.follow(before.remoteID, archive: archive, client: client, detach: detach, json: json)
            if case .settled(let after, _) = ending, let old = before.sessionID, let new = after.sessionID, old != new, !json {
                Terminal.note("the task's session had expired; the API restored it as session \(new) with the conversation so far")
            }
            try TaskAction.finish(ending, json: json)
        }
    }
}
