import ArchiveStore
import ArchiveSync
import ArgumentParser
import Foundation
import SigmicAPI

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Create a task, follow it live, and archive it as it runs.",
        discussion: """
            Sends MESSAGE (with --file uploads as multipart), then follows the task's stream: on a terminal \
            its text is printed as it arrives, with status, thoughts and tool calls as short lines. Every \
            event is archived as it arrives, exactly as `sync` archives a running task, and when the run ends \
            the task is settled (details, history, files), so the archive equals what a later sync gives. \
            With --no-auto-execute a tool call waits for approval: on a terminal you are asked; otherwise the \
            command prints the `approve` command to run and exits 4, leaving the task waiting. \
            Exit status: 0 completed (or detached), 1 failed or cancelled, 4 awaiting approval.
            """)

    @Argument(help: "What to ask the agent.")
    var message: String
    @Option(help: ArgumentHelp("A system prompt for the task.", valueName: "text"))
    var systemPrompt: String?
    @Flag(help: "Ask before each tool call runs (the API's autoExecute=false).")
    var noAutoExecute = false
    @OptionGroup var options: MessageOptions
    @OptionGroup var archiveOptions: ArchiveOptions
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let uploads = try options.uploads(for: message)
        let (json, detach) = (options.json, options.detach)
        let request = TaskRequest.create(message: message, systemPrompt: systemPrompt, autoExecute: noAutoExecute ? false : nil,
                                         files: uploads)
        try await HTTPClientBox.with { http in
            let client = try connection.makeClient(http: http)
            let answer = try await TaskAction.sendOrQueue(request, archive: { try await archiveOptions.openWritable() }, client: client,
                                                          connection: connection, json: json, describing: "run \(String(reflecting: message))")
            guard case .created(let id) = answer else { preconditionFailure("a new run is answered with its task") }
            if !json { Terminal.note("created task \(id)") }
            let archive = try await TaskAction.open(archiveOptions, after: id)
            let ending = try await TaskAction.follow(id, archive: archive, client: client, detach: detach, json: json, origin: "run")
            try TaskAction.finish(ending, json: json)
        }
    }
}
