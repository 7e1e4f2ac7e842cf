import ArchiveStore
import ArchiveSync
import ArgumentParser
import Foundation
import SigmicAPI

struct Approve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
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
        let archive = try archiveOptions.open()
        let task = try archive.task(matching: id)
        let outcome: ApprovalOutcome = deny ? .cancel : .proceedOnce
        try await HTTPClientBox.with { http in
            let client = try connection.makeClient(http: http)
            let approved: Bool
            do {
                approved = try await client.approve(task.remoteID, callId: callID, outcome: outcome)
            } catch let error as SigmicAPIError where OutboxPlan.isOffline(error) {
                try TaskAction.queue(NewOutboxItem(kind: .approve, taskID: task.remoteID, callID: callID, outcome: outcome.rawValue),
                                     archive: archive, client: client, because: error, json: json,
                                     describing: "\(deny ? "deny" : "approve") \(callID) of \(task.remoteID.prefix(8))")
            } catch {
                throw CLIError(description: Sync.explain(error, baseURL: connection.resolvedBaseURL))
            }
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

struct Cancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Cancel a task, and archive it as cancelled.",
        discussion: "ID is a task in the archive (a unique prefix is enough). Cancelling a finished task changes nothing.")

    @Argument(help: "The task's id, or a unique prefix of it.")
    var id: String
    @Flag(help: "Print the result as JSON.")
    var json = false
    @OptionGroup var archiveOptions: ArchiveOptions
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let archive = try archiveOptions.open()
        let task = try archive.task(matching: id)
        try await HTTPClientBox.with { http in
            let client = try connection.makeClient(http: http)
            do {
                try await client.cancel(task.remoteID)
            } catch let error as SigmicAPIError where OutboxPlan.isOffline(error) {
                try TaskAction.queue(NewOutboxItem(kind: .cancel, taskID: task.remoteID), archive: archive, client: client,
                                     because: error, json: json, describing: "cancel \(task.remoteID.prefix(8))")
            } catch {
                throw CLIError(description: Sync.explain(error, baseURL: connection.resolvedBaseURL))
            }
            let after = try await TaskAction.archiveNow(task.remoteID, archive: archive, client: client, purpose: "cancel")
            if json {
                try Terminal.printJSON(["id": .string(after.remoteID), "status": .string(after.status.rawValue)] as [String: JSONField])
            } else {
                Terminal.print("task \(after.remoteID) \(after.status.rawValue)")
            }
        }
    }
}

/// A JSON value for the small result objects of the acting commands.
enum JSONField: Encodable {
    case string(String)
    case bool(Bool)

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        }
    }
}

extension TaskAction {
    /// Archives the task as the server has it now (a sync of it that does not wait), and returns it.
    @discardableResult
    static func archiveNow(_ id: String, archive: Archive, client: SigmicClient, purpose: String) async throws -> StoredTask {
        let lock = try lock(archive, after: id, purpose: purpose)
        defer { withExtendedLifetime(lock) {} }
        var options = SyncEngine.Options()
        options.taskIDs = [id]
        options.wait = 0
        let report = try await SyncEngine(archive: archive, client: client).run(options)
        if let failure = report.failures.first { throw CLIError(description: "task \(id) could not be archived: \(failure.error)") }
        return try archive.task(matching: id)
    }
}
