import Foundation
internal import GRDB

/// What the sync planner needs to know of a task already in the archive.
public struct LocalTaskState: Sendable, Equatable {
    public let rowID: TaskRowID
    public let status: TaskStatus
    public let syncState: TaskSyncState
    public let remoteState: RemoteState
    /// The listing values as of the last complete sync of this task (nil before the first).
    public let syncedStatus: TaskStatus?
    public let syncedActivityAt: String?
    public let syncedMessageCount: Int?
    public let syncedCompletedAt: String?

    public init(rowID: TaskRowID, status: TaskStatus, syncState: TaskSyncState, remoteState: RemoteState, syncedStatus: TaskStatus?,
                syncedActivityAt: String?, syncedMessageCount: Int?, syncedCompletedAt: String?) {
        self.rowID = rowID
        self.status = status
        self.syncState = syncState
        self.remoteState = remoteState
        self.syncedStatus = syncedStatus
        self.syncedActivityAt = syncedActivityAt
        self.syncedMessageCount = syncedMessageCount
        self.syncedCompletedAt = syncedCompletedAt
    }
}

/// An account's sync cursor.
public struct SyncCursor: Sendable, Equatable {
    public var highWaterActivity: String?
    public var lastSyncAt: String?
    public var lastFullSyncAt: String?

    public init() {}

    package init(highWaterActivity: String?, lastSyncAt: String?, lastFullSyncAt: String?) {
        self.highWaterActivity = highWaterActivity
        self.lastSyncAt = lastSyncAt
        self.lastFullSyncAt = lastFullSyncAt
    }
}

/// The counts a sync run reports, kept in `sync_run`.
public struct SyncRunTotals: Sendable, Equatable {
    public var tasksNew = 0
    public var tasksUpdated = 0
    public var tasksUnchanged = 0
    public var tasksFailed = 0
    public var messages = 0
    public var events = 0
    public var artifacts = 0
    public var bytes: Int64 = 0
    public var requests = 0

    public init() {}
}

public struct SyncRunID: Hashable, Sendable { public let rawValue: Int64 }

extension Archive {
    /// The account for a base URL and key fingerprint, if the archive has it (reading never creates one).
    public func existingAccount(baseURL: String, fingerprint: String) async throws -> AccountID? {
        try await read("looking up an account") { db in
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM account WHERE base_url = ? AND key_fingerprint = ?"),
                arguments: [baseURL, fingerprint]).map(AccountID.init(rawValue:))
        }
    }

    /// One task's row, by its remote id (an indexed lookup).
    public func taskRow(remoteID: String, account: AccountID) async throws -> TaskRowID? {
        try await read("looking up a task") { db in
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM task WHERE account_id = ? AND remote_id = ?"),
                arguments: [account.rawValue, remoteID]).map(TaskRowID.init(rawValue:))
        }
    }

    /// Every task of an account, by remote id.
    public func localTaskStates(account: AccountID) async throws -> [String: LocalTaskState] {
        try await read("reading sync state") { db in
            var states: [String: LocalTaskState] = [:]
            for row in try Row.fetchAll(db.cachedStatement(sql: """
                SELECT id, remote_id, status, sync_state, remote_state, synced_status, synced_activity_at,
                       synced_message_count, synced_completed_at
                FROM task WHERE account_id = ?
                """), arguments: [account.rawValue]) {
                states[row["remote_id"]] = LocalTaskState(
                    rowID: TaskRowID(rawValue: row["id"]), status: TaskStatus(row["status"]), syncState: Self.state(row["sync_state"]),
                    remoteState: Self.state(row["remote_state"]), syncedStatus: (row["synced_status"] as String?).map { TaskStatus($0) },
                    syncedActivityAt: row["synced_activity_at"], syncedMessageCount: row["synced_message_count"],
                    syncedCompletedAt: row["synced_completed_at"])
            }
            return states
        }
    }

    public func cursor(account: AccountID) async throws -> SyncCursor {
        try await read("reading the sync cursor") { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM sync_cursor WHERE account_id = ?"),
                arguments: [account.rawValue]) else {
                return SyncCursor()
            }
            return SyncCursor(highWaterActivity: row["high_water_activity"], lastSyncAt: row["last_sync_at"],
                              lastFullSyncAt: row["last_full_sync_at"])
        }
    }
}

extension SQLiteArchiveWriter {
    /// Records that a task is fully synced as of these listing values: the planner's "unchanged" test.
    public func markSynced(_ task: TaskRowID, status: TaskStatus, activityAt: String?, messageCount: Int?, completedAt: String?) throws {
        try db.cachedStatement(sql: """
            UPDATE task SET sync_state = 'synced', sync_error = NULL, synced_status = ?, synced_activity_at = ?,
                synced_message_count = ?, synced_completed_at = ?, last_synced_at = ?
            WHERE id = ?
            """).execute(arguments: [status.rawValue, activityAt, messageCount, completedAt, now, task.rawValue])
    }

    /// A task being followed live: its events are recorded, its final state is not yet.
    /// The mark of its last settlement is cleared: it no longer says what the archive holds.
    public func markLive(_ task: TaskRowID) throws {
        try db.cachedStatement(sql: """
            UPDATE task SET sync_state = 'live', sync_error = NULL, synced_status = NULL, synced_activity_at = NULL,
                synced_message_count = NULL, synced_completed_at = NULL
            WHERE id = ?
            """)
            .execute(arguments: [task.rawValue])
    }

    /// A task whose sync failed; it stays due, and the error says why.
    public func markFailed(_ task: TaskRowID, error: String) throws {
        try db.cachedStatement(sql: "UPDATE task SET sync_state = 'failed', sync_error = ? WHERE id = ?")
            .execute(arguments: [error, task.rawValue])
    }

    /// A task the server answered 404 for: kept, marked missing, and no longer due (the planner retries
    /// only tasks that are present; a listing that shows it again makes it present).
    public func markGone(_ task: TaskRowID, error: String) throws {
        try db.cachedStatement(sql: "UPDATE task SET remote_state = 'missing', sync_state = 'failed', sync_error = ? WHERE id = ?")
            .execute(arguments: [error, task.rawValue])
    }

    /// Marks the account's tasks not in `present` as missing remotely (kept, never deleted), and those in
    /// it as present. Returns how many became missing.
    @discardableResult
    public func reconcilePresence(account: AccountID, present: Set<String>) throws -> Int {
        let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT id, remote_id, remote_state FROM task WHERE account_id = ?"),
            arguments: [account.rawValue])
        var missing = 0
        for row in rows {
            let remoteID: String = row["remote_id"]
            let state: String = row["remote_state"]
            let wanted: RemoteState = present.contains(remoteID) ? .present : .missing
            if state != wanted.rawValue {
                try db.cachedStatement(sql: "UPDATE task SET remote_state = ? WHERE id = ?")
                    .execute(arguments: [wanted.rawValue, row["id"] as Int64])
                if wanted == .missing { missing += 1 }
            }
        }
        return missing
    }

    public func updateCursor(account: AccountID, highWaterActivity: String?, full: Bool) throws {
        try db.cachedStatement(sql: """
            INSERT INTO sync_cursor (account_id, high_water_activity, last_sync_at, last_full_sync_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (account_id) DO UPDATE SET
                high_water_activity = max(ifnull(sync_cursor.high_water_activity, ''), ifnull(excluded.high_water_activity, '')),
                last_sync_at = excluded.last_sync_at,
                last_full_sync_at = ifnull(excluded.last_full_sync_at, sync_cursor.last_full_sync_at)
            """).execute(arguments: [account.rawValue, highWaterActivity, now, full ? now : nil])
    }

    public func beginSyncRun(account: AccountID, mode: SyncRunMode) throws -> SyncRunID {
        try db.cachedStatement(sql: "INSERT INTO sync_run (account_id, mode, started_at) VALUES (?, ?, ?)")
            .execute(arguments: [account.rawValue, mode.rawValue, now])
        return SyncRunID(rawValue: db.lastInsertedRowID)
    }

    public func finishSyncRun(_ run: SyncRunID, outcome: SyncRunOutcome, totals: SyncRunTotals, error: String?) throws {
        try db.cachedStatement(sql: """
            UPDATE sync_run SET finished_at = ?, outcome = ?, tasks_new = ?, tasks_updated = ?, tasks_unchanged = ?,
                tasks_failed = ?, messages = ?, events = ?, artifacts = ?, bytes = ?, requests = ?, error = ?
            WHERE id = ?
            """).execute(arguments: [now, outcome.rawValue, totals.tasksNew, totals.tasksUpdated, totals.tasksUnchanged,
                                     totals.tasksFailed, totals.messages, totals.events, totals.artifacts, totals.bytes,
                                     totals.requests, error, run.rawValue])
    }
}
