public import ArchiveStore
import Foundation
import PostgresNIO

/// A task's and an account's sync bookkeeping: what a sync marks as it goes, and its runs.
extension PostgresArchiveWriter {
    public func markSynced(_ task: TaskRowID, status: TaskStatus, activityAt: String?, messageCount: Int?, completedAt: String?) throws {
        var statement = PostgresStatement()
        statement.sql = """
            UPDATE task SET sync_state = 'synced', sync_error = NULL, synced_status = \(statement.bind(status.rawValue)),
                synced_activity_at = \(statement.bind(activityAt)), synced_message_count = \(statement.bind(messageCount)),
                synced_completed_at = \(statement.bind(completedAt)), last_synced_at = \(statement.bind(now))
            WHERE id = \(statement.bind(task.rawValue))
            """
        try run(statement)
    }

    public func markLive(_ task: TaskRowID) throws {
        var statement = PostgresStatement()
        statement.sql = """
            UPDATE task SET sync_state = 'live', sync_error = NULL, synced_status = NULL, synced_activity_at = NULL,
                synced_message_count = NULL, synced_completed_at = NULL
            WHERE id = \(statement.bind(task.rawValue))
            """
        try run(statement)
    }

    public func markFailed(_ task: TaskRowID, error: String) throws {
        var statement = PostgresStatement()
        statement.sql = "UPDATE task SET sync_state = 'failed', sync_error = \(statement.bind(error)) WHERE id = \(statement.bind(task.rawValue))"
        try run(statement)
    }

    public func markGone(_ task: TaskRowID, error: String) throws {
        var statement = PostgresStatement()
        statement.sql = """
            UPDATE task SET remote_state = 'missing', sync_state = 'failed', sync_error = \(statement.bind(error))
            WHERE id = \(statement.bind(task.rawValue))
            """
        try run(statement)
    }

    public func reconcilePresence(account: AccountID, present: Set<String>) throws -> Int {
        var statement = PostgresStatement()
        let wanted = "CASE WHEN remote_id = ANY(\(statement.bind(Array(present)))::text[]) THEN 'present' ELSE 'missing' END"
        statement.sql = """
            UPDATE task SET remote_state = \(wanted)
            WHERE account_id = \(statement.bind(account.rawValue)) AND remote_state <> \(wanted)
            RETURNING remote_state
            """
        return try run(statement).filter { try Columns($0)("remote_state", as: String.self) == "missing" }.count
    }

    public func updateCursor(account: AccountID, highWaterActivity: String?, full: Bool) throws {
        var statement = PostgresStatement()
        statement.sql = """
            INSERT INTO sync_cursor (account_id, high_water_activity, last_sync_at, last_full_sync_at)
            VALUES (\(statement.bind(account.rawValue)), \(statement.bind(highWaterActivity)), \(statement.bind(now)),
                    \(statement.bind(full ? now : nil)))
            ON CONFLICT (account_id) DO UPDATE SET
                high_water_activity = GREATEST(coalesce(sync_cursor.high_water_activity, '') COLLATE "C",
                                               coalesce(EXCLUDED.high_water_activity, '')),
                last_sync_at = EXCLUDED.last_sync_at,
                last_full_sync_at = coalesce(EXCLUDED.last_full_sync_at, sync_cursor.last_full_sync_at)
            """
        try run(statement)
    }

    public func beginSyncRun(account: AccountID, mode: SyncRunMode) throws -> SyncRunID {
        var statement = PostgresStatement()
        statement.sql = """
            INSERT INTO sync_run (account_id, mode, started_at)
            VALUES (\(statement.bind(account.rawValue)), \(statement.bind(mode.rawValue)), \(statement.bind(now))) RETURNING id
            """
        return SyncRunID(try id(statement)!)
    }

    public func finishSyncRun(_ run: SyncRunID, outcome: SyncRunOutcome, totals: SyncRunTotals, error: String?) throws {
        var statement = PostgresStatement()
        statement.sql = """
            UPDATE sync_run SET finished_at = \(statement.bind(now)), outcome = \(statement.bind(outcome.rawValue)),
                tasks_new = \(statement.bind(totals.tasksNew)), tasks_updated = \(statement.bind(totals.tasksUpdated)),
                tasks_unchanged = \(statement.bind(totals.tasksUnchanged)), tasks_failed = \(statement.bind(totals.tasksFailed)),
                messages = \(statement.bind(totals.messages)), events = \(statement.bind(totals.events)),
                artifacts = \(statement.bind(totals.artifacts)), bytes = \(statement.bind(totals.bytes)),
                requests = \(statement.bind(totals.requests)), error = \(statement.bind(error))
            WHERE id = \(statement.bind(run.rawValue))
            """
        try self.run(statement)
    }
}
