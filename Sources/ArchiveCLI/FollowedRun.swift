import ArchiveStore
import ArchiveSync
import Foundation
import SigmicAPI
import Synchronization

/// Follows a task the user just started (`run`) or continued (`reply`) until its run ends: every event
/// is archived as `sync` archives a running task (one attach session per connection), shown live on a
/// terminal, and a tool call that awaits approval is put to the user when stdin is a terminal. At the
/// end the task is settled — get, history, artifacts — so the archive equals what a later sync gives.
struct FollowedRun {
    let archive: any WritableArchive
    let client: SigmicClient
    /// Print events as they arrive.
    let live: Bool
    /// Ask `approve? [y/N]` on the terminal; otherwise stop at the first call that awaits approval.
    let interactive: Bool

    enum Ending {
        /// The run is over (or, with `--detach`, the task was recorded as it is now).
        case settled(TaskState, finalResponse: String?)
        /// Off a terminal, a tool call awaits approval; the task is left waiting.
        case awaitingApproval(TaskState, callID: String, toolName: String)
    }

    /// What the command reports of the task at the end.
    struct TaskState {
        var id: String
        var status: TaskStatus
        var error: String?
        var sessionID: String?

        init(_ task: StoredTask) {
            (id, status, error, sessionID) = (task.remoteID, task.status, task.error, task.sessionID)
        }

        init(_ task: APITask) {
            (id, status, error, sessionID) = (task.id, TaskStatus(task.status), task.error, task.sessionId)
        }
    }

    /// How long a followed run may go on: a week, i.e. until it ends.
    static let followLimit = 7 * 24 * 3600.0

    func follow(_ id: String, detach: Bool) async throws -> Ending {
        let display = LiveDisplay(enabled: live, tagged: false)
        let seen = Mutex<(finalResponse: String?, waiting: (callID: String, toolName: String)?)>((nil, nil))
        let interactive = self.interactive
        let archive = self.archive
        let (questions, asking) = AsyncStream<(callID: String, toolName: String, args: JSONValue?)>.makeStream()
        let engine = SyncEngine(archive: archive, client: client, onEvent: { _, event in
            display.show(id, event)
            for call in Self.awaitingApproval(after: event, pending: { Self.pendingApprovals(of: id, in: archive) }) {
                // Asked while the stream stays open: the server waits for the answer.
                if interactive { asking.yield(call) } else { seen.withLock { $0.waiting = (call.callID, call.toolName) } }
            }
            if case .done(let text) = event { seen.withLock { $0.finalResponse = text } }
        })
        var options = SyncEngine.Options()
        options.taskIDs = [id]
        options.wait = detach ? 0 : Self.followLimit
        if !interactive {
            options.detachAfter = { event in
                !Self.awaitingApproval(after: event, pending: { Self.pendingApprovals(of: id, in: archive) }).isEmpty
            }
        }
        let client = self.client
        let report = try await withThrowingTaskGroup(of: SyncReport?.self) { group in
            group.addTask {
                for await question in questions {
                    await Self.ask(id: id, callID: question.callID, toolName: question.toolName, args: question.args, client: client)
                }
                return nil
            }
            group.addTask { [options] in
                defer { asking.finish() }
                return try await engine.run(options)
            }
            var report: SyncReport?
            for try await result in group { report = report ?? result }
            return report!
        }
        // Followed to its end, or left where it waits for an approval: either way the engine has
        // recorded the task as the server has it now.
        let (finalResponse, waiting) = seen.withLock { ($0.finalResponse, $0.waiting) }
        if let failure = report.failures.first { throw CLIError(description: "task \(id) could not be archived: \(failure.error)") }
        if live { FileHandle.standardOutput.write(Data("\n".utf8)) }
        let task = try archive.task(matching: id)
        if let waiting { return .awaitingApproval(TaskState(task), callID: waiting.callID, toolName: waiting.toolName) }
        // A run that ended before its stream was attached sent its `done` to nobody: its answer is the
        // last assistant message of the settled history.
        if let finalResponse { return .settled(TaskState(task), finalResponse: finalResponse) }
        let answer = task.status == .completed ? try archive.messages(of: task.rowID).last { $0.role == "assistant" }?.content : nil
        return .settled(TaskState(task), finalResponse: answer)
    }

    /// The tool calls that await approval once `event` has been seen: the call it announces, or — at the
    /// end of the history replay — those the task already had when the stream was attached (a run that
    /// got to its call before we attached sends no `tool_call` again; the task's GET, archived just
    /// before attaching, lists it among `pendingApprovals`).
    static func awaitingApproval(after event: TaskStreamEvent, pending: () -> [JSONValue]) -> [(callID: String, toolName: String, args: JSONValue?)] {
        switch event {
        case .toolCall(let callID, let toolName, "awaiting_approval", let args):
            return [(callID, toolName, args)]
        case .historyDone:
            return pending().compactMap { call in
                call["callId"]?.string.map { ($0, call["toolName"]?.string ?? "?", call["args"]) }
            }
        default:
            return []
        }
    }

    static func pendingApprovals(of taskID: String, in archive: any WritableArchive) -> [JSONValue] {
        guard let text = try? archive.task(matching: taskID).pendingApprovalsJSON else { return [] }
        return (try? JSONValue.parse(Data(text.utf8)).array) ?? []
    }

    /// Follows the task without recording it, when another process holds the archive (a `watch`,
    /// most likely, which records it itself): shown live, approvals asked, the same endings.
    static func followWithoutArchiving(_ id: String, client: SigmicClient, live: Bool, interactive: Bool) async throws -> Ending {
        let display = LiveDisplay(enabled: live, tagged: false)
        let pending = try await client.getTask(id).pendingApprovals ?? []
        var finalResponse: String?
        var attempt = 0
        reading: while true {
            attempt += 1
            do {
                for try await record in client.stream(id) {
                    display.show(id, record.event)
                    for call in awaitingApproval(after: record.event, pending: { pending }) {
                        guard interactive else {
                            if live { FileHandle.standardOutput.write(Data("\n".utf8)) }
                            return .awaitingApproval(TaskState(try await client.getTask(id)), callID: call.callID, toolName: call.toolName)
                        }
                        await ask(id: id, callID: call.callID, toolName: call.toolName, args: call.args, client: client)
                    }
                    switch record.event {
                    case .done(let text): finalResponse = text; break reading
                    case .error: break reading
                    case .historyDone(_, let streaming) where !streaming: break reading
                    default: continue
                    }
                }
            } catch let error as SigmicAPIError where error.isRetryable {
                // Dropped: reconnect, as a sync would.
            }
            try await client.retrier.wait(beforeRetry: min(attempt, 6), atMost: 5)
        }
        if live { FileHandle.standardOutput.write(Data("\n".utf8)) }
        let task = TaskState(try await client.getTask(id))
        // As in `follow`: a run that ended before we attached has its answer in the history only.
        if finalResponse == nil && task.status == .completed {
            finalResponse = try await client.history(id).messages.last { $0.role == "assistant" }?.content
        }
        return .settled(task, finalResponse: finalResponse)
    }

    /// Shows the call and asks on the terminal; sends `proceed_once` for y, `cancel` otherwise.
    static func ask(id: String, callID: String, toolName: String, args: JSONValue?, client: SigmicClient) async {
        let arguments = args.map { $0.canonicalText } ?? "{}"
        let question = "\ntool \(toolName) wants to run with \(arguments)\napprove? [y/N] "
        let answer = await Prompt.line(question)
        let approved = answer.map { ["y", "yes"].contains($0.lowercased().trimmingCharacters(in: .whitespaces)) } ?? false
        do {
            try await client.approve(id, callId: callID, outcome: approved ? .proceedOnce : .cancel)
            Terminal.note(approved ? "approved \(callID)" : "denied \(callID)")
        } catch {
            Terminal.note("could not answer \(callID): \(error)")
        }
    }
}

/// A line from the terminal, read on a thread of its own (reading blocks; the concurrency pool's few
/// threads must not).
enum Prompt {
    static func line(_ question: String) async -> String? {
        await withCheckedContinuation { continuation in
            Thread {
                FileHandle.standardError.write(Data(question.utf8))
                continuation.resume(returning: readLine(strippingNewline: true))
            }.start()
        }
    }

    static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }
}
