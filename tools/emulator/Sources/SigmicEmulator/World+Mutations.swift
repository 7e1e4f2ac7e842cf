import Foundation
import SeededRandom

/// A file sent with a create or follow-up.
struct Upload: Sendable {
    var filename: String
    var bytes: [UInt8]
}

/// The fields of a create request, from either body encoding.
struct CreateRequest: Sendable {
    var message: String
    var systemPrompt: String?
    var autoExecute = true
    var showInHistory = true
    var env: [(String, String)]?
    var files: [Upload] = []
}

extension World {
    static let maxFiles = 20
    static let maxFileBytes = 50 * 1024 * 1024

    func create(key: Int, _ request: CreateRequest) throws(APIError) -> JSON {
        try Self.checkUploads(request.files)
        var random = SeededRandom(seed: config.seed, stream: "created:\(key):\(createdCount[key])")
        createdCount[key] += 1
        let now = self.now
        let id = random.uuid()
        var task = EmulatedTask(
            id: id, keyIndex: key, sessionId: random.uuid(),
            conversationId: "\(Int64(now.timeIntervalSince1970 * 1000))-\(random.hex(9))",
            status: "pending", message: request.message, systemPrompt: request.systemPrompt,
            showInHistory: request.showInHistory, autoExecute: request.autoExecute, env: request.env,
            createdAt: now)
        task.messages.append(userMessage(taskID: id, index: 0, text: request.message, uploads: request.files, at: now, into: &task))
        let steps = config.longRunEvents.map(AgentRun.longScript) ?? AgentRun.script(seed: config.seed, taskID: id, runIndex: 0, prompt: request.message)
        task.run = AgentRun(steps: steps, updatedAt: now)
        task.runCount = 1
        touched(task)
        startRunner(id, firstDelay: config.startDelay)
        return success(.object([("id", .string(id)), ("status", .string("pending"))]))
    }

    func followUp(key: Int, id: String, message: String, files: [Upload]) throws(APIError) -> JSON {
        var task = try owned(key: key, id: id)
        try Self.checkUploads(files)
        // [I] §9.23: a task still working takes no follow-up; wait for it or cancel it first.
        guard !task.isStreaming else {
            throw .validation("Task is \(task.status); send a follow-up once it has finished, or cancel it")
        }
        let now = self.now
        if task.sessionExpired {
            // [I] §3.6: an expired session is restored on a follow-up, under a new session id.
            var random = SeededRandom(seed: config.seed, stream: "session:\(id):\(task.runCount)")
            task.sessionId = random.uuid()
            task.sessionExpired = false
        }
        task.messages.append(userMessage(taskID: id, index: task.messages.count, text: message, uploads: files, at: now, into: &task))
        // [I] §9.18/22: a follow-up starts a new run now: startedAt moves, completedAt and error clear.
        task.status = "running"
        task.startedAt = now
        task.completedAt = nil
        task.error = nil
        task.run = AgentRun(steps: AgentRun.script(seed: config.seed, taskID: id, runIndex: task.runCount, prompt: message), updatedAt: now)
        task.runCount += 1
        followUpCount[key] += 1
        touched(task)
        startRunner(id, firstDelay: config.startDelay)
        return success(.object([("status", .string("running"))]))
    }

    func approve(key: Int, id: String, callId: String, outcome: String?) throws(APIError) -> JSON {
        var task = try owned(key: key, id: id)
        guard let outcome, ["proceed_once", "proceed_always", "cancel"].contains(outcome) else {
            throw .validation("Invalid outcome value")
        }
        // [I] §9.29: a call that is not waiting (or was already answered) is not found.
        guard var run = task.run, let index = run.pendingApprovals.firstIndex(where: { $0.callId == callId }) else {
            throw .notFound("Task or tool call not found")
        }
        let call = run.pendingApprovals.remove(at: index)
        if let position = run.toolCalls.firstIndex(where: { $0.callId == callId }) {
            run.toolCalls[position].status = outcome == "cancel" ? "cancelled" : "executing"
        }
        if outcome == "proceed_always" { task.alwaysApproved.insert(call.toolName) }
        if run.pendingApprovals.isEmpty { task.status = "running" }
        task.run = run
        touched(task)
        startRunner(id, firstDelay: config.stepInterval)
        return success(.object([("approved", .bool(outcome != "cancel"))]))
    }

    /// [I] §9.25/26/37: cancelling pending, running or awaiting-approval tasks ends the run with an
    /// `error {code: "CANCELLED"}` event; cancelling a finished task changes nothing and answers the same.
    func cancel(key: Int, id: String) throws(APIError) -> JSON {
        var task = try owned(key: key, id: id)
        if task.isStreaming {
            runners[id]?.cancel()
            runners[id] = nil
            let now = self.now
            task.status = "cancelled"
            task.completedAt = now
            if let run = task.run {
                task.output = run.outputJSON
                run.broadcast(.event(StreamEvent(name: "error", data: .object([("message", .string("Task cancelled")), ("code", .string("CANCELLED"))]))))
                run.closeSubscribers()
            }
            task.run = nil
            touched(task)
        }
        return success(.object([("message", .string("Task cancelled"))]))
    }

    static func checkUploads(_ files: [Upload]) throws(APIError) {
        if files.count > maxFiles { throw .validation("At most \(maxFiles) files per request") }
        if let big = files.first(where: { $0.bytes.count > maxFileBytes }) {
            throw .validation("File \(big.filename) is larger than 50 MB")
        }
    }

    /// The user message for a create or follow-up; uploads land under `uploads/` by their base name.
    func userMessage(taskID: String, index: Int, text: String, uploads: [Upload], at now: Date, into task: inout EmulatedTask) -> EmulatedMessage {
        var random = SeededRandom(seed: config.seed, stream: "msg:\(taskID):\(index)")
        var message = EmulatedMessage(id: "msg-" + random.hex(12), role: "user", content: text, createdAt: now)
        for upload in uploads {
            let base = upload.filename.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
            let name = base.isEmpty || base == "." || base == ".." ? "upload" : base
            let path = "uploads/" + name
            task.files.removeAll { $0.path == path }
            task.files.append(EmulatedFile(path: path, modifiedAt: now, bytes: .literal(upload.bytes)))
            message.attachedFiles.append((name, path))
        }
        return message
    }

    /// The decision for one injected fault, stable for (seed, what, the n-th time it is asked).
    func roll(_ what: String, rate: Double) -> Bool {
        guard rate > 0 else { return false }
        let count = faultCounts[what, default: 0]
        faultCounts[what] = count + 1
        var random = SeededRandom(seed: config.seed, stream: "fault:\(what):\(count)")
        return random.chance(rate)
    }
}
