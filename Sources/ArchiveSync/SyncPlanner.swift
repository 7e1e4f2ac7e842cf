public import ArchiveStore

/// A task as a list page shows it: the values the planner compares.
public struct ListedTask: Sendable, Equatable {
    public var id: String
    public var status: TaskStatus
    public var lastActivityAt: String?
    public var messageCount: Int?
    public var completedAt: String?

    public init(id: String, status: TaskStatus, lastActivityAt: String?, messageCount: Int?, completedAt: String?) {
        self.id = id
        self.status = status
        self.lastActivityAt = lastActivityAt
        self.messageCount = messageCount
        self.completedAt = completedAt
    }

    public var isLive: Bool { status.isLive }
}

/// One thing the executor will do.
public enum SyncAction: Sendable, Equatable {
    /// Get + history (+ artifacts), then commit the task with its bookkeeping.
    case fetch(taskID: String, isNew: Bool)
    /// Follow the live stream, then settle to the final state.
    case attach(taskID: String, isNew: Bool)

    public var taskID: String {
        switch self {
        case .fetch(let id, _), .attach(let id, _): return id
        }
    }
}

/// Pure decisions of a sync: which pages to read and what to do with each task. No I/O, so every case
/// is a table test.
public enum SyncPlanner {
    /// A listed task needs nothing when its listing values equal those of its last complete sync.
    /// A task awaiting approval can be unchanged: it waits for an answer, and an answer changes its listing.
    public static func isUnchanged(_ listed: ListedTask, _ local: LocalTaskState?) -> Bool {
        guard let local, local.syncState == .synced, !listed.status.changesOnItsOwn else { return false }
        return local.syncedStatus == listed.status && local.syncedActivityAt == listed.lastActivityAt
            && local.syncedMessageCount == listed.messageCount && local.syncedCompletedAt == listed.completedAt
    }

    /// After reading `page`, may paging stop? Only when the page is short (the end), or — for an
    /// incremental sync — when every task on it is unchanged and it reaches below the saved high-water
    /// mark minus the safety window (pages further down are older still).
    /// `forgotten`: tasks removed on purpose, which count as unchanged (they are never fetched).
    public static func canStopAfter(page: [ListedTask], pageSize: Int, hasMore: Bool?, local: [String: LocalTaskState],
                                    stopBelow: String?, full: Bool, forgotten: Set<String> = []) -> Bool {
        if page.count < pageSize || hasMore == false { return true }
        guard !full, let stopBelow, let oldest = page.last?.lastActivityAt else { return false }
        return oldest < stopBelow && page.allSatisfy { forgotten.contains($0.id) || isUnchanged($0, local[$0.id]) }
    }

    /// Merges pages read while tasks were changing: the first sighting of an id wins (it is the most
    /// recent read of the list's top), later duplicates from shifted pages are dropped.
    public static func merge(_ pages: [[ListedTask]]) -> [ListedTask] {
        var seen = Set<String>()
        var out: [ListedTask] = []
        for page in pages {
            for task in page where seen.insert(task.id).inserted { out.append(task) }
        }
        return out
    }

    /// The actions for a listing, sorted: fetches first (newest activity first, then id), then attaches
    /// (same order). Local tasks left unfinished by an earlier run (`failed`, `listed`, `live`) are
    /// included even if this listing did not reach them.
    public static func plan(listed: [ListedTask], local: [String: LocalTaskState]) -> [SyncAction] {
        var fetches: [(String, String)] = []
        var attaches: [(String, String)] = []
        var planned = Set<String>()
        for task in listed where !isUnchanged(task, local[task.id]) {
            planned.insert(task.id)
            let key = (task.lastActivityAt ?? "", task.id)
            if task.isLive { attaches.append(key) } else { fetches.append(key) }
        }
        for (id, state) in local where !planned.contains(id) && state.remoteState == .present {
            switch state.syncState {
            case .failed, .listed: fetches.append((state.syncedActivityAt ?? "", id))
            case .live: attaches.append((state.syncedActivityAt ?? "", id))
            case .synced: break
            }
        }
        let order: ((String, String), (String, String)) -> Bool = { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
        return fetches.sorted(by: order).map { .fetch(taskID: $0.1, isNew: local[$0.1] == nil) }
            + attaches.sorted(by: order).map { .attach(taskID: $0.1, isNew: local[$0.1] == nil) }
    }
}
