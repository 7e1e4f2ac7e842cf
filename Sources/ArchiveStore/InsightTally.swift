import Foundation

/// How the folder's engine counts `InsightAggregates`: in Swift, over narrow reads of the tables (the
/// tasks of the scope through a covering index, then the messages' counts, tool calls and artifacts),
/// one row at a time. SQLite's date and JSON functions, run per row, cost more than reading the rows
/// (BENCHMARKS.md, "stats"); PostgreSQL counts the same figures in SQL. The definitions are
/// `InsightAggregates`'; `StatsPostgresTests` holds the two engines to the same bytes. Pure.
struct InsightTally {
    /// A task as the tally needs it: its times as seconds since 1970.
    struct TaskRow {
        var id: Int64
        var remoteID: String
        var status: String
        var created: Double
        var started: Double?
        var completed: Double?
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
    /// Tool calls counted per tool.
    private var tools: [String: ToolCounts] = [:]
    private var artifactTypes: [String: (count: Int, bytes: Int64)] = [:]
    private var artifactBytes: [Int64: Int64] = [:]
    private var periodOfDay: [Int: String] = [:]

    struct ToolCounts {
        var calls = 0, needed = 0, approved = 0, denied = 0, awaiting = 0, failed = 0
    }

    init(period: InsightScope.Period) {
        self.period = period
    }

    mutating func add(_ task: TaskRow) {
        let day = Int((task.created / 86_400).rounded(.down))
        let period = key(day: day)
        tasks[task.id] = (task.remoteID, task.autoExecute == false)
        statusCounts[period, default: [:]][task.status, default: 0] += 1
        if task.origin == "run" { startedByRun += 1 }
        activity[((day % 7) + 7 + 3) % 7][Int(task.created - Double(day) * 86_400) / 3_600] += 1
        guard let completed = task.completed else { return }
        for kind in InsightAggregates.DurationKind.allCases {
            guard let start = kind == .createdToCompleted ? task.created : task.started else { continue }
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

    /// The tool calls of one task's messages, each counted once, as the message holding it last (the
    /// greatest position) has it; a call without an id is known by its message and place.
    mutating func addToolCalls(task: Int64, messages: [(position: Int, calls: [ToolCallFields.Call])]) {
        guard let approvalsAsked = tasks[task]?.approvalsAsked else { return }
        var latest: [String: (position: Int, name: String, status: String)] = [:]
        for (position, calls) in messages {
            for (index, call) in calls.enumerated() {
                let key = call.callID ?? "\(position):\(index)"
                if let known = latest[key], known.position > position { continue }
                latest[key] = (position, call.toolName ?? "", call.status ?? "")
            }
        }
        for call in latest.values {
            let needed = approvalsAsked || call.status == "awaiting_approval"
            var counts = tools[call.name, default: ToolCounts()]
            counts.calls += 1
            if needed { counts.needed += 1 }
            if needed && call.status != "cancelled" && call.status != "awaiting_approval" { counts.approved += 1 }
            if needed && call.status == "cancelled" { counts.denied += 1 }
            if call.status == "awaiting_approval" { counts.awaiting += 1 }
            if call.status == "error" || call.status == "failed" { counts.failed += 1 }
            tools[call.name] = counts
        }
    }

    mutating func addArtifact(task: Int64, mimeType: String?, size: Int64?) {
        guard tasks[task] != nil else { return }
        let type = (mimeType ?? "").isEmpty ? "unknown" : mimeType!
        artifactTypes[type, default: (0, 0)].count += 1
        artifactTypes[type, default: (0, 0)].bytes += size ?? 0
        artifactBytes[task, default: 0] += size ?? 0
    }

    /// The figures; `largest` is `largestTasks`, and `prompts` names its tasks.
    func aggregates(errors: [InsightAggregates.ErrorGroup], largest: (byMessages: [(task: Int64, value: Int64)], byBytes: [(task: Int64, value: Int64)]),
                    prompts: [Int64: String]) -> InsightAggregates {
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
        result.tools = tools.map { name, tool in
            InsightAggregates.Tool(name: name, calls: tool.calls, needingApproval: tool.needed, approved: tool.approved,
                                   denied: tool.denied, awaiting: tool.awaiting, failed: tool.failed)
        }.sorted { $0.calls != $1.calls ? $0.calls > $1.calls : Self.before($0.name, $1.name) }
        result.errors = errors
        result.artifactTypes = artifactTypes.map { InsightAggregates.ArtifactType(type: $0.key, count: $0.value.count, bytes: $0.value.bytes) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : Self.before($0.type, $1.type) }
        result.largestByMessages = largest.byMessages.map { InsightAggregates.TaskSize(id: tasks[$0.task]!.remoteID, prompt: prompts[$0.task], value: $0.value) }
        result.largestByBytes = largest.byBytes.map { InsightAggregates.TaskSize(id: tasks[$0.task]!.remoteID, prompt: prompts[$0.task], value: $0.value) }
        var followUps: [Int: Int] = [:]
        for task in tasks.keys { followUps[max(0, (userMessages[task] ?? 0) - 1), default: 0] += 1 }
        result.followUps = followUps.keys.sorted().map { (followUps: $0, tasks: followUps[$0]!) }
        result.startedByRun = startedByRun
        result.activity = activity
        return result
    }

    /// The tasks of the two top lists: most messages, most artifact bytes; ties by id. One pass each,
    /// keeping the best few (sorting 100k tasks to keep ten was a third of `stats` at 1M messages).
    var largestTasks: (byMessages: [(task: Int64, value: Int64)], byBytes: [(task: Int64, value: Int64)]) {
        func top(_ values: some Sequence<(task: Int64, value: Int64)>) -> [(task: Int64, value: Int64)] {
            var best: [(task: Int64, value: Int64, id: String)] = []
            for (task, value) in values {
                if best.count == InsightAggregates.topCount, let worst = best.last, value < worst.value { continue }
                let id = tasks[task]!.remoteID
                // Most candidates tie with the last kept and sort after it: one comparison turns them away.
                if best.count == InsightAggregates.topCount, let worst = best.last, value == worst.value, !Self.before(id, worst.id) { continue }
                let place = best.firstIndex { value != $0.value ? value > $0.value : Self.before(id, $0.id) } ?? best.count
                guard place < InsightAggregates.topCount else { continue }
                best.insert((task, value, id), at: place)
                if best.count > InsightAggregates.topCount { best.removeLast() }
            }
            return best.map { ($0.task, $0.value) }
        }
        return (top(tasks.keys.lazy.map { ($0, Int64(self.messages[$0] ?? 0)) }), top(artifactBytes.lazy.map { ($0.key, $0.value) }))
    }

    static func before(_ a: String, _ b: String) -> Bool { InsightAggregates.byteOrder(a, b) }

    static func summary(_ period: String?, _ kind: InsightAggregates.DurationKind, _ sorted: [Double]) -> InsightAggregates.Durations {
        InsightAggregates.Durations(period: period, kind: kind, count: sorted.count, p50: InsightAggregates.percentile(sorted, 0.5),
                                    p90: InsightAggregates.percentile(sorted, 0.9), max: sorted.last ?? 0)
    }

    /// The period of a day (counted from 1970-01-01): the day itself, its week's Monday or its month,
    /// UTC, as text; each day's is worked out once.
    private mutating func key(day: Int) -> String {
        if let known = periodOfDay[day] { return known }
        let first: Int
        switch period {
        case .day, .month: first = day
        case .week: first = day - ((day % 7) + 7 + 3) % 7
        }
        let date = Timestamp.string(from: Date(timeIntervalSince1970: Double(first) * 86_400))
        let text = String(date.prefix(period == .month ? 7 : 10))
        periodOfDay[day] = text
        return text
    }
}
