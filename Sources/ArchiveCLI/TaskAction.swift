import ArchiveStore
import ArchiveSync
import ArgumentParser
import Foundation
import SigmicAPI

/// What the acting commands share once the server has accepted a request: following and archiving
/// the task, the writer lock, and how the outcome is printed.
enum TaskAction {
    /// Archives and follows the task, holding the archive's writer lock meanwhile. `origin` is recorded
    /// on a task this command created (`run`), for `stats`.
    static func follow(_ id: String, archive: any WritableArchive, client: SigmicClient, detach: Bool, json: Bool,
                       origin: String? = nil) async throws -> FollowedRun.Ending {
        let (live, interactive) = (Terminal.stdoutIsTerminal && !json && !detach, Prompt.stdinIsTerminal && !json)
        let lock: ArchiveLock?
        do {
            lock = try archive.claimWriter(purpose: "run")
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
        return try await FollowedRun(archive: archive, client: client, live: live, interactive: interactive).follow(id, detach: detach, origin: origin)
    }

    /// The archive, opened only after the server said yes to `run`, so that a refused request (wrong
    /// key, bad input) writes nothing. A command opens its archive once: a second opening in the same
    /// process is safe (see `Archive.open`), but one is enough.
    static func open(_ options: ArchiveOptions, after id: String) async throws -> any WritableArchive {
        do {
            return try await options.openWritable()
        } catch {
            throw notArchived(id, error)
        }
    }

    /// The writer lock, for what a command archives after the server acted.
    static func lock(_ archive: any WritableArchive, after id: String, purpose: String) throws -> ArchiveLock? {
        do {
            return try archive.claimWriter(purpose: purpose)
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

extension TaskAction {
    /// Archives the task as the server has it now (a sync of it that does not wait), and returns it.
    @discardableResult
    static func archiveNow(_ id: String, archive: any WritableArchive, client: SigmicClient, purpose: String) async throws -> StoredTask {
        let lock = try lock(archive, after: id, purpose: purpose)
        defer { withExtendedLifetime(lock) {} }
        var options = SyncEngine.Options()
        options.taskIDs = [id]
        options.wait = 0
        let report = try await SyncEngine(archive: archive, client: client).run(options)
        if let failure = report.failures.first { throw CLIError(description: "task \(id) could not be archived: \(failure.error)") }
        return try await archive.task(matching: id)
    }
}
