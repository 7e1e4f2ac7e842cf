import Foundation
internal import GRDB

/// A migration as recorded in the archive's `schema_migration` table.
package struct AppliedMigration: Equatable {
    package let version: Int
    package let fileName: String
    package let checksum: String

    package init(version: Int, fileName: String, checksum: String) {
        self.version = version
        self.fileName = fileName
        self.checksum = checksum
    }
}

/// The pure part of migrating: which migrations to apply to an archive, given what it has applied.
/// Both engines' stores decide with it.
package struct MigrationPlan {
    package let migrations: [EmbeddedMigration]

    package enum Decision: Equatable {
        case upToDate
        case apply([EmbeddedMigration])
        /// The archive has migrations this build does not know: open it read-only, never downgrade.
        case newerArchive(archiveVersion: Int, buildVersion: Int)
    }

    /// Checks that the migrations are numbered 1, 2, 3 … with no gap or repeat.
    package static func validated(_ migrations: [EmbeddedMigration]) throws -> MigrationPlan {
        for (index, migration) in migrations.enumerated() {
            guard let version = migration.version else {
                throw ArchiveError.migrationNumbering(detail: "\(migration.fileName) does not start with a 4-digit number")
            }
            guard version == index + 1 else {
                throw ArchiveError.migrationNumbering(detail: "expected \(String(format: "%04d", index + 1))_…, found \(migration.fileName)")
            }
        }
        return MigrationPlan(migrations: migrations)
    }

    package func decide(applied: [AppliedMigration]) throws -> Decision {
        for (index, record) in applied.enumerated() where record.version != index + 1 {
            throw ArchiveError.migrationNumbering(detail: "the archive records migration \(record.fileName) where \(String(format: "%04d", index + 1)) was expected")
        }
        for (record, migration) in zip(applied, migrations) {
            guard record.fileName == migration.fileName, record.checksum == migration.checksum else {
                throw ArchiveError.migrationEdited(fileName: record.fileName, applied: record.checksum, bundled: migration.checksum)
            }
        }
        if applied.count > migrations.count {
            return .newerArchive(archiveVersion: applied.count, buildVersion: migrations.count)
        }
        let pending = Array(migrations.dropFirst(applied.count))
        return pending.isEmpty ? .upToDate : .apply(pending)
    }
}

extension Archive {
    static let bookkeepingTable = """
        CREATE TABLE IF NOT EXISTS schema_migration (
            version    INTEGER PRIMARY KEY,
            file_name  TEXT NOT NULL,
            sha256     TEXT NOT NULL,
            applied_at TEXT NOT NULL
        ) STRICT
        """

    static func readAppliedMigrations(_ pool: DatabasePool, path: String) throws -> [AppliedMigration] {
        do {
            return try pool.read { db in
                guard try db.tableExists("schema_migration") else { return [] }
                return try Row.fetchAll(db, sql: "SELECT version, file_name, sha256 FROM schema_migration ORDER BY version")
                    .map { AppliedMigration(version: $0["version"], fileName: $0["file_name"], checksum: $0["sha256"]) }
            }
        } catch let error as DatabaseError {
            throw ArchiveError(error, path: path, operation: "reading the schema version")
        }
    }

    /// Applies each migration in its own immediate transaction together with its bookkeeping row, so an
    /// interruption leaves the archive at a migration boundary.
    static func apply(_ pending: [EmbeddedMigration], to pool: DatabasePool, path: String, now: () -> Date) throws {
        do {
            try pool.writeWithoutTransaction { db in
                for migration in pending {
                    try db.inTransaction(.immediate) {
                        try db.execute(sql: bookkeepingTable)
                        // Another process may have migrated between our read and this lock.
                        let done = try Bool.fetchOne(db, sql: "SELECT 1 FROM schema_migration WHERE version = ?",
                                                     arguments: [migration.version]) ?? false
                        if !done {
                            try db.execute(sql: migration.sql)
                            try db.execute(
                                sql: "INSERT INTO schema_migration (version, file_name, sha256, applied_at) VALUES (?, ?, ?, ?)",
                                arguments: [migration.version, migration.fileName, migration.checksum, Timestamp.string(from: now())])
                        }
                        return .commit
                    }
                }
                let latest = pending.last?.version ?? 0
                try db.execute(sql: "PRAGMA user_version = \(latest)")
            }
        } catch let error as DatabaseError {
            throw ArchiveError(error, path: path, operation: "migrating the archive")
        }
    }
}
