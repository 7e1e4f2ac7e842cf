public import ArchiveStore
import Foundation

/// What `stats`, `serve`'s `/insights` and `/api/insights` report, decided once from an engine's
/// counts (`InsightAggregates`): the periods with every status, failure rates, approval shares, the
/// follow-up distribution's mean. Its JSON (`json`) is documented in SCHEMA.md ("stats --json").
public struct InsightsReport: Sendable {
    public struct Period: Sendable, Equatable {
        public let period: String
        public let byStatus: [(status: String, count: Int)]
        public var total: Int { byStatus.reduce(0) { $0 + $1.count } }

        public static func == (lhs: Period, rhs: Period) -> Bool {
            lhs.period == rhs.period && lhs.byStatus.elementsEqual(rhs.byStatus, by: ==)
        }
    }

    public let scope: InsightScope
    public let aggregates: InsightAggregates
    /// Periods in order, each with its tasks by status (statuses in `statuses` order).
    public let periods: [Period]
    /// Every status seen, the documented ones first in their lifecycle order.
    public let statuses: [String]

    public init(_ aggregates: InsightAggregates, scope: InsightScope) {
        self.scope = scope
        self.aggregates = aggregates
        let seen = Set(aggregates.statusCounts.map(\.status))
        let order = ["completed", "failed", "cancelled", "running", "awaiting_approval", "pending"]
        statuses = order.filter(seen.contains) + seen.subtracting(order).sorted()
        var periods: [Period] = []
        for count in aggregates.statusCounts {
            if periods.last?.period != count.period { periods.append(Period(period: count.period, byStatus: [])) }
            let last = periods.removeLast()
            periods.append(Period(period: last.period, byStatus: last.byStatus + [(count.status, count.count)]))
        }
        let statuses = self.statuses
        self.periods = periods.map { period in
            Period(period: period.period, byStatus: statuses.compactMap { status in period.byStatus.first { $0.status == status } })
        }
    }

    public var totalTasks: Int { aggregates.statusCounts.reduce(0) { $0 + $1.count } }

    /// Tasks by status over the whole scope.
    public var byStatus: [(status: String, count: Int)] {
        statuses.map { status in (status, aggregates.statusCounts.filter { $0.status == status }.reduce(0) { $0 + $1.count }) }
    }

    /// Failed tasks among those that ended (completed, failed or cancelled); nil when none ended.
    public static func failureRate(_ byStatus: [(status: String, count: Int)]) -> Double? {
        let count = { (status: String) in byStatus.first { $0.status == status }?.count ?? 0 }
        let ended = count("completed") + count("failed") + count("cancelled")
        return ended == 0 ? nil : Double(count("failed")) / Double(ended)
    }

    public func durations(_ kind: InsightAggregates.DurationKind, period: String?) -> InsightAggregates.Durations? {
        aggregates.durations.first { $0.kind == kind && $0.period == period }
    }

    /// The created→completed histogram with its bounds in seconds (the last bucket has no upper one).
    public var histogram: [(from: Double, to: Double?, tasks: Int)] {
        let edges = InsightAggregates.durationBucketEdges
        return aggregates.durationHistogram.enumerated().map { index, tasks in
            (index == 0 ? 0 : edges[index - 1], index < edges.count ? edges[index] : nil, tasks)
        }
    }

    /// Tasks with at least one follow-up, and the mean and largest number per task.
    public var followUps: (tasksWithFollowUps: Int, mean: Double, max: Int) {
        let tasks = aggregates.followUps.reduce(0) { $0 + $1.tasks }
        let total = aggregates.followUps.reduce(0) { $0 + $1.followUps * $1.tasks }
        return (aggregates.followUps.filter { $0.followUps > 0 }.reduce(0) { $0 + $1.tasks },
                tasks == 0 ? 0 : Double(total) / Double(tasks), aggregates.followUps.last?.followUps ?? 0)
    }

    /// A task's name in a list: its title as `tasks` gives it (`Archive.title`), or its short id when
    /// it has no prompt.
    public static func title(_ prompt: String?, id: String) -> String {
        let title = Archive.title(prompt ?? "")
        return title.isEmpty ? String(id.prefix(8)) : title
    }

    /// A duration as the tables show it: `0.8 s` under ten seconds, then as `ReplayScript.span` says it.
    public static func span(_ seconds: Double) -> String {
        seconds < 10 ? String(format: "%.1f s", seconds) : ReplayScript.span(seconds)
    }

    /// A share as a percentage with one decimal, `–` when there is none.
    public static func percent(_ value: Double?) -> String {
        value.map { String(format: "%.1f %%", $0 * 100) } ?? "–"
    }

    public static let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
}

extension InsightsReport {
    /// The `stats --json` document (SCHEMA.md says what each member means).
    public var json: JSONTree {
        func number(_ value: Double) -> JSONTree { .number(Documents.sixDecimals(value)) }
        func rate(_ value: Double?) -> JSONTree { value.map(number) ?? .null }
        func statusObject(_ pairs: [(status: String, count: Int)]) -> JSONTree { .object(pairs.map { ($0.status, .int($0.count)) }) }
        func durations(_ period: String?) -> JSONTree {
            .object(InsightAggregates.DurationKind.allCases.map { kind in
                (kind.rawValue, self.durations(kind, period: period).map { value -> JSONTree in
                    .object([("count", .int(value.count)), ("p50", number(value.p50)), ("p90", number(value.p90)), ("max", number(value.max))])
                } ?? .null)
            })
        }
        func sizes(_ list: [InsightAggregates.TaskSize], _ key: String) -> JSONTree {
            .array(list.map { .object([("id", .string($0.id)), ("title", .string(Self.title($0.prompt, id: $0.id))), (key, .int($0.value))]) })
        }
        let followUps = self.followUps
        return .object([
            ("scope", .object([("since", .optional(scope.since)), ("until", .optional(scope.until)), ("account", .optional(scope.account)),
                               ("by", .string(scope.period.rawValue)), ("timeZone", .string("UTC"))])),
            ("tasks", .object([
                ("total", .int(totalTasks)), ("byStatus", statusObject(byStatus)), ("failureRate", rate(Self.failureRate(byStatus))),
                ("periods", .array(periods.map { period in
                    .object([("period", .string(period.period)), ("total", .int(period.total)), ("byStatus", statusObject(period.byStatus)),
                             ("failureRate", rate(Self.failureRate(period.byStatus)))])
                })),
            ])),
            ("durations", .object([
                ("all", durations(nil)),
                ("histogram", .array(histogram.map { bucket in
                    .object([("from", .int(Int(bucket.from))), ("to", bucket.to.map { .int(Int($0)) } ?? .null), ("tasks", .int(bucket.tasks))])
                })),
                ("periods", .array(periods.map { .object([("period", .string($0.period)), ("durations", durations($0.period))]) })),
            ])),
            ("tools", .array(aggregates.tools.map { tool in
                .object([("name", .string(tool.name)), ("calls", .int(tool.calls)), ("needingApproval", .int(tool.needingApproval)),
                         ("approvalShare", number(tool.calls == 0 ? 0 : Double(tool.needingApproval) / Double(tool.calls))),
                         ("approved", .int(tool.approved)), ("denied", .int(tool.denied)), ("awaiting", .int(tool.awaiting)),
                         ("failed", .int(tool.failed))])
            })),
            ("errors", .array(aggregates.errors.map {
                .object([("message", .string($0.message)), ("tasks", .int($0.tasks)), ("lastAt", .string($0.lastAt))])
            })),
            ("artifacts", .object([
                ("byType", .array(aggregates.artifactTypes.map { .object([("type", .string($0.type)), ("count", .int($0.count)), ("bytes", .int($0.bytes))]) })),
                ("largestTasksByMessages", sizes(aggregates.largestByMessages, "messages")),
                ("largestTasksByBytes", sizes(aggregates.largestByBytes, "bytes")),
            ])),
            ("followUps", .object([
                ("tasksWithFollowUps", .int(followUps.tasksWithFollowUps)), ("mean", number(followUps.mean)), ("max", .int(followUps.max)),
                ("distribution", .array(aggregates.followUps.map { .object([("followUps", .int($0.followUps)), ("tasks", .int($0.tasks))]) })),
            ])),
            ("origins", .object([("run", .int(aggregates.startedByRun)), ("elsewhere", .int(totalTasks - aggregates.startedByRun))])),
            ("activity", .object([
                ("weekdays", .array(Self.weekdays.map(JSONTree.string))),
                ("hours", .array(aggregates.activity.map { .array($0.map { .int($0) }) })),
            ])),
        ])
    }
}
