import Foundation
internal import GRDB

/// What is in an archive, for `status`.
public struct ArchiveStatus: Sendable, Codable, Equatable {
    public struct Account: Sendable, Codable, Equatable {
        public let baseURL: String
        public let keyFingerprint: String
        public let tasks: Int
        public let lastSyncAt: String?

        package init(baseURL: String, keyFingerprint: String, tasks: Int, lastSyncAt: String?) {
            self.baseURL = baseURL; self.keyFingerprint = keyFingerprint; self.tasks = tasks; self.lastSyncAt = lastSyncAt
        }
    }

    public struct Artifacts: Sendable, Codable, Equatable {
        public let stored: Int
        public let pending: Int
        public let failed: Int
        public let storedBytes: Int64

        package init(stored: Int, pending: Int, failed: Int, storedBytes: Int64) {
            self.stored = stored; self.pending = pending; self.failed = failed; self.storedBytes = storedBytes
        }
    }

    public let archive: String
    public let readOnly: String?
    public let schemaVersion: Int
    public let buildSchemaVersion: Int
    public let databaseBytes: Int64
    public let blobBytes: Int64
    /// Rows per table, by table name.
    public let tables: [String: Int]
    public let tasksByStatus: [String: Int]
    public let liveTasks: Int
    public let artifacts: Artifacts
    public let accounts: [Account]
    /// The process writing to the archive now (a sync, watch or repair), if any.
    public let writer: String?

    package init(archive: String, readOnly: String?, schemaVersion: Int, buildSchemaVersion: Int, databaseBytes: Int64,
                 blobBytes: Int64, tables: [String: Int], tasksByStatus: [String: Int], liveTasks: Int, artifacts: Artifacts,
                 accounts: [Account], writer: String?) {
        self.archive = archive; self.readOnly = readOnly; self.schemaVersion = schemaVersion
        self.buildSchemaVersion = buildSchemaVersion; self.databaseBytes = databaseBytes; self.blobBytes = blobBytes
        self.tables = tables; self.tasksByStatus = tasksByStatus; self.liveTasks = liveTasks; self.artifacts = artifacts
        self.accounts = accounts; self.writer = writer
    }
}


extension Archive {
    package static let countedTables = [
        "account", "task", "message", "attach_session", "stream_event", "artifact", "blob", "search_doc",
        "sync_cursor", "sync_run",
    ]

    public func status() async throws -> ArchiveStatus {
        try await read("reading archive status") { db in
            var tables: [String: Int] = [:]
            for table in Self.countedTables {
                tables[table] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
            }
            var byStatus: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, count(*) AS n FROM task GROUP BY status") {
                byStatus[row["status"]] = row["n"]
            }
            let live = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM task WHERE status IN ('pending', 'running', 'awaiting_approval')
                """) ?? 0
            let artifactRow = try Row.fetchOne(db, sql: """
                SELECT sum(fetch_state = 'stored') AS stored, sum(fetch_state = 'pending') AS pending,
                       sum(fetch_state = 'failed') AS failed FROM artifact
                """)
            let blobBytes = try Int64.fetchOne(db, sql: "SELECT ifnull(sum(size), 0) FROM blob") ?? 0
            let accounts = try Row.fetchAll(db, sql: """
                SELECT a.base_url, a.key_fingerprint, (SELECT count(*) FROM task t WHERE t.account_id = a.id) AS tasks,
                       c.last_sync_at
                FROM account a LEFT JOIN sync_cursor c ON c.account_id = a.id ORDER BY a.id
                """).map { row in
                ArchiveStatus.Account(baseURL: row["base_url"], keyFingerprint: row["key_fingerprint"],
                                      tasks: row["tasks"], lastSyncAt: row["last_sync_at"])
            }
            var readOnly: String?
            if case .readOnly(let reason) = self.access { readOnly = reason }
            return ArchiveStatus(
                archive: self.folder.path, readOnly: readOnly, schemaVersion: self.schemaVersion,
                buildSchemaVersion: EmbeddedMigration.bundled.count,
                databaseBytes: Self.databaseBytes(self.folder), blobBytes: blobBytes, tables: tables,
                tasksByStatus: byStatus, liveTasks: live,
                artifacts: ArchiveStatus.Artifacts(
                    stored: artifactRow?["stored"] ?? 0, pending: artifactRow?["pending"] ?? 0,
                    failed: artifactRow?["failed"] ?? 0, storedBytes: blobBytes),
                accounts: accounts, writer: ArchiveLock.holder(of: self))
        }
    }

    /// The database with its WAL and shared-memory files.
    static func databaseBytes(_ folder: URL) -> Int64 {
        ["", "-wal", "-shm"].reduce(Int64(0)) { total, suffix in
            let path = folder.appending(path: databaseFileName + suffix).path
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
            return total + size
        }
    }
}
