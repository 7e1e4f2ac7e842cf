import Foundation
import SeededRandom

extension World {
    /// Applies the next step of a task's run and tells its subscribers. Returns false when the run has
    /// ended or is parked on an approval.
    @discardableResult
    func step(_ id: String) -> Bool {
        guard var task = tasks[id], var run = task.run, !run.isBlocked, run.next < run.steps.count else { return false }
        let now = self.now
        if task.status == "pending" {
            task.status = "running"
            task.startedAt = now
        }
        let step = run.steps[run.next]
        run.next += 1
        run.updatedAt = now
        var events: [StreamEvent] = []
        var ended = false
        switch step {
        case .status(let status):
            events.append(StreamEvent(name: "status", data: .object([("status", .string(status))])))
        case .thought(let subject, let description):
            run.thoughts.append((subject, description))
            events.append(StreamEvent(name: "thought", data: .object([("subject", .string(subject)), ("description", .string(description))])))
        case .content(let text, let isPartial):
            run.content += text
            events.append(StreamEvent(name: "content", data: .object([("text", .string(text)), ("isPartial", .bool(isPartial))])))
        case .toolCall(var call):
            let needsApproval = !task.autoExecute && !task.alwaysApproved.contains(call.toolName)
            call.status = needsApproval ? "awaiting_approval" : "executing"
            run.toolCalls.append(call)
            if needsApproval {
                run.pendingApprovals.append(call)
                task.status = "awaiting_approval"
            }
            events.append(StreamEvent(name: "tool_call", data: .object([
                ("callId", .string(call.callId)), ("toolName", .string(call.toolName)), ("status", .string(call.status)), ("args", call.args),
            ])))
        case .toolResult(let callId, let output):
            if let index = run.toolCalls.firstIndex(where: { $0.callId == callId }) {
                let rejected = run.toolCalls[index].status == "cancelled"
                run.toolCalls[index].status = rejected ? "cancelled" : "success"
                run.toolCalls[index].output = rejected ? "Rejected by user" : output
                events.append(StreamEvent(name: "tool_result", data: .object([
                    ("callId", .string(callId)), ("status", .string(run.toolCalls[index].status)),
                    ("output", .string(run.toolCalls[index].output!)),
                ])))
            }
        case .subagent(let name, let display, let objective, let tool):
            events += [
                StreamEvent(name: "subagent_start", data: .object([("agentName", .string(name)), ("displayName", .string(display)),
                                                                   ("description", .string("Writes and edits code files")), ("objective", .string(objective))])),
                StreamEvent(name: "subagent_thought", data: .object([("agentName", .string(name)), ("text", .string("Choosing a chart type…"))])),
                StreamEvent(name: "subagent_tool", data: .object([("agentName", .string(name)), ("status", .string("end")),
                                                                  ("toolName", .string(tool)), ("output", .string("Chart saved"))])),
                StreamEvent(name: "subagent_end", data: .object([("agentName", .string(name)), ("terminateReason", .string("GOAL")),
                                                                 ("result", .string(objective))])),
            ]
        case .writeFile(let path, let text):
            task.files.removeAll { $0.path == path }
            task.files.append(EmulatedFile(path: path, modifiedAt: now, bytes: .literal(Array(text.utf8))))
        case .fail(let message):
            task.status = "failed"
            task.error = message
            task.completedAt = now
            events.append(StreamEvent(name: "error", data: .object([("message", .string(message)), ("code", .string("AGENT_ERROR"))])))
            ended = true
        case .finish:
            var random = SeededRandom(seed: config.seed, stream: "msg:\(id):\(task.messages.count)")
            task.messages.append(EmulatedMessage(id: "msg-" + random.hex(12), role: "assistant", content: run.content,
                                                 createdAt: now, thoughts: run.thoughts, toolCalls: run.toolCalls))
            task.status = "completed"
            task.completedAt = now
            events.append(StreamEvent(name: "done", data: .object([("finalResponse", .string(run.content))])))
            ended = true
        }
        task.output = run.outputJSON
        for event in events { run.broadcast(.event(event)) }
        if ended {
            run.closeSubscribers()
            task.run = nil
            runners[id] = nil
        } else {
            task.run = run
        }
        touched(task)
        return !ended && !run.isBlocked
    }

    func startRunner(_ id: String, firstDelay: Double) {
        guard !shuttingDown else { return }
        runners[id]?.cancel()
        let clock = config.clock
        let interval = config.stepInterval
        runners[id] = Task { [weak self] in
            var delay = firstDelay
            while !Task.isCancelled {
                do { try await clock.sleep(seconds: delay) } catch { return }
                guard let self, await self.step(id) else { return }
                delay = interval
            }
        }
    }

    /// Stops every run and closes every stream, so the server can shut down.
    func shutdown() {
        shuttingDown = true
        for runner in runners.values { runner.cancel() }
        runners = [:]
        for task in tasks.values { task.run?.closeSubscribers() }
        statusWatchers.forEach { $0.continuation.resume() }
        statusWatchers = []
        subscribersChanged()
    }

    // MARK: - Streams

    struct Attachment: Sendable {
        var replay: [StreamEvent]
        var live: AsyncStream<StreamItem>?
    }

    /// History replay, `history_done`, catch-up and a live feed, taken in one actor step so that no
    /// event falls between the snapshot and the subscription.
    func attach(key: Int, id: String) throws(APIError) -> Attachment {
        var task = try owned(key: key, id: id)
        var replay = task.messages.map { StreamEvent(name: "history_message", data: $0.json) }
        let streaming = task.isStreaming && task.run != nil && !shuttingDown
        replay.append(StreamEvent(name: "history_done", data: .object([
            ("messageCount", .int(task.messages.count)), ("isStreaming", .bool(streaming)),
        ])))
        guard streaming, var run = task.run else { return Attachment(replay: replay, live: nil) }
        replay += run.catchUp
        let subscriber = UUID()
        let interval = config.heartbeatInterval
        let clock = config.clock
        let (stream, continuation) = AsyncStream<StreamItem>.makeStream(bufferingPolicy: .unbounded)
        let heartbeat = Task {
            while !Task.isCancelled {
                do { try await clock.sleep(seconds: interval) } catch { return }
                continuation.yield(.heartbeat)
            }
        }
        continuation.onTermination = { [weak self] _ in
            heartbeat.cancel()
            Task { await self?.detach(id: id, subscriber: subscriber) }
        }
        run.subscribers[subscriber] = continuation
        task.run = run
        tasks[id] = task
        subscribersChanged()
        return Attachment(replay: replay, live: stream)
    }

    func detach(id: String, subscriber: UUID) {
        tasks[id]?.run?.subscribers[subscriber] = nil
    }
}
