import Foundation
import SeededRandom

/// What a stream subscriber receives: events, and heartbeats between them.
enum StreamItem: Sendable {
    case event(StreamEvent)
    case heartbeat
}

/// Everything the emulated API knows, behind one actor: keys, tasks, runs and their subscribers.
public actor World {
    let config: EmulatorConfiguration
    public nonisolated let keys: [String]
    /// The id of each key, as tasks report it in `apiKeyId`.
    nonisolated let apiKeyIds: [String]
    var tasks: [String: EmulatedTask] = [:]
    /// Task ids per key, kept sorted by (lastActivityAt desc, createdAt desc, id) — the list order.
    var order: [[String]]
    var orderIsStale: [Bool]
    var runners: [String: Task<Void, Never>] = [:]
    var createdCount: [Int]
    /// Follow-ups accepted, per key: with `createdCount`, what a test of exactly-once sending counts.
    var followUpCount: [Int]
    var faultCounts: [String: Int] = [:]
    var shuttingDown = false
    var subscriberWatchers: [CheckedContinuation<Void, Never>] = []
    var statusWatchers: [(id: String, statuses: Set<String>, continuation: CheckedContinuation<Void, Never>)] = []

    init(config: EmulatorConfiguration) {
        self.config = config
        keys = WorldGenerator.keys(seed: config.seed, count: config.keyCount)
        apiKeyIds = (0..<config.keyCount).map { key in
            var random = SeededRandom(seed: config.seed, stream: "apiKeyId:\(key)")
            return random.uuid()
        }
        order = Array(repeating: [], count: config.keyCount)
        orderIsStale = Array(repeating: true, count: config.keyCount)
        createdCount = Array(repeating: 0, count: config.keyCount)
        followUpCount = Array(repeating: 0, count: config.keyCount)
        for keyIndex in 0..<config.keyCount {
            var generated = WorldGenerator.tasks(config: config, keyIndex: keyIndex)
            if config.hostileArtifactNames, !generated.isEmpty {
                generated[0].files += WorldGenerator.hostileFiles(at: generated[0].createdAt)
            }
            if let size = config.bigArtifactBytes, !generated.isEmpty {
                generated[0].files.append(EmulatedFile(path: "downloads/big.csv", modifiedAt: generated[0].createdAt,
                                                       bytes: .generated(seed: 0, size: size, text: true)))
            }
            for task in generated { tasks[task.id] = task }
        }
    }

    /// Starts the runs of generated live tasks (when `liveRuns`); awaiting-approval tasks park at their
    /// tool call at once, without a step in between.
    func startLiveRuns() {
        for id in tasks.keys.sorted() {
            guard var task = tasks[id], task.isStreaming else { continue }
            task.run = AgentRun(steps: AgentRun.script(seed: config.seed, taskID: id, runIndex: 0, prompt: task.message),
                                updatedAt: task.startedAt ?? task.createdAt)
            task.runCount = 1
            tasks[id] = task
            if task.status == "awaiting_approval" {
                task.status = "running"
                tasks[id] = task
                while let run = tasks[id]?.run, !run.isBlocked, run.next < run.steps.count { _ = step(id) }
            } else if config.liveRuns {
                startRunner(id, firstDelay: task.status == "pending" ? config.startDelay : config.stepInterval)
            }
        }
    }

    /// Test hook: every task of a key as the API would list it, plus its history and artifact bytes,
    /// for comparing an archive with the emulator.
    public func snapshot(key: Int) -> [(id: String, status: String, messages: [(id: String, content: String)], files: [(path: String, bytes: [UInt8])])] {
        sortedIDs(key: key).map { id in
            let task = tasks[id]!
            return (id, task.status, task.messages.map { ($0.id, $0.content) }, task.files.map { ($0.path, $0.content()) })
        }
    }

    /// Test hook: the artifact listing reports `size` for a file (nil: its real size again) while
    /// downloads still send its real bytes. Returns the file's real size.
    @discardableResult
    public func misreportSize(task id: String, path: String, as size: Int?) -> Int? {
        guard let index = tasks[id]?.files.firstIndex(where: { $0.path == path }) else { return nil }
        tasks[id]!.files[index].listedSize = size
        return tasks[id]!.files[index].size
    }

    /// Test hook: the artifact listing keeps showing a file whose download answers 404. Returns false
    /// when the task has no such file.
    @discardableResult
    public func makeUnreadable(task id: String, path: String) -> Bool {
        guard let index = tasks[id]?.files.firstIndex(where: { $0.path == path }) else { return false }
        tasks[id]!.files[index].unreadable = true
        return true
    }

    /// Test hook: GET answers this `output` for a task (JSON written as given, numbers included).
    public func setOutput(task id: String, _ output: JSON) {
        tasks[id]?.output = output
    }

    /// Test hook: the task's session times out; its next follow-up restores it under a new session id.
    public func expireSession(task id: String) {
        tasks[id]?.sessionExpired = true
    }

    /// Test hook: how many tasks were created and follow-ups accepted for a key.
    public func acceptedRequests(key: Int) -> (creates: Int, followUps: Int) {
        (createdCount[key], followUpCount[key])
    }

    /// Test hook: the task disappears from the API (deleted or expired remotely).
    public func removeTask(_ id: String) {
        guard let task = tasks.removeValue(forKey: id) else { return }
        runners[id]?.cancel()
        runners[id] = nil
        task.run?.closeSubscribers()
        orderIsStale[task.keyIndex] = true
    }

    // MARK: - Authentication

    /// Maps the request's credentials to a key index, or the documented 401.
    /// Needs no isolation: the keys never change.
    nonisolated func authenticate(authorization: String?, apiKeyHeader: String?) throws(APIError) -> Int {
        let token: String
        if let authorization, !authorization.isEmpty {
            guard authorization.hasPrefix("Bearer ") else { throw .invalidFormat }
            let value = authorization.dropFirst(7)
            let edges = [value.unicodeScalars.first, value.unicodeScalars.last].compactMap { $0 }
            token = edges.contains(where: CharacterSet.whitespaces.contains)
                ? String(value).trimmingCharacters(in: .whitespaces) : String(value)
        } else if let apiKeyHeader, !apiKeyHeader.isEmpty {
            token = apiKeyHeader
        } else {
            throw .authRequired
        }
        if token.hasPrefix("eyJ") { throw .invalidToken }
        guard token.hasPrefix("sigmic_") else { throw .invalidFormat }
        guard let index = keys.firstIndex(of: token) else { throw .invalidKey }
        return index
    }

    // MARK: - Reads

    func list(key: Int, limit: Int, offset: Int) -> JSON {
        let ids = sortedIDs(key: key)
        let page = offset < ids.count ? Array(ids[offset..<min(ids.count, offset + limit)]) : []
        return .object([
            ("success", .bool(true)),
            ("data", .array(page.map { tasks[$0]!.json(listing: true, username: username(key), apiKeyId: apiKeyId(key)) })),
            ("pagination", .object([
                ("total", .int(ids.count)), ("limit", .int(limit)), ("offset", .int(offset)),
                ("hasMore", .bool(offset + page.count < ids.count)),
            ])),
        ])
    }

    func get(key: Int, id: String) throws(APIError) -> JSON {
        let task = try owned(key: key, id: id)
        return success(task.json(listing: false, username: username(key), apiKeyId: apiKeyId(key)))
    }

    func history(key: Int, id: String) throws(APIError) -> JSON {
        let task = try owned(key: key, id: id)
        return success(.object([
            ("taskId", .string(task.id)), ("conversationId", .string(task.conversationId)),
            ("status", .string(task.status)), ("messages", .array(task.messages.map(\.json))),
        ]))
    }

    func artifacts(key: Int, id: String) throws(APIError) -> JSON {
        let task = try owned(key: key, id: id)
        // [I] §9.47: every file, recursively, sorted by path.
        let files = task.files.sorted { $0.path < $1.path }
        return success(.object([("files", .array(files.map(\.json)))]))
    }

    func file(key: Int, id: String, path: String?) throws(APIError) -> EmulatedFile {
        let task = try owned(key: key, id: id)
        guard let path, !path.isEmpty else { throw .validation("Missing path query parameter") }
        // Byte equality: `café` and `cafe\u{301}` are different files (String == would merge them).
        if let file = task.files.first(where: { $0.path.utf8.elementsEqual(path.utf8) }), !file.unreadable { return file }
        // [I] §9.49: a path that tries to leave the workspace is a validation error.
        if path.hasPrefix("/") || path.split(separator: "/").contains("..") {
            throw .validation("Invalid path")
        }
        throw .notFound("Task or file not found")
    }

    // MARK: - Helpers

    func owned(key: Int, id: String) throws(APIError) -> EmulatedTask {
        // Another key's task is indistinguishable from a missing one (§2.3).
        guard let task = tasks[id], task.keyIndex == key else { throw .taskNotFound }
        return task
    }

    func sortedIDs(key: Int) -> [String] {
        if orderIsStale[key] {
            order[key] = tasks.values.filter { $0.keyIndex == key }.sorted { a, b in
                if a.lastActivityAt != b.lastActivityAt { return a.lastActivityAt > b.lastActivityAt }
                if a.createdAt != b.createdAt { return a.createdAt > b.createdAt }
                return a.id < b.id
            }.map(\.id)
            orderIsStale[key] = false
        }
        return order[key]
    }

    func touched(_ task: EmulatedTask) {
        tasks[task.id] = task
        orderIsStale[task.keyIndex] = true
        let ready = statusWatchers.filter { $0.id == task.id && $0.statuses.contains(task.status) }
        statusWatchers.removeAll { $0.id == task.id && $0.statuses.contains(task.status) }
        ready.forEach { $0.continuation.resume() }
        subscribersChanged()
    }

    /// Returns once `count` clients are attached to the task's live stream.
    /// Streams open on the task's run now (0 when it has no run).
    public func subscriberCount(_ id: String) -> Int {
        tasks[id]?.run?.subscribers.count ?? 0
    }

    public func waitForSubscribers(_ id: String, count: Int = 1) async {
        while (tasks[id]?.run?.subscribers.count ?? 0) < count, tasks[id]?.run != nil {
            await withCheckedContinuation { continuation in
                subscriberWatchers.append(continuation)
            }
        }
    }

    /// Test hook: the id of a task whose stream someone follows, once there is one (with a
    /// `ManualClock`, a test starts time only once a client it started is watching).
    public func waitForAnySubscriber() async -> String {
        while true {
            if let id = tasks.keys.sorted().first(where: { (tasks[$0]?.run?.subscribers.count ?? 0) > 0 }) { return id }
            await withCheckedContinuation { continuation in
                subscriberWatchers.append(continuation)
            }
        }
    }

    func subscribersChanged() {
        let ready = subscriberWatchers
        subscriberWatchers = []
        ready.forEach { $0.resume() }
    }

    /// Returns once the task has one of `statuses` (for tests that act at a point of a run).
    public func waitForStatus(_ id: String, _ statuses: Set<String>) async {
        if let task = tasks[id], statuses.contains(task.status) { return }
        await withCheckedContinuation { continuation in
            statusWatchers.append((id, statuses, continuation))
        }
    }

    func success(_ data: JSON) -> JSON {
        .object([("success", .bool(true)), ("data", data)])
    }

    nonisolated func username(_ key: Int) -> String { "user\(key + 1)" }

    nonisolated func apiKeyId(_ key: Int) -> String {
        apiKeyIds[key]
    }

    var now: Date { config.clock.now().roundedToMillis }
}
