import ArchiveStore
import ArchiveSync
import SigmicAPI
import Testing

@Suite struct FetchPlanTests {
    static func file(_ path: String, size: Int64? = 10, at time: String? = "2026-01-05T10:00:00.000Z") -> ListedFile {
        ListedFile(path: path, size: size, modifiedAt: time)
    }

    static func archived(_ file: ListedFile, _ state: ArtifactFetchState = .stored, failures: Int = 0) -> ArchivedFile {
        ArchivedFile(path: file.path, size: file.size, modifiedAt: file.modifiedAt, state: state, failures: failures)
    }

    @Test(arguments: [
        ("running, may wait", TaskStatus.running, 10.0, FetchPlan.Start.follow),
        ("awaiting approval", .awaitingApproval, 10, .follow),
        ("pending", .pending, 0.5, .follow),
        ("running with --wait 0", .running, 0, .settle),
        ("completed", .completed, 10, .settle),
        ("cancelled", .cancelled, 10, .settle),
        ("a status this build does not know", .other("paused"), 10, .settle),
    ])
    func aLiveTaskIsFollowedUnlessTheSyncMayNotWait(_ label: String, status: TaskStatus, wait: Double, expected: FetchPlan.Start) {
        #expect(FetchPlan.start(status: status, wait: wait) == expected, "\(label)")
    }

    /// (case, listing, archived, paths listed, paths downloaded, skipped)
    @Test(arguments: [
        ("a new task: every file", [file("a.txt"), file("b.png")], [], ["a.txt", "b.png"], ["a.txt", "b.png"], 0),
        ("unchanged: nothing", [file("a.txt")], [archived(file("a.txt"))], ["a.txt"], [], 1),
        ("changed size", [file("a.txt", size: 11)], [archived(file("a.txt"))], ["a.txt"], ["a.txt"], 0),
        ("changed time", [file("a.txt", at: "2026-01-06T10:00:00.000Z")], [archived(file("a.txt"))], ["a.txt"], ["a.txt"], 0),
        ("listed before, bytes never stored", [file("a.txt")], [archived(file("a.txt"), .pending)], ["a.txt"], ["a.txt"], 0),
        ("the same path twice: its last entry", [file("a.txt", size: 1), file("b"), file("a.txt", size: 2)], [],
         ["b", "a.txt"], ["b", "a.txt"], 0),
        ("NFC and NFD twins are two files", [file("caf\u{E9}"), file("cafe\u{301}")], [archived(file("caf\u{E9}"))],
         ["caf\u{E9}", "cafe\u{301}"], ["cafe\u{301}"], 1),
        ("given up on, unchanged: left alone", [file("gone.csv")], [archived(file("gone.csv"), .failed, failures: 3)], ["gone.csv"], [], 1),
        ("given up on, then changed: tried again", [file("gone.csv", size: 99)], [archived(file("gone.csv"), .failed, failures: 3)],
         ["gone.csv"], ["gone.csv"], 0),
        ("gone from the listing: not asked for", [], [archived(file("old.txt"))], [], [], 0),
    ] as [(String, [ListedFile], [ArchivedFile], [String], [String], Int)])
    func filesAreDownloadedWhenNewOrChanged(_ label: String, listing: [ListedFile], archived: [ArchivedFile],
                                             listed: [String], download: [String], skipped: Int) {
        let plan = FetchPlan.files(listing: listing, archived: archived)
        // Compared as bytes: `==` on String would call the twins equal.
        #expect(plan.listed.map { Array($0.path.utf8) } == listed.map { Array($0.utf8) }, "\(label)")
        #expect(plan.download.map { Array($0.file.path.utf8) } == download.map { Array($0.utf8) }, "\(label)")
        #expect(plan.skipped == skipped, "\(label)")
    }

    @Test func theLastEntryOfARepeatedPathIsTheOneKept() {
        let plan = FetchPlan.files(listing: [Self.file("a", size: 1), Self.file("a", size: 2)], archived: [])
        #expect(plan.listed.map(\.size) == [2])
    }

    @Test func aFileStillPendingCarriesItsEarlierFailuresAndAChangedOneStartsAgain() {
        let same = FetchPlan.files(listing: [Self.file("x")], archived: [Self.archived(Self.file("x"), .pending, failures: 2)])
        #expect(same.download == [FetchPlan.Download(file: Self.file("x"), earlierFailures: 2)])
        let changed = FetchPlan.files(listing: [Self.file("x", size: 5)], archived: [Self.archived(Self.file("x"), .pending, failures: 2)])
        #expect(changed.download == [FetchPlan.Download(file: Self.file("x", size: 5), earlierFailures: 0)])
    }

    static let listed = ListedTask(id: "t", status: .completed, lastActivityAt: "2026-01-05T10:00:00.000Z", messageCount: 4,
                                   completedAt: "2026-01-05T10:00:00.000Z")
    static let fetched = ListedTask(id: "t", status: .completed, lastActivityAt: "2026-01-05T09:00:00.000Z", messageCount: nil,
                                    completedAt: "2026-01-05T09:00:00.000Z")

    @Test func aListedTaskIsSyncedAsOfItsListingAndATaskKnownByIdAsOfItsGet() {
        #expect(FetchPlan.settlement(listed: Self.listed, fetched: Self.fetched, historyCount: 3, unavailable: []) == .synced(
            SyncMark(status: .completed, activityAt: "2026-01-05T10:00:00.000Z", messageCount: 4, completedAt: "2026-01-05T10:00:00.000Z")))
        #expect(FetchPlan.settlement(listed: nil, fetched: Self.fetched, historyCount: 3, unavailable: []) == .synced(
            SyncMark(status: .completed, activityAt: "2026-01-05T09:00:00.000Z", messageCount: 3, completedAt: "2026-01-05T09:00:00.000Z")))
    }

    /// A task fetched without being followed (`--wait 0`, or the wait ran out): one that runs stays
    /// live, one paused for an approval is synced at that status.
    @Test(arguments: [(TaskStatus.pending, false), (.running, false), (.awaitingApproval, true), (.completed, true)])
    func aRunningTaskStaysLiveAndOneAwaitingApprovalIsSynced(status: TaskStatus, synced: Bool) {
        var fetched = Self.fetched
        fetched.status = status
        let settlement = FetchPlan.settlement(listed: nil, fetched: fetched, historyCount: 1, unavailable: [])
        if synced {
            #expect(settlement == .synced(SyncMark(status: status, activityAt: fetched.lastActivityAt, messageCount: 1,
                                                    completedAt: fetched.completedAt)))
        } else {
            #expect(settlement == .live)
        }
    }

    /// (earlier 404s of the file, settled as synced?)
    @Test(arguments: [(0, false), (1, false), (2, true), (5, true)])
    func aFileThatAnswers404KeepsItsTaskDueUntilTheThirdSync(earlier: Int, synced: Bool) {
        let missing = FetchPlan.Unavailable(path: "downloads/lost.csv", error: "HTTP 404 NOT_FOUND: Task or file not found",
                                            failuresBefore: earlier)
        let settlement = FetchPlan.settlement(listed: Self.listed, fetched: Self.fetched, historyCount: 4, unavailable: [missing])
        if synced {
            guard case .synced = settlement else { Issue.record("\(settlement)"); return }
        } else {
            #expect(settlement == .due(error: "downloads/lost.csv: HTTP 404 NOT_FOUND: Task or file not found (\(earlier + 1) of 3 tries)"))
        }
        #expect(missing.givesUp == synced)
    }

    @Test(arguments: [
        (SigmicAPIError(kind: .auth, status: 401, message: "bad key"), FetchPlan.AfterFailure.stopSync),
        (SigmicAPIError(kind: .notFound, status: 404, message: "Task not found"), .markGone),
        (SigmicAPIError(kind: .server, status: 503, message: "busy"), .stayDue),
        (SigmicAPIError(kind: .cancelled, message: "cancelled"), .stayDue),
    ])
    func aTaskTheServerNoLongerKnowsIsMarkedGoneAndOthersStayDue(error: SigmicAPIError, expected: FetchPlan.AfterFailure) {
        #expect(FetchPlan.afterFailure(error) == expected)
    }

    @Test func aLocalFailureIsNeverTakenForTheServers() {
        #expect(FetchPlan.afterFailure(ArchiveError.contentMismatch(expected: "3 bytes", actual: "4 bytes")) == .stayDue)
        #expect(FetchPlan.afterFailure(SyncError.notInArchive(taskID: "t")) == .stayDue)
    }
}
