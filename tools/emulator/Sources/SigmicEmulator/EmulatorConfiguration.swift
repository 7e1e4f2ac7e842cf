public import Foundation

/// Everything that shapes an emulator run. The defaults are a faithful, fault-free API.
public struct EmulatorConfiguration: Sendable {
    /// Seeds the generated world and every fault decision.
    public var seed: UInt64 = 1
    /// API keys to create; each gets its own generated tasks and sees only its own tasks.
    public var keyCount = 1
    /// Generated tasks per key.
    public var tasksPerKey = 20
    /// Generated history ends by this instant (fixed, so a seed always gives the same world); live runs
    /// and new tasks use `clock`.
    public var worldEnd = Date(timeIntervalSince1970: 1_780_272_000)  // 2026-06-01T00:00:00Z
    /// Seconds between the steps of a scripted agent run.
    public var stepInterval = 0.05
    /// Seconds a new task stays `pending` before it starts running.
    public var startDelay = 0.05
    /// Seconds between `:heartbeat` comments on an open stream (the docs say 15).
    public var heartbeatInterval = 15.0
    /// Whether generated running / pending tasks make progress (off: they stay as generated).
    public var liveRuns = true
    /// A created task's run is this many content events and then `done` (for benchmarks of following
    /// and recording a long stream); nil: the usual scripted runs.
    public var longRunEvents: Int?
    public var faults = Faults()
    public var wire = Wire()
    public var clock: any EmulatorClock = SystemClock()
    /// HTTP status for successful creates ([I] §9.1: 200; 201 and 202 are as plausible).
    public var createStatus = 200
    /// Give the first task of each key artifacts named `../x`, `/abs/x`, `a\\b`, NUL, 300 characters, …
    public var hostileArtifactNames = false
    /// When set, the first task of each key also has `downloads/big.csv` of this many bytes, streamed
    /// as it is generated (for memory benchmarks: the emulator never holds it whole).
    public var bigArtifactBytes: Int?
    /// Shares of generated statuses, in order (nil: the realistic default mix). For example
    /// `[("completed", 1)]` makes a world with nothing running.
    public var statusMix: [(String, Double)]?

    public init() {}

    /// Failures injected on purpose, each decided from (seed, request, how many times it was asked), so
    /// a run is reproducible however requests interleave.
    public struct Faults: Sendable {
        /// Share of API requests answered 503 `INTERNAL_ERROR`.
        public var serverErrorRate = 0.0
        /// Share of API requests answered 429 `RATE_LIMITED` with `Retry-After`.
        public var rateLimitRate = 0.0
        public var retryAfterSeconds = 1
        /// Close a stream without `done` after this many events (nil: never).
        public var dropStreamAfterEvents: Int?
        /// Share of streams dropped that way (when `dropStreamAfterEvents` is set).
        public var dropStreamRate = 1.0
        /// Share of downloads that send the full Content-Length but stop halfway.
        public var truncateDownloadRate = 0.0
        /// Seconds to wait before the first byte of every API response.
        public var slowFirstByte = 0.0

        public init() {}

        public var isEmpty: Bool {
            serverErrorRate == 0 && rateLimitRate == 0 && dropStreamAfterEvents == nil && truncateDownloadRate == 0
                && slowFirstByte == 0
        }
    }

    /// How SSE bytes are framed on the wire (every choice is valid SSE; clients must decode all alike).
    public struct Wire: Sendable {
        /// End lines with CRLF instead of LF.
        public var crlf = false
        /// Write each event in pieces of at most this many bytes, flushed separately.
        public var chunkBytes: Int?

        public init() {}
    }
}
