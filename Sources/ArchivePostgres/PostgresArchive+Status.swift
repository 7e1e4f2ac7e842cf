public import ArchiveStore
import PostgresNIO

extension PostgresArchive {
    /// What the archive holds, as `status` shows it for a folder: the database's size is PostgreSQL's
    /// (`pg_database_size`), files are counted in it, and no writer lock exists (several syncers may
    /// write at once).
    public func status() async throws -> ArchiveStatus {
        try await read("reading archive status") {
            func number(_ sql: String) async throws -> Int64 {
                try await connection.rows(PostgresStatement(sql), logger: Self.logger).first.map { try Columns($0)("n", as: Int64.self) } ?? 0
            }
            var tables: [String: Int] = [:]
            for table in Archive.countedTables { tables[table] = Int(try await number("SELECT count(*) AS n FROM \(table)")) }
            var byStatus: [String: Int] = [:]
            for row in try await connection.rows(PostgresStatement("SELECT status, count(*) AS n FROM task GROUP BY status"), logger: Self.logger) {
                let column = Columns(row)
                byStatus[try column("status")] = Int(try column("n", as: Int64.self))
            }
            let live = try await number("SELECT count(*) AS n FROM task WHERE status IN ('pending', 'running', 'awaiting_approval')")
            let blobBytes = try await number("SELECT coalesce(sum(size), 0)::bigint AS n FROM blob")
            let accounts = try await connection.rows(PostgresStatement("""
                SELECT a.base_url, a.key_fingerprint, (SELECT count(*) FROM task t WHERE t.account_id = a.id) AS tasks, c.last_sync_at
                FROM account a LEFT JOIN sync_cursor c ON c.account_id = a.id ORDER BY a.id
                """), logger: Self.logger).map { row in
                let column = Columns(row)
                return ArchiveStatus.Account(baseURL: try column("base_url"), keyFingerprint: try column("key_fingerprint"),
                                             tasks: Int(try column("tasks", as: Int64.self)), lastSyncAt: try column("last_sync_at"))
            }
            return ArchiveStatus(
                archive: location.display, readOnly: writable ? nil : "the database has a newer schema",
                schemaVersion: schemaVersion, buildSchemaVersion: Self.bundledMigrations.count,
                databaseBytes: try await number("SELECT pg_database_size(current_database()) AS n"), blobBytes: blobBytes,
                tables: tables, tasksByStatus: byStatus, liveTasks: Int(live),
                artifacts: ArchiveStatus.Artifacts(
                    stored: Int(try await number("SELECT count(*) AS n FROM artifact WHERE fetch_state = 'stored'")),
                    pending: Int(try await number("SELECT count(*) AS n FROM artifact WHERE fetch_state = 'pending'")),
                    failed: Int(try await number("SELECT count(*) AS n FROM artifact WHERE fetch_state = 'failed'")),
                    storedBytes: blobBytes),
                accounts: accounts, writer: nil)
        }
    }
}
