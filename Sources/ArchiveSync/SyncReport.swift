/// What a sync did, in the shape `sync --json` prints.
public struct SyncReport: Sendable, Codable, Equatable {
    public struct Tasks: Sendable, Codable, Equatable {
        public var new = 0
        public var updated = 0
        public var unchanged = 0
        public var failed = 0
    }

    public struct Artifacts: Sendable, Codable, Equatable {
        public var downloaded = 0
        public var bytes: Int64 = 0
        public var skipped = 0
    }

    public struct Failure: Sendable, Codable, Equatable {
        public var taskId: String
        public var error: String
    }

    public var tasks = Tasks()
    public var messages = 0
    public var events = 0
    public var artifacts = Artifacts()
    public var requests = 0
    public var seconds = 0.0
    /// Tasks still running when `--wait` ran out: followed, recorded, and picked up next time.
    public var live = 0
    public var failures: [Failure] = []

    public init() {}
}

/// Progress, for a terminal display.
public struct SyncProgress: Sendable {
    public var done: Int
    public var total: Int
    public var bytes: Int64
}
