import ArchiveStore
import ArchiveSync
import ArgumentParser
import Foundation
import SigmicAPI

struct Cancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a task, and archive it as cancelled.",
        discussion: "ID is a task in the archive (a unique prefix is enough). Cancelling a finished task changes nothing.")

    @Argument(help: "The task's id, or a unique prefix of it.")
    var id: String
    @Flag(help: "Print the result as JSON.")
    var json = false
    @OptionGroup var archiveOptions: ArchiveOptions
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let archive = try await archiveOptions.openWritable()
        let task = try await archive.task(matching: id)
        try await HTTPClientBox.with { http in
            let client = try connection.makeClient(http: http)
            _ = try await TaskAction.sendOrQueue(.cancel(taskID: task.remoteID), archive: { archive }, client: client, connection: connection,
                                                 json: json, describing: "cancel \(task.remoteID.prefix(8))")
            let after = try await TaskAction.archiveNow(task.remoteID, archive: archive, client: client, purpose: "cancel")
            if json {
                try Terminal.printJSON(["id": .string(after.remoteID), "status": .string(after.status.rawValue)] as [String: JSONField])
            } else {
                Terminal.print("task \(after.remoteID) \(after.status.rawValue)")
            }
        }
    }
}
