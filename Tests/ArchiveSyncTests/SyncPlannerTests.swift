import ArchiveStore
import ArchiveSync
import Testing

@Suite struct SyncPlannerTests {
    static func listed(_ id: String, _ status: TaskStatus = "completed", at activity: String = "2026-01-0%", count: Int = 2) -> ListedTask {
        ListedTask(id: id, status: status, lastActivityAt: activity, messageCount: count, completedAt: status == "completed" ? activity : nil)
    }

    static func synced(_ task: ListedTask, row: Int64 = 1, syncState: TaskSyncState = .synced) -> LocalTaskState {
        LocalTaskState(rowID: TaskRowID(rawValue: row), status: task.status, syncState: syncState, remoteState: .present,
                       syncedStatus: task.status, syncedActivityAt: task.lastActivityAt, syncedMessageCount: task.messageCount,
                       syncedCompletedAt: task.completedAt)
    }

    let a = listed("a", at: "2026-01-05")
    let b = listed("b", at: "2026-01-04")
    let c = listed("c", at: "2026-01-03")

    @Test func anEmptyArchiveFetchesEverythingNewestFirst() {
        #expect(SyncPlanner.plan(listed: [a, b, c], local: [:]) == [
            .fetch(taskID: "a", isNew: true), .fetch(taskID: "b", isNew: true), .fetch(taskID: "c", isNew: true),
        ])
    }

    @Test func nothingChangedPlansNothing() {
        let local = ["a": Self.synced(a), "b": Self.synced(b), "c": Self.synced(c)]
        #expect(SyncPlanner.plan(listed: [a, b, c], local: local).isEmpty)
    }

    @Test(arguments: [
        ("status change", listed("b", "failed", at: "2026-01-04")),
        ("a follow-up added", listed("b", at: "2026-01-06", count: 4)),
        ("activity moved", listed("b", at: "2026-01-07")),
    ])
    func aChangedTaskIsFetchedAgain(_ label: String, changed: ListedTask) {
        let local = ["a": Self.synced(a), "b": Self.synced(b), "c": Self.synced(c)]
        #expect(SyncPlanner.plan(listed: [a, changed, c], local: local) == [.fetch(taskID: "b", isNew: false)], "\(label)")
    }

    @Test func liveTasksAreAlwaysAttachedAfterTheFetches() {
        let running = Self.listed("r", "running", at: "2026-01-09", count: 1)
        let local = ["a": Self.synced(a), "r": Self.synced(running)]
        #expect(SyncPlanner.plan(listed: [running, a, b], local: local) == [.fetch(taskID: "b", isNew: true), .attach(taskID: "r", isNew: false)])
    }

    /// A task awaiting approval is paused: synced at that status, it is left alone until an answer
    /// changes its listing.
    @Test func aTaskAwaitingApprovalIsAttachedOnlyWhenItsListingChanged() {
        let waiting = Self.listed("w", "awaiting_approval", at: "2026-01-09", count: 1)
        #expect(SyncPlanner.plan(listed: [waiting, a], local: ["a": Self.synced(a), "w": Self.synced(waiting)]).isEmpty)
        let answered = Self.listed("w", "running", at: "2026-01-10", count: 1)
        #expect(SyncPlanner.plan(listed: [answered, a], local: ["a": Self.synced(a), "w": Self.synced(waiting)]) == [.attach(taskID: "w", isNew: false)])
    }

    @Test func unfinishedLocalTasksAreRetriedEvenWhenTheListingStopsEarly() {
        let failed = Self.synced(Self.listed("old", at: "2025-01-01"), row: 9, syncState: .failed)
        let live = Self.synced(Self.listed("gone-live", "running", at: "2025-02-01"), row: 10, syncState: .live)
        #expect(SyncPlanner.plan(listed: [], local: ["old": failed, "gone-live": live]) == [
            .fetch(taskID: "old", isNew: false), .attach(taskID: "gone-live", isNew: false),
        ])
    }

    @Test(arguments: [(99, true), (100, false)])
    func aShortPageEndsPaging(count: Int, stops: Bool) {
        let page = (0..<count).map { Self.listed("t\($0)", at: "2026-01-01") }
        #expect(SyncPlanner.canStopAfter(page: page, pageSize: 100, hasMore: nil, local: [:], stopBelow: nil, full: false) == stops)
    }

    @Test func anUnchangedPageBelowTheHighWaterMarkEndsIncrementalPaging() {
        let page = [a, b, c]
        let local = ["a": Self.synced(a), "b": Self.synced(b), "c": Self.synced(c)]
        #expect(SyncPlanner.canStopAfter(page: page, pageSize: 3, hasMore: true, local: local, stopBelow: "2026-01-04", full: false))
        // Not when the page reaches no lower than the mark, or has a change, or the sync is full.
        #expect(!SyncPlanner.canStopAfter(page: page, pageSize: 3, hasMore: true, local: local, stopBelow: "2026-01-02", full: false))
        #expect(!SyncPlanner.canStopAfter(page: page, pageSize: 3, hasMore: true, local: ["a": Self.synced(a)], stopBelow: "2026-01-04", full: false))
        #expect(!SyncPlanner.canStopAfter(page: page, pageSize: 3, hasMore: true, local: local, stopBelow: "2026-01-04", full: true))
    }

    @Test func aForgottenTaskCountsAsUnchangedSoPagingStillEnds() {
        // "b" was forgotten: it is listed, not in the archive, and must not keep paging going.
        let page = [a, b, c]
        let local = ["a": Self.synced(a), "c": Self.synced(c)]
        #expect(!SyncPlanner.canStopAfter(page: page, pageSize: 3, hasMore: true, local: local, stopBelow: "2026-01-04", full: false))
        #expect(SyncPlanner.canStopAfter(page: page, pageSize: 3, hasMore: true, local: local, stopBelow: "2026-01-04", full: false,
                                         forgotten: ["b"]))
    }

    @Test func shiftedPagesNeitherDuplicateNorSkip() {
        // Page 1 read [a, b, c]; then x moved to the top, so page 2 starts with c again; the re-read of
        // the top shows x.
        let x = Self.listed("x", at: "2026-01-09")
        let d = Self.listed("d", at: "2026-01-02")
        let merged = SyncPlanner.merge([[x, a, b], [a, b, c], [c, d]])
        #expect(merged.map(\.id) == ["x", "a", "b", "c", "d"])
    }
}

/// `--wait` from any caller becomes a duration without trapping: none for NaN or negative, a year at most.
@Suite struct WaitDurationTests {
    static let cases: [(Double, Duration)] = [
        (10, .seconds(10)), (0.25, .milliseconds(250)), (0, .zero), (-1, .zero), (.nan, .zero),
        (.infinity, .seconds(365 * 86400)), (1e19, .seconds(365 * 86400)),
    ]

    @Test(arguments: cases)
    func anyWaitBecomesADuration(_ wait: Double, _ expected: Duration) {
        var options = SyncEngine.Options()
        options.wait = wait
        #expect(options.waitDuration == expected)
    }
}
