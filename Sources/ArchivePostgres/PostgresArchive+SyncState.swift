public import ArchiveStore
import PostgresNIO

/// What the sync planner reads: each task's sync bookkeeping and the account's cursor.
extension PostgresArchive {
    public func taskRow(remoteID: String, account: AccountID) async throws -> TaskRowID? {
        var statement = PostgresStatement()
        statement.sql = "SELECT id FROM task WHERE account_id = \(statement.bind(account.rawValue)) AND remote_id = \(statement.bind(remoteID))"
        return try await read("looking up a task") {
            try await connection.rows(statement, logger: Self.logger).first.map { TaskRowID(rawValue: try Columns($0)("id")) }
        }
    }

    public func localTaskStates(account: AccountID) async throws -> [String: LocalTaskState] {
        var statement = PostgresStatement()
        statement.sql = """
            SELECT id, remote_id, status, sync_state, remote_state, synced_status, synced_activity_at,
                   synced_message_count, synced_completed_at
            FROM task WHERE account_id = \(statement.bind(account.rawValue))
            """
        return try await read("reading sync state") {
            var states: [String: LocalTaskState] = [:]
            for row in try await connection.rows(statement, logger: Self.logger) {
                let column = Columns(row)
                states[try column("remote_id")] = LocalTaskState(
                    rowID: TaskRowID(rawValue: try column("id")), status: TaskStatus(try column("status", as: String.self)),
                    syncState: Archive.state(try column("sync_state")), remoteState: Archive.state(try column("remote_state")),
                    syncedStatus: try column("synced_status", as: String?.self).map { TaskStatus($0) },
                    syncedActivityAt: try column("synced_activity_at"), syncedMessageCount: try column("synced_message_count"),
                    syncedCompletedAt: try column("synced_completed_at"))
            }
            return states
        }
    }

    public func cursor(account: AccountID) async throws -> SyncCursor {
        var statement = PostgresStatement()
        statement.sql = """
            SELECT high_water_activity, last_sync_at, last_full_sync_at FROM sync_cursor
            WHERE account_id = \(statement.bind(account.rawValue))
            """
        return try await read("reading the sync cursor") {
            guard let row = try await connection.rows(statement, logger: Self.logger).first else { return SyncCursor() }
            let column = Columns(row)
            return SyncCursor(highWaterActivity: try column("high_water_activity"), lastSyncAt: try column("last_sync_at"),
                              lastFullSyncAt: try column("last_full_sync_at"))
        }
    }

    public func existingAccount(baseURL: String, fingerprint: String) async throws -> AccountID? {
        var statement = PostgresStatement()
        statement.sql = "SELECT id FROM account WHERE base_url = \(statement.bind(baseURL)) AND key_fingerprint = \(statement.bind(fingerprint))"
        return try await read("looking up an account") {
            try await connection.rows(statement, logger: Self.logger).first.map { AccountID(try Columns($0)("id", as: Int64.self)) }
        }
    }

    /// Several processes write to PostgreSQL at once: there is no writer to claim.
    public func claimWriter(purpose: String) throws -> ArchiveLock? { nil }
}
