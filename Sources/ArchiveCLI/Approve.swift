import ArchiveStore
import ArchiveSync
import ArgumentParser
import Foundation
import SigmicAPI

struct Approve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Answer a tool call that awaits approval: run it once, or --deny it.",
        discussion: """
            ID is a task in the archive (a unique prefix is enough); CALL_ID is the call's id, as `run` prints \
            it or as `show` lists the task's pending approvals. The task is archived again afterwards.
            """)

    @Argument(help: "The task's id, or a unique prefix of it.")
    var id: String
    @Argument(help: "The tool call's id.")
    var callID: String
    @Flag(help: "Reject the call instead (the API's outcome `cancel`).")
    var deny = false
    @Flag(help: "Print the result as JSON.")
    var json = false
    @OptionGroup var archiveOptions: ArchiveOptions
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let archive = try await archiveOptions.openWritable()
        let task = try await archive.task(matching: id)
        let outcome: ApprovalOutcome = deny ? .cancel : .proceedOnce
        try await HTTPClientBox.with { http in
            let client = try connection.makeClient(http: http)
            let answer = try await TaskAction.sendOrQueue(.approve(taskID: task.remoteID, callID: callID, outcome: outcome), archive: { archive },
                                                          client: client, connection: connection, json: json,
                                                          describing: "\(deny ? "deny" : "approve") \(callID) of \(task.remoteID.prefix(8))")
            let approved = answer == .approved(true)
            try await TaskAction.archiveNow(task.remoteID, archive: archive, client: client, purpose: "approve")
            if json {
                try Terminal.printJSON(["id": .string(task.remoteID), "callId": .string(callID), "outcome": .string(outcome.rawValue),
                                        "approved": .bool(approved)] as [String: JSONField])
            } else {
                Terminal.print(approved ? "approved \(callID) of task \(task.remoteID)" : "denied \(callID) of task \(task.remoteID)")
            }
        }
    }
}
