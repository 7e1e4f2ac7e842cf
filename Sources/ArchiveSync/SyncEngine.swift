public import ArchiveStore
public import Foundation
public import SigmicAPI
public import Pacing
import Synchronization

/// Mirrors one account (base URL + key) into the archive: reconcile the listing, plan, then fetch or
/// follow each task with bounded concurrency. Each task commits atomically with its bookkeeping, so an
/// interruption at any instant loses nothing and a rerun neither duplicates nor skips.
public final class SyncEngine: Sendable {
    public struct Options: Sendable {
        /// Read every page and mark tasks that vanished remotely as missing.
        public var full = false
        /// Sync only these tasks (ids), without listing.
        public var taskIDs: [String] = []
        public var downloadArtifacts = true
        public var jobs = 8
        /// Files of one task downloaded at once. With the task's history asked for beside its files,
        /// this keeps the connections busy while a task waits on one answer.
        public var downloadsPerTask = 4
        /// Seconds to follow a running task before detaching (it resumes next time).
        public var wait = 10.0
        /// `wait` as a duration: NaN or a negative value is none, and anything over a year (`inf`
        /// included) is a year, so no caller's value traps when it is converted.
        package var waitDuration: Duration {
            guard wait > 0 else { return .zero }
            return .milliseconds(Int64(min(wait, 365 * 86400) * 1000))
        }
        /// Incremental paging stops this far below the saved high-water mark (clock skew, late writes).
        public var safetyWindow = 600.0
        public var pageSize = 100
        /// What a followed task's call awaiting approval does: nothing (`sync`, `watch`), a question
        /// (`run` on a terminal, through `askAbout`), or the end of the follow (`run` off a terminal,
        /// which leaves the call to an `approve` command).
        public var approvals = FollowMachine.Approvals.ignore
        /// Puts calls to the user (`approvals == .ask`); must return at once, the stream goes on.
        public var askAbout: @Sendable ([FollowMachine.Call]) -> Void = { _ in }
        /// Told how each followed task's follow ended, once the task is settled.
        public var followEnded: (@Sendable (String, FollowMachine.Ending) -> Void)?

        public init() {}
    }

    let archive: any WritableArchive
    let client: SigmicClient
    let baseURL: String
    let fingerprint: String
    let progress: @Sendable (SyncProgress) -> Void
    let onEvent: @Sendable (String, StreamRecord) -> Void
    /// The time recorded with each live event.
    let now: @Sendable () -> Date
    /// The time waits and deadlines are measured on: the client's.
    var clock: Stopwatch { client.clock }
    let tally = SyncTally()
    let commits: CommitQueue
    let downloader: ArtifactDownloader
    /// The archive's on-sync rule, read again as each run starts (`readOnSyncRule`), so a long `watch`
    /// follows a rule set while it runs.
    private let onSyncRule = Mutex(OnSyncRedaction.none)
    var onSync: OnSyncRedaction { onSyncRule.withLock { $0 } }

    /// - Parameters:
    ///   - progress: called as tasks finish (for a progress line).
    ///   - onEvent: called with each live event after it is committed (task id, the event as received), for
    ///     `watch`, `run` and `reply`.
    ///   - now: the wall clock, for the times recorded with live events. Waits, deadlines and commit
    ///     batching are on the client's stopwatch (`SigmicClient.clock`, `SigmicClient.retrier`).
    public init(archive: any WritableArchive, client: SigmicClient, progress: @escaping @Sendable (SyncProgress) -> Void = { _ in },
                onEvent: @escaping @Sendable (String, StreamRecord) -> Void = { _, _ in },
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.archive = archive
        self.commits = CommitQueue(archive: archive, clock: client.clock)
        self.client = client
        self.baseURL = client.configuration.baseURL
        self.fingerprint = KeyFingerprint.of(client.configuration.apiKey)
        self.progress = progress
        self.onEvent = onEvent
        self.now = now
        self.downloader = ArtifactDownloader(client: client, blobs: archive.blobs, account: [fingerprint, baseURL])
    }

    /// With the on-sync rule, a sync that had to rewrite what it wrote earlier (a secret split between
    /// content events, found when its last piece came; an older file dropped) leaves the first version's
    /// bytes in free space and the WAL: it purges them before it returns, as `redact` would.
    func purgeIfRedacted() async throws {
        guard onSync.redactor != nil, try await archive.settings()[ArchiveSetting.purgePending.rawValue] != nil else { return }
        _ = try await archive.purge()
    }

    func readOnSyncRule() async throws {
        let rule = OnSyncRedaction(settings: try await archive.settings())
        onSyncRule.withLock { $0 = rule }
    }

    /// HTTP/1.1 connections a sync with `jobs` needs (see `SyncScheduler`).
    public static func connections(forJobs jobs: Int) -> Int { SyncScheduler.connections(forJobs: jobs) }

    /// Runs one sync. `firstPage` is the list page the caller already read to check the key (so a wrong
    /// key fails before the archive is touched). Throws only for failures that stop everything (auth);
    /// per-task failures are in the report.
    public func run(_ options: Options, firstPage: TaskPage? = nil) async throws -> SyncReport {
        let started = clock.now
        let requestsBefore = client.requestCount
        await tally.reset()
        try await readOnSyncRule()
        let account = try await archive.write { [baseURL, fingerprint] in try $0.account(baseURL: baseURL, fingerprint: fingerprint) }
        let mode: SyncRunMode = !options.taskIDs.isEmpty ? .tasks : options.full ? .full : .incremental
        let run = try await archive.write { try $0.beginSyncRun(account: account, mode: mode) }
        let local = try await archive.localTaskStates(account: account)
        var report = SyncReport()
        do {
            // Tasks forgotten on purpose are skipped wherever they appear: listed, asked for by id, or
            // found again by a full sync. Only `forget --undo` brings one back.
            let forgotten = Set(try await archive.tombstones().filter { $0.account == account }.map(\.remoteID))
            let (actions, listed, highWater) = try await reconcile(account: account, local: local, options: options, firstPage: firstPage,
                                                                   forgotten: forgotten)
            let listedIDs = Set(listed.map(\.id))
            report.tasks.unchanged = listed.count - actions.filter { listedIDs.contains($0.taskID) }.count
            try await execute(actions, listed: Dictionary(listed.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }),
                              account: account, options: options)
            if !options.taskIDs.isEmpty {
                try await recordListing(of: Set(options.taskIDs).subtracting(forgotten), account: account, pageSize: options.pageSize)
            }
            let totals = await tally.snapshot()
            report.tasks.new = totals.new
            report.tasks.updated = totals.updated
            report.tasks.failed = totals.failures.count
            report.failures = totals.failures.sorted { $0.taskId < $1.taskId }
            report.messages = totals.messages
            report.events = totals.events
            report.artifacts = totals.artifacts
            report.live = totals.live
            report.requests = client.requestCount - requestsBefore
            report.seconds = Self.seconds(clock.now - started)
            let finished = report
            try await archive.write { writer in
                if options.taskIDs.isEmpty {
                    try writer.updateCursor(account: account, highWaterActivity: highWater, full: options.full)
                }
                try writer.finishSyncRun(run, outcome: finished.failures.isEmpty ? .ok : .partial, totals: finished.totals, error: nil)
                // A run the outbox sent is now archived: it was started through `run` (`stats`).
                try writer.recordOriginOfSentRuns(account: account)
            }
            try await purgeIfRedacted()
            return report
        } catch {
            let (partial, reason) = (report, String(describing: error))
            try? await archive.write { writer in
                try writer.finishSyncRun(run, outcome: .failed, totals: partial.totals, error: reason)
            }
            throw error
        }
    }

    // MARK: - Reconcile

    func reconcile(account: AccountID, local: [String: LocalTaskState], options: Options, firstPage: TaskPage?,
                   forgotten: Set<String> = []) async throws -> ([SyncAction], [ListedTask], String?) {
        if !options.taskIDs.isEmpty {
            let actions = options.taskIDs.filter { !forgotten.contains($0) }.map { id -> SyncAction in .fetch(taskID: id, isNew: local[id] == nil) }
            return (actions, [], nil)
        }
        let cursor = try await archive.cursor(account: account)
        let stopBelow = cursor.highWaterActivity.flatMap { Self.shifted($0, by: -options.safetyWindow) }
        var pages: [[ListedTask]] = []
        var offset = 0
        // Each page is recorded while the next one is requested (structured: `async let`, awaited
        // before the next), so pages are recorded in order and none outlives a failed listing.
        var unrecorded: [APITask] = []
        while true {
            let previous = unrecorded
            async let recorded: Void = record(previous, account: account)
            let current = if let firstPage, offset == 0 { firstPage } else { try await client.listTasks(limit: options.pageSize, offset: offset) }
            try await recorded
            unrecorded = current.tasks.filter { !forgotten.contains($0.id) }
            pages.append(unrecorded.map(Self.listed))
            offset += current.tasks.count
            if SyncPlanner.canStopAfter(page: current.tasks.map(Self.listed), pageSize: options.pageSize,
                                        hasMore: current.pagination.hasMore, local: local, stopBelow: stopBelow,
                                        full: options.full, forgotten: forgotten) { break }
        }
        let last = unrecorded
        async let recorded: Void = record(last, account: account)
        if pages.count > 1 {
            // Tasks that moved to the top while we paged shifted out of the pages we had yet to read:
            // one more look at the top catches them, so none is skipped.
            let top = try await client.listTasks(limit: options.pageSize, offset: 0)
            try await recorded
            let topTasks = top.tasks.filter { !forgotten.contains($0.id) }
            try await record(topTasks, account: account)
            pages.insert(topTasks.map(Self.listed), at: 0)
        } else {
            try await recorded
        }
        let listed = SyncPlanner.merge(pages)
        if options.full {
            let present = Set(listed.map(\.id))
            _ = try await archive.write { try $0.reconcilePresence(account: account, present: present) }
        }
        let highWater = listed.compactMap(\.lastActivityAt).max()
        return (SyncPlanner.plan(listed: listed, local: local), listed, highWater)
    }

    /// Tasks synced by id were never listed: their listing values (last activity, message count, the
    /// listed JSON) are read from the list's first page once they are settled, so the archive holds what
    /// a listing sync would. A task that is not on that page (much newer work above it) gets them from
    /// the next listing sync.
    func recordListing(of ids: Set<String>, account: AccountID, pageSize: Int) async throws {
        guard !ids.isEmpty else { return }
        let page = try await client.listTasks(limit: pageSize, offset: 0)
        try await record(page.tasks.filter { ids.contains($0.id) }, account: account)
    }

    /// Listing rows are recorded as they are read, so `tasks` shows new tasks at once; a task counts as
    /// synced only when its own commit lands.
    func record(_ tasks: [APITask], account: AccountID) async throws {
        guard !tasks.isEmpty else { return }
        let snapshots = tasks.map { onSync.task(Snapshots.task($0)) }
        try await archive.write { writer in
            for task in snapshots { try writer.upsertListedTask(task, account: account) }
        }
    }

    static func listed(_ task: APITask) -> ListedTask {
        ListedTask(id: task.id, status: TaskStatus(task.status), lastActivityAt: task.lastActivityAt, messageCount: task.messageCount,
                   completedAt: task.completedAt)
    }

    static func shifted(_ timestamp: String, by seconds: Double) -> String? {
        Timestamp.parse(timestamp).map { Timestamp.string(from: $0.addingTimeInterval(seconds)) }
    }

    static func seconds(_ elapsed: Duration) -> Double {
         Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

extension SyncReport {
    var totals: SyncRunTotals {
        var totals = SyncRunTotals()
        totals.tasksNew = tasks.new
        totals.tasksUpdated = tasks.updated
        totals.tasksUnchanged = tasks.unchanged
        totals.tasksFailed = tasks.failed
        totals.messages = messages
        totals.events = events
        totals.artifacts = artifacts.downloaded
        totals.bytes = artifacts.bytes
        totals.requests = requests
        return totals
    }
}
