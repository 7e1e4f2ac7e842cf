import Foundation

/// How the folder's engine counts `InsightAggregates`: in Swift, over narrow reads of the tables (the
/// tasks of the scope through a covering index, then the messages' counts, tool calls and artifacts),
/// one row at a time. SQLite's date and JSON functions, run per row, cost more than reading the rows
/// (BENCHMARKS.md, "stats"); PostgreSQL counts the same figures in SQL. The definitions are
/// `InsightAggregates`'; `StatsPostgresTests` holds the two engines to the same bytes. Pure.
struct InsightTally {
    struct TaskRow {
        var id: Int64
        var remoteID: String
        var status: String
        var createdAt: String
        var startedAt: String?
        var completedAt: String?
        var autoExecute: Bool?
        var origin: String?
    }

    let period: InsightScope.Period
    /// The scope's tasks: their id at the API, and whether their calls need approval.
    private(set) var tasks: [Int64: (remoteID: String, approvalsAsked: Bool)] = [:]
    private var statusCounts: [String: [String: Int]] = [:]
    private var durations: [InsightAggregates.DurationKind: [String: [Double]]] = [:]
    private var histogram = Array(repeating: 0, count: InsightAggregates.durationBucketEdges.count + 1)
    private var activity = Array(repeating: Array(repeating: 0, count: 24), count: 7)
    private var startedByRun = 0
    private var messages: [Int64: Int] = [:]
    private var userMessages: [Int64: Int] = [:]
    /// The latest state of each (task, call): the message position it was last seen at, name, status.
    private var calls: [CallKey: (position: Int, name: String, status: String)] = [:]
    private var artifactTypes: [String: (count: Int, bytes: Int64)] = [:]
    private var artifactBytes: [Int64: Int64] = [:]
    private var periodOfDay: [Int: String] = [:]

    struct CallKey: Hashable {
        var task: Int64
        var call: String
    }

    init(period: InsightScope.Period) {
        self.period = period
    }

    mutating func add(_ task: TaskRow) {
        let created = Timestamp.seconds(task.createdAt) ?? 0
        let period = key(task.createdAt, seconds: created)
        tasks[task.id] = (task.remoteID, task.autoExecute == false)
        statusCounts[period, default: [:]][task.status, default: 0] += 1
        if task.origin == "run" { startedByRun += 1 }
        let day = Int((created / 86_400).rounded(.down))
        activity[((day % 7) + 7 + 3) % 7][Int(created - Double(day) * 86_400) / 3_600] += 1
        guard let completed = task.completedAt.flatMap(Timestamp.seconds) else { return }
        for kind in InsightAggregates.DurationKind.allCases {
            let start = kind == .createdToCompleted ? created : task.startedAt.flatMap(Timestamp.seconds)
            guard let start else { continue }
            let seconds = ((completed - start) * 1_000).rounded() / 1_000
            guard seconds >= 0 else { continue }
            durations[kind, default: [:]][period, default: []].append(seconds)
            if kind == .createdToCompleted { histogram[InsightAggregates.durationBucket(seconds)] += 1 }
        }
    }

    mutating func addMessages(task: Int64, count: Int, users: Int) {
        guard tasks[task] != nil else { return }
        messages[task] = count
        userMessages[task] = users
    }

    /// A message's tool calls; a call without an id is known by its message and place.
    mutating func addToolCalls(_ list: [ToolCallFields.Call], task: Int64, position: Int) {
        guard tasks[task] != nil else { return }
        for (index, call) in list.enumerated() {
            let key = CallKey(task: task, call: call.callID ?? "\(position):\(index)")
            if let known = calls[key], known.position > position { continue }
            calls[key] = (position, call.toolName ?? "", call.status ?? "")
        }
    }

    mutating func addArtifact(task: Int64, mimeType: String?, size: Int64?) {
        guard tasks[task] != nil else { return }
        let type = (mimeType ?? "").isEmpty ? "unknown" : mimeType!
        artifactTypes[type, default: (0, 0)].count += 1
        artifactTypes[type, default: (0, 0)].bytes += size ?? 0
        artifactBytes[task, default: 0] += size ?? 0
    }

    /// The figures; `prompts` names the tasks of the two top lists (`largestTasks` says which).
    func aggregates(errors: [InsightAggregates.ErrorGroup], prompts: [Int64: String]) -> InsightAggregates {
        var result = InsightAggregates()
        result.statusCounts = statusCounts.keys.sorted(by: Self.before).flatMap { period in
            statusCounts[period]!.keys.sorted(by: Self.before).map { InsightAggregates.StatusCount(period: period, status: $0, count: statusCounts[period]![$0]!) }
        }
        for kind in InsightAggregates.DurationKind.allCases {
            let byPeriod = durations[kind] ?? [:]
            var all: [Double] = []
            for period in byPeriod.keys.sorted(by: Self.before) {
                let values = byPeriod[period]!.sorted()
                all += values
                result.durations.append(Self.summary(period, kind, values))
            }
            if !all.isEmpty { result.durations.append(Self.summary(nil, kind, all.sorted())) }
        }
        result.durationHistogram = histogram
        var tools: [String: (calls: Int, needed: Int, approved: Int, denied: Int, awaiting: Int, failed: Int)] = [:]
        for (key, call) in calls {
            let needed = tasks[key.task]!.approvalsAsked || call.status == "awaiting_approval"
            var tool = tools[call.name, default: (0, 0, 0, 0, 0, 0)]
            tool.calls += 1
            if needed { tool.needed += 1 }
            if needed && call.status != "cancelled" && call.status != "awaiting_approval" { tool.approved += 1 }
            if needed && call.status == "cancelled" { tool.denied += 1 }
            if call.status == "awaiting_approval" { tool.awaiting += 1 }
            if call.status == "error" || call.status == "failed" { tool.failed += 1 }
            tools[call.name] = tool
        }
        result.tools = tools.map { name, tool in
            InsightAggregates.Tool(name: name, calls: tool.calls, needingApproval: tool.needed, approved: tool.approved,
                                   denied: tool.denied, awaiting: tool.awaiting, failed: tool.failed)
        }.sorted { $0.calls != $1.calls ? $0.calls > $1.calls : Self.before($0.name, $1.name) }
        result.errors = errors
        result.artifactTypes = artifactTypes.map { InsightAggregates.ArtifactType(type: $0.key, count: $0.value.count, bytes: $0.value.bytes) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : Self.before($0.type, $1.type) }
        let (byMessages, byBytes) = largestTasks
        result.largestByMessages = byMessages.map { InsightAggregates.TaskSize(id: tasks[$0.task]!.remoteID, prompt: prompts[$0.task], value: $0.value) }
        result.largestByBytes = byBytes.map { InsightAggregates.TaskSize(id: tasks[$0.task]!.remoteID, prompt: prompts[$0.task], value: $0.value) }
        var followUps: [Int: Int] = [:]
        for task in tasks.keys { followUps[max(0, (userMessages[task] ?? 0) - 1), default: 0] += 1 }
        result.followUps = followUps.keys.sorted().map { (followUps: $0, tasks: followUps[$0]!) }
        result.startedByRun = startedByRun
        result.activity = activity
        return result
    }

    /// The tasks of the two top lists: most messages, most artifact bytes; ties by id.
    var largestTasks: (byMessages: [(task: Int64, value: Int64)], byBytes: [(task: Int64, value: Int64)]) {
        func top(_ values: [(task: Int64, value: Int64)]) -> [(task: Int64, value: Int64)] {
            Array(values.sorted { $0.value != $1.value ? $0.value > $1.value : Self.before(tasks[$0.task]!.remoteID, tasks[$1.task]!.remoteID) }
                .prefix(InsightAggregates.topCount))
        }
        return (top(tasks.keys.map { ($0, Int64(messages[$0] ?? 0)) }), top(artifactBytes.map { ($0.key, $0.value) }))
    }

    /// Text order as SQLite's and PostgreSQL's `COLLATE "C"` have it: by UTF-8 bytes.
    static func before(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    static func summary(_ period: String?, _ kind: InsightAggregates.DurationKind, _ sorted: [Double]) -> InsightAggregates.Durations {
        InsightAggregates.Durations(period: period, kind: kind, count: sorted.count, p50: InsightAggregates.percentile(sorted, 0.5),
                                    p90: InsightAggregates.percentile(sorted, 0.9), max: sorted.last ?? 0)
    }

    /// A task's period: the day, the week's Monday or the month of its creation, UTC.
    private mutating func key(_ createdAt: String, seconds: Double) -> String {
        switch period {
        case .day: return String(createdAt.prefix(10))
        case .month: return String(createdAt.prefix(7))
        case .week:
            let day = Int((seconds / 86_400).rounded(.down))
            if let known = periodOfDay[day] { return known }
            let monday = day - ((day % 7) + 7 + 3) % 7
            let text = String(Timestamp.string(from: Date(timeIntervalSince1970: Double(monday) * 86_400)).prefix(10))
            periodOfDay[day] = text
            return text
        }
    }
}
