import Foundation

/// What an archive counts for an `InsightScope`, one engine's queries at a time (`ArchiveReader.
/// insightAggregates`): the raw figures, which both engines must give alike. Rates, shares and layout
/// are decided above the engines (`InsightsReport`).
///
/// Definitions both engines follow:
/// - A task's period is that of its `created_at` (UTC); its durations are `completed_at − created_at`
///   and `completed_at − started_at` in seconds (to the millisecond), for tasks with both times and a
///   duration not below zero.
/// - Percentiles are nearest-rank: p50 of n sorted values is the ⌈0.5·n⌉-th (PostgreSQL's
///   `percentile_disc`).
/// - A tool call is counted once per (task, call id), as the last message holding it has it. It
///   needed approval when its task ran with `autoExecute` false or it awaits approval now; a call that
///   needed approval was denied when its status is `cancelled`, and approved when it ran (any other
///   status but `awaiting_approval`); it failed when its status is `error` or `failed`.
/// - Follow-ups of a task are its user messages after the first.
/// - A task was started through `run` when its `task.origin` says so: this archive's `run` created it,
///   or its outbox sent the `create` that made it (a sync records that once it has archived the task).
/// - Activity is tasks created per weekday (Monday first) and hour, UTC.
public struct InsightAggregates: Sendable, Equatable {
    public struct StatusCount: Sendable, Equatable {
        public let period: String
        public let status: String
        public let count: Int

        public init(period: String, status: String, count: Int) {
            (self.period, self.status, self.count) = (period, status, count)
        }
    }

    public enum DurationKind: String, Sendable, CaseIterable {
        case createdToCompleted, startedToCompleted
    }

    public struct Durations: Sendable, Equatable {
        /// nil for the whole scope.
        public let period: String?
        public let kind: DurationKind
        public let count: Int
        public let p50: Double
        public let p90: Double
        public let max: Double

        public init(period: String?, kind: DurationKind, count: Int, p50: Double, p90: Double, max: Double) {
            (self.period, self.kind, self.count, self.p50, self.p90, self.max) = (period, kind, count, p50, p90, max)
        }
    }

    public struct Tool: Sendable, Equatable {
        public let name: String
        public let calls: Int
        public let needingApproval: Int
        public let approved: Int
        public let denied: Int
        public let awaiting: Int
        public let failed: Int

        public init(name: String, calls: Int, needingApproval: Int, approved: Int, denied: Int, awaiting: Int, failed: Int) {
            (self.name, self.calls, self.needingApproval, self.approved, self.denied, self.awaiting, self.failed) =
                (name, calls, needingApproval, approved, denied, awaiting, failed)
        }
    }

    public struct ErrorGroup: Sendable, Equatable {
        public let message: String
        public let tasks: Int
        public let lastAt: String

        public init(message: String, tasks: Int, lastAt: String) {
            (self.message, self.tasks, self.lastAt) = (message, tasks, lastAt)
        }
    }

    public struct ArtifactType: Sendable, Equatable {
        public let type: String
        public let count: Int
        public let bytes: Int64

        public init(type: String, count: Int, bytes: Int64) {
            (self.type, self.count, self.bytes) = (type, count, bytes)
        }
    }

    public struct TaskSize: Sendable, Equatable {
        public let id: String
        public let prompt: String?
        public let value: Int64

        public init(id: String, prompt: String?, value: Int64) {
            (self.id, self.prompt, self.value) = (id, prompt, value)
        }
    }

    /// Tasks per (period, status), periods in order.
    public var statusCounts: [StatusCount] = []
    /// Per period (in order) and for the whole scope (`period` nil, last).
    public var durations: [Durations] = []
    /// Tasks per created→completed duration bucket (`durationBucketEdges`: under 10 s, 10 s–1 min, …,
    /// 4 h and over), over the whole scope.
    public var durationHistogram: [Int] = Array(repeating: 0, count: durationBucketEdges.count + 1)
    /// Most calls first, then by name.
    public var tools: [Tool] = []
    /// Failed tasks' error messages, grouped as written: the most common first (at most `topCount`).
    public var errors: [ErrorGroup] = []
    /// Artifacts by MIME type (`unknown` when none was given), the most first.
    public var artifactTypes: [ArtifactType] = []
    /// The largest tasks by messages and by artifact bytes (at most `topCount` each).
    public var largestByMessages: [TaskSize] = []
    public var largestByBytes: [TaskSize] = []
    /// Tasks per number of follow-ups, by that number.
    public var followUps: [(followUps: Int, tasks: Int)] = []
    /// Tasks started through `run`, and the rest.
    public var startedByRun = 0
    /// Tasks created per weekday (0 Monday … 6 Sunday) and hour (0–23), UTC.
    public var activity: [[Int]] = Array(repeating: Array(repeating: 0, count: 24), count: 7)

    /// How many entries the top lists keep.
    public static let topCount = 10
    /// The duration histogram's bucket edges, in seconds: a duration d is in bucket i when it is at
    /// least edge i−1 and below edge i (PostgreSQL's `width_bucket` with these edges, less one).
    public static let durationBucketEdges: [Double] = [10, 60, 300, 900, 3_600, 14_400]

    /// The bucket of a duration (0…edges.count).
    public static func durationBucket(_ seconds: Double) -> Int {
        durationBucketEdges.firstIndex { seconds < $0 } ?? durationBucketEdges.count
    }

    public init() {}

    public static func == (lhs: InsightAggregates, rhs: InsightAggregates) -> Bool {
        lhs.statusCounts == rhs.statusCounts && lhs.durations == rhs.durations && lhs.durationHistogram == rhs.durationHistogram && lhs.tools == rhs.tools && lhs.errors == rhs.errors
            && lhs.artifactTypes == rhs.artifactTypes && lhs.largestByMessages == rhs.largestByMessages
            && lhs.largestByBytes == rhs.largestByBytes && lhs.followUps.elementsEqual(rhs.followUps, by: ==)
            && lhs.startedByRun == rhs.startedByRun && lhs.activity == rhs.activity
    }

    /// Text order as SQLite's and PostgreSQL's `COLLATE "C"` have it, by UTF-8 bytes: how both engines
    /// order every list of names.
    package static func byteOrder(_ a: String, _ b: String) -> Bool {
        var (a, b) = (a, b)
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let common = min(x.count, y.count)
                let order = common == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, common)
                return order != 0 ? order < 0 : x.count < y.count
            }
        }
    }

    /// The nearest-rank percentile of sorted values (`p` in 0…1): the ⌈p·n⌉-th, as PostgreSQL's
    /// `percentile_disc` picks it.
    public static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count, Swift.max(1, rank)) - 1]
    }
}
