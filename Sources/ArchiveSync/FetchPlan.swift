public import ArchiveStore
import Foundation
import SigmicAPI

/// A file as the artifact listing shows it: the values the fetch plan compares.
public struct ListedFile: Sendable, Equatable {
    /// As the archive stores it (`Snapshots.visible`).
    public var path: String
    public var size: Int64?
    /// Canonical time, as the archive stores it.
    public var modifiedAt: String?

    public init(path: String, size: Int64?, modifiedAt: String?) {
        self.path = path
        self.size = size
        self.modifiedAt = modifiedAt
    }
}

/// What the archive holds of a file: the values the fetch plan compares.
public struct ArchivedFile: Sendable, Equatable {
    public var path: String
    public var size: Int64?
    public var modifiedAt: String?
    public var state: ArtifactFetchState
    /// Syncs in a row that could not download this version.
    public var failures: Int

    public init(path: String, size: Int64?, modifiedAt: String?, state: ArtifactFetchState, failures: Int = 0) {
        self.path = path
        self.size = size
        self.modifiedAt = modifiedAt
        self.state = state
        self.failures = failures
    }

    init(_ stored: StoredArtifact) {
        self.init(path: stored.path, size: stored.size, modifiedAt: stored.modifiedAt,
                  state: stored.isStored ? .stored : stored.fetchState == .failed ? .failed : .pending,
                  failures: stored.fetchFailures)
    }
}

/// Pure decisions of one task's fetch — what to ask for, which files to download or skip, and what
/// to record once the answers are in. `SyncEngine.fetch` only carries them out; every case is a table
/// test.
public enum FetchPlan {
    /// What to do with a task after its GET.
    public enum Start: Sendable, Equatable {
        /// It runs on the server: follow its stream (and settle when the run ends).
        case follow
        /// Fetch history and files now and commit them.
        case settle
    }

    /// A running task is followed live, unless the sync may not wait for it (`--wait 0`): then it is
    /// fetched as it is now, and fetched again by a later sync.
    public static func start(status: TaskStatus, wait: Double) -> Start {
        status.isLive && wait > 0 ? .follow : .settle
    }

    /// A task's files: which the archive needs, and which it already has.
    public struct Files: Sendable, Equatable {
        /// The listing with one entry per path: when a listing repeats a path, its last entry wins.
        /// Paths are compared as bytes: `café` and `cafe\u{301}` are two files to the server and to
        /// SQLite, though Swift's `String` equality would merge them.
        public var listed: [ListedFile]
        /// Files to download: new, changed (size or time), or not stored yet.
        public var download: [Download]
        /// Files left alone: the archive has this version, or gave up on it.
        public var skipped: Int
    }

    /// A file to download, with how many syncs in a row could not download this same version.
    public struct Download: Sendable, Equatable {
        public var file: ListedFile
        public var earlierFailures: Int

        public init(file: ListedFile, earlierFailures: Int = 0) {
            self.file = file
            self.earlierFailures = earlierFailures
        }
    }

    /// Compares a listing with what the archive holds. A file given up on (`failed`) is tried again
    /// only when its listing changes.
    public static func files(listing: [ListedFile], archived: [ArchivedFile]) -> Files {
        var seen = Set<Data>()
        let listed = Array(listing.reversed().filter { seen.insert(Data($0.path.utf8)).inserted }.reversed())
        let known = Dictionary(archived.map { (Data($0.path.utf8), $0) }, uniquingKeysWith: { first, _ in first })
        let download = listed.compactMap { file -> Download? in
            guard let previous = known[Data(file.path.utf8)], previous.size == file.size, previous.modifiedAt == file.modifiedAt else {
                return Download(file: file)   // new, or another version: its count starts again
            }
            return previous.state == .pending ? Download(file: file, earlierFailures: previous.failures) : nil
        }
        return Files(listed: listed, download: download, skipped: listed.count - download.count)
    }

    /// Syncs in a row a listed file may answer 404 before it is recorded as failed, so that one lost
    /// file neither fails its task for ever nor is given up on after one bad moment of the server's.
    public static let givingUpAfter = 3

    /// A file the server listed but would not send (404).
    public struct Unavailable: Sendable, Equatable {
        public var path: String
        /// The server's answer, as recorded in `fetch_error`.
        public var error: String
        /// Earlier syncs in a row that had the same result.
        public var failuresBefore: Int

        public init(path: String, error: String, failuresBefore: Int) {
            self.path = path
            self.error = error
            self.failuresBefore = failuresBefore
        }

        public var givesUp: Bool { failuresBefore + 1 >= FetchPlan.givingUpAfter }
    }

    /// How a fetched task is recorded.
    public enum Settlement: Sendable, Equatable {
        /// Synced as of these listing values: the planner's "unchanged" test compares them next time.
        case synced(SyncMark)
        /// Committed, but still due: a file is missing that may come back. The error says which.
        case due(error: String)
        /// Committed as it is now, but still running: the next sync follows it.
        case live
    }

    /// What a fetch records: synced, unless a file the server would not send is still being given a
    /// chance, or the task still runs (fetched without being followed). A task awaiting approval is
    /// synced at that status: it is paused, and the next sync fetches it when an answer changes it.
    /// The values marked are the listing's when the task was listed, else the GET's (`fetched`, whose
    /// activity is the latest of its times) with the history's length.
    public static func settlement(listed: ListedTask?, fetched: ListedTask, historyCount: Int, unavailable: [Unavailable]) -> Settlement {
        let waiting = unavailable.filter { !$0.givesUp }
        if let first = waiting.first {
            let more = waiting.count > 1 ? " (and \(waiting.count - 1) more)" : ""
            return .due(error: "\(first.path)\(more): \(first.error) (\(first.failuresBefore + 1) of \(givingUpAfter) tries)")
        }
        if fetched.status.changesOnItsOwn { return .live }
        return .synced(SyncMark(status: listed?.status ?? fetched.status, activityAt: listed?.lastActivityAt ?? fetched.lastActivityAt,
                                messageCount: listed?.messageCount ?? historyCount, completedAt: listed?.completedAt ?? fetched.completedAt))
    }
}

extension FetchPlan {
    /// What a failed sync of one task leads to.
    public enum AfterFailure: Sendable, Equatable {
        /// The key was refused: stop the whole sync, as no other task can succeed.
        case stopSync
        /// The server no longer knows the task (404): keep it, marked missing, and stop asking for it
        /// (a listing that shows it again makes it present again).
        case markGone
        /// Anything else: the task stays due, and the next sync tries again.
        case stayDue
    }

    /// Files that answer 404 are handled by the downloader, so a 404 that reaches here is the task's.
    public static func afterFailure(_ error: any Error) -> AfterFailure {
        switch (error as? SigmicAPIError)?.kind {
        case .auth?: .stopSync
        case .notFound?: .markGone
        default: .stayDue
        }
    }
}

/// The listing values a task is synced as of (see `ArchiveWriter.markSynced`).
public struct SyncMark: Sendable, Equatable {
    public var status: TaskStatus
    public var activityAt: String?
    public var messageCount: Int?
    public var completedAt: String?

    public init(status: TaskStatus, activityAt: String?, messageCount: Int?, completedAt: String?) {
        self.status = status
        self.activityAt = activityAt
        self.messageCount = messageCount
        self.completedAt = completedAt
    }
}
