import ArchiveStore
import Foundation
import Logging
import PostgresNIO

/// Brings a PostgreSQL archive to this build's schema: in one transaction under an advisory lock, so
/// that syncers starting together on several machines migrate once and the others find it done. The
/// decision is the SQLite store's (`MigrationPlan`); only the acting differs.
enum PostgresMigrator {
    /// The advisory lock every migrating process takes: "SIGMIC" in ASCII, an arbitrary constant that
    /// other applications in the same database are unlikely to use.
    static let lockKey: Int64 = 0x5349_474D_4943

    struct Outcome: Equatable {
        /// The highest migration the database records.
        let schemaVersion: Int
        /// Files this call applied (empty when another process had, or nothing was due).
        let applied: [String]
        /// The database has migrations this build lacks: open it read-only.
        let newer: Bool
    }

    /// `now`: the wall clock, for `applied_at`.
    static func migrate(_ connection: PostgresConnection, migrations: [EmbeddedMigration], now: @Sendable () -> Date,
                        logger: Logger) async throws -> Outcome {
        let plan = try MigrationPlan.validated(migrations)
        return try await connection.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS schema_migration (
                    version    integer PRIMARY KEY,
                    file_name  text NOT NULL,
                    sha256     text NOT NULL,
                    applied_at text NOT NULL
                )
                """, logger: logger)
            var applied: [AppliedMigration] = []
            for try await (version, fileName, checksum) in try await connection.query(
                "SELECT version, file_name, sha256 FROM schema_migration ORDER BY version", logger: logger
            ).decode((Int, String, String).self) {
                applied.append(AppliedMigration(version: version, fileName: fileName, checksum: checksum))
            }
            switch try plan.decide(applied: applied) {
            case .upToDate:
                return Outcome(schemaVersion: applied.count, applied: [], newer: false)
            case .newerArchive(let archiveVersion, _):
                return Outcome(schemaVersion: archiveVersion, applied: [], newer: true)
            case .apply(let pending):
                for migration in pending {
                    // A file holds many statements; the extended protocol takes one at a time.
                    for statement in SQLScript.statements(migration.sql) {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    let version = migration.version ?? 0
                    let appliedAt = Timestamp.string(from: now())
                    try await connection.query("""
                        INSERT INTO schema_migration (version, file_name, sha256, applied_at)
                        VALUES (\(version), \(migration.fileName), \(migration.checksum), \(appliedAt))
                        """, logger: logger)
                }
                return Outcome(schemaVersion: applied.count + pending.count, applied: pending.map(\.fileName), newer: false)
            }
        }
    }
}
