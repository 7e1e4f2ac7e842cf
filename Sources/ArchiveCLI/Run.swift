import ArchiveStore
import ArchiveSync
import ArgumentParser
import Foundation
import SigmicAPI

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
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
        let request = CreateTaskRequest(message: message, systemPrompt: systemPrompt, autoExecute: noAutoExecute ? false : nil,
                                        files: uploads)
        try await HTTPClientBox.with { http in
            let client = try connection.makeClient(http: http)
            let id: String
            do {
                id = try await client.createTask(request)
            } catch let error as SigmicAPIError where OutboxPlan.isOffline(error) {
                var item = NewOutboxItem(kind: .create, message: message, systemPrompt: systemPrompt)
                item.autoExecute = noAutoExecute ? false : nil
                try TaskAction.queue(item, uploads: uploads, archive: try archiveOptions.open(), client: client, because: error,
                                     json: json, describing: "run \(String(reflecting: message))")
            } catch {
                throw CLIError(description: Sync.explain(error, baseURL: connection.resolvedBaseURL))
            }
            if !json { Terminal.note("created task \(id)") }
            let archive = try TaskAction.open(archiveOptions, after: id)
            let ending = try await TaskAction.follow(id, archive: archive, client: client, detach: detach, json: json)
            try TaskAction.finish(ending, json: json)
        }
    }
}

/// What `run` and `reply` share once the server has accepted the message.
enum TaskAction {
    /// Archives and follows the task, holding the archive's writer lock meanwhile.
    static func follow(_ id: String, archive: Archive, client: SigmicClient, detach: Bool, json: Bool) async throws -> FollowedRun.Ending {
        let (live, interactive) = (Terminal.stdoutIsTerminal && !json && !detach, Prompt.stdinIsTerminal && !json)
        let lock: ArchiveLock
        do {
            lock = try ArchiveLock.acquire(archive, purpose: "run")
        } catch ArchiveError.busy(let holder) {
            // Another writer (a `watch`, say) holds the archive: it is not waited for. The run is still
            // followed, and the writer or a later sync archives it.
            Terminal.note("the archive is busy (\(holder) is writing): following task \(id) without archiving it; `watch` or a later sync archives it")
            if detach { return .settled(FollowedRun.TaskState(try await client.getTask(id)), finalResponse: nil) }
            return try await FollowedRun.followWithoutArchiving(id, client: client, live: live, interactive: interactive)
        } catch {
            throw notArchived(id, error)
        }
        defer { withExtendedLifetime(lock) {} }
        return try await FollowedRun(archive: archive, client: client, live: live, interactive: interactive).follow(id, detach: detach)
    }

    /// The archive, opened only after the server said yes to `run`, so that a refused request (wrong
    /// key, bad input) writes nothing. A command opens its archive once: a second opening in the same
    /// process is safe (see `Archive.open`), but one is enough.
    static func open(_ options: ArchiveOptions, after id: String) throws -> Archive {
        do {
            return try options.open()
        } catch {
            throw notArchived(id, error)
        }
    }

    /// The writer lock, for what a command archives after the server acted.
    static func lock(_ archive: Archive, after id: String, purpose: String) throws -> ArchiveLock {
        do {
            return try ArchiveLock.acquire(archive, purpose: purpose)
        } catch {
            throw notArchived(id, error)
        }
    }

    static func notArchived(_ id: String, _ error: any Error) -> CLIError {
        CLIError(description: "task \(id) was sent, but it cannot be archived now (\(error)); `sigmic-archive sync --task \(id)` archives it later")
    }

    /// Prints the outcome and exits with its status: 0 completed or still running (detached),
    /// 1 failed or cancelled, 4 awaiting approval.
    static func finish(_ ending: FollowedRun.Ending, json: Bool) throws {
        switch ending {
        case .settled(let task, let finalResponse):
            if json {
                try Terminal.printJSON(Outcome(id: task.id, status: task.status.rawValue, finalResponse: finalResponse, queued: false))
            } else if !Terminal.stdoutIsTerminal, let finalResponse {
                Terminal.print(finalResponse)
            }
            if !json { Terminal.note("task \(task.id) \(task.status.rawValue)" + (task.error.map { ": \($0)" } ?? "")) }
            if task.status == .failed || task.status == .cancelled { throw ExitCode(1) }
        case .awaitingApproval(let task, let callID, let toolName):
            let command = "sigmic-archive approve \(task.id) \(callID)"
            if json {
                try Terminal.printJSON(Outcome(id: task.id, status: TaskStatus.awaitingApproval.rawValue, finalResponse: nil,
                                               queued: false, awaitingApproval: .init(callId: callID, toolName: toolName, approve: command)))
            } else {
                Terminal.note("tool \(toolName) awaits approval; to answer: \(command)   (or add --deny)")
                Terminal.print(command)
            }
            throw ExitCode(4)
        }
    }

    struct Outcome: Encodable {
        struct Approval: Encodable {
            var callId: String
            var toolName: String
            var approve: String
        }

        var id: String
        var status: String
        var finalResponse: String?
        var queued: Bool
        var awaitingApproval: Approval?

        enum CodingKeys: String, CodingKey { case id, status, finalResponse, queued, awaitingApproval }

        /// `finalResponse` is written even when null, so scripts can rely on the key.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(status, forKey: .status)
            try container.encode(finalResponse, forKey: .finalResponse)
            try container.encode(queued, forKey: .queued)
            try container.encodeIfPresent(awaitingApproval, forKey: .awaitingApproval)
        }
    }
}
