import ArchiveStore
import ArchiveSync
import Foundation
import Pacing
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

    func follow(_ id: String, detach: Bool, origin: String? = nil) async throws -> Ending {
        let display = LiveDisplay(enabled: live, tagged: false)
        let ended = Mutex<FollowMachine.Ending?>(nil)
        let (questions, asking) = AsyncStream<FollowMachine.Call>.makeStream()
        let engine = SyncEngine(archive: archive, client: client, onEvent: { _, event in display.show(id, event) })
        var options = SyncEngine.Options()
        options.taskIDs = [id]
        options.wait = detach ? 0 : Self.followLimit
        options.approvals = interactive ? .ask : .stop
        options.askAbout = { calls in for call in calls { asking.yield(call) } }
        options.followEnded = { _, ending in ended.withLock { $0 = ending } }
        let report = try await Self.answering(questions, id: id, client: client) { [options] in
            defer { asking.finish() }
            return try await engine.run(options)
        }
        // Followed to its end, or left where it waits for an approval: either way the engine has
        // recorded the task as the server has it now.
        if let failure = report.failures.first { throw CLIError(description: "task \(id) could not be archived: \(failure.error)") }
        if live { FileHandle.standardOutput.write(Data("\n".utf8)) }
        let task = try await archive.task(matching: id)
        if let origin { try await archive.write { try $0.recordOrigin(task.rowID, origin) } }
        switch ended.withLock({ $0 }) {
        case .awaitingApproval(let call)?:
            return .awaitingApproval(TaskState(task), callID: call.callID, toolName: call.toolName)
        case .finished(let finalResponse?)?:
            return .settled(TaskState(task), finalResponse: finalResponse)
        default:
            // A run that ended before its stream was attached sent its `done` to nobody: its answer is
            // the last assistant message of the settled history.
            let answer = task.status == .completed ? try await archive.messages(of: task.rowID).last { $0.role == "assistant" }?.content : nil
            return .settled(TaskState(task), finalResponse: answer)
        }
    }

    /// Runs `work` while the calls it raises are put to the user one at a time.
    private static func answering<T: Sendable>(_ questions: AsyncStream<FollowMachine.Call>, id: String, client: SigmicClient,
                                               _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                for await call in questions { await ask(id: id, call: call, client: client) }
                return nil
            }
            group.addTask { try await work() }
            var result: T?
            for try await value in group { result = result ?? value }
            return result!
        }
    }

    /// Follows the task without recording it, when another process holds the archive (a `watch`,
    /// most likely, which records it itself): the same machine and the same endings, shown live, with
    /// approvals asked.
    static func followWithoutArchiving(_ id: String, client: SigmicClient, live: Bool, interactive: Bool) async throws -> Ending {
        let display = LiveDisplay(enabled: live, tagged: false)
        let pending = (try await client.getTask(id).pendingApprovals ?? []).compactMap(FollowMachine.Call.init(pending:))
        let machine = FollowMachine(deadline: client.clock.now + .seconds(followLimit), approvals: interactive ? .ask : .stop, pending: pending)
        let (questions, asking) = AsyncStream<FollowMachine.Call>.makeStream()
        let ending = try await answering(questions, id: id, client: client) {
            defer { asking.finish() }
            return try await StreamFollower(client: client).follow(id, machine: machine, recording: ShownFollow(id: id, display: display),
                                                                   ask: { calls in for call in calls { asking.yield(call) } })
        }
        if live { FileHandle.standardOutput.write(Data("\n".utf8)) }
        let task = TaskState(try await client.getTask(id))
        switch ending {
        case .awaitingApproval(let call):
            return .awaitingApproval(task, callID: call.callID, toolName: call.toolName)
        case .finished(let finalResponse?):
            return .settled(task, finalResponse: finalResponse)
        default:
            // As in `follow`: a run that ended before we attached has its answer in the history only.
            let answer = task.status == .completed ? try await client.history(id).messages.last { $0.role == "assistant" }?.content : nil
            return .settled(task, finalResponse: answer)
        }
    }

    /// Shows the call and asks on the terminal; sends `proceed_once` for y, `cancel` otherwise.
    static func ask(id: String, call: FollowMachine.Call, client: SigmicClient) async {
        let (callID, arguments) = (call.callID, call.args.map { $0.canonicalText } ?? "{}")
        let question = "\ntool \(call.toolName) wants to run with \(arguments)\napprove? [y/N] "
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

/// Shows a followed stream that is not being archived.
struct ShownFollow: FollowRecording {
    let id: String
    let display: LiveDisplay

    func sessionBegan() {}
    func record(_ records: [StreamRecord]) { for record in records { display.show(id, record) } }
    func sessionEnded(_ reason: AttachSessionEnd) {}
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
