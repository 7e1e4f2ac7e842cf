import ArchiveStore
import Foundation
import Testing
import TestSupport

@Suite struct MigrationTests {
    let folder: TempFolder

    init() throws { folder = try TempFolder("migrations") }

    var archiveFolder: URL { folder.path("archive") }

    @Test func migrationsApplyFromEmptyAndCreateTheWholeModel() async throws {
        let archive = try Archive.open(at: archiveFolder)
        #expect(archive.schemaVersion == EmbeddedMigration.bundled.count)
        #expect(archive.access == .readWrite)
        let status = try await archive.status()
        for table in ["account", "task", "message", "stream_event", "artifact", "blob", "search_doc", "sync_run", "sync_cursor"] {
            #expect(status.tables[table] == 0, "table \(table) missing")
        }
    }

    @Test func bundledMigrationsAreNumberedWithoutGaps() throws {
        let versions = EmbeddedMigration.bundled.map(\.version)
        #expect(versions == Array(1...EmbeddedMigration.bundled.count).map(Optional.some))
    }

    @Test func reopeningAppliesNothing() throws {
        let first = try Archive.open(at: archiveFolder)
        let before = try first.canonicalDump()
        try first.close()
        // A set whose SQL would fail if run again: reopening must not run it.
        let second = try Archive.open(at: archiveFolder)
        #expect(try second.canonicalDump() == before)
        #expect(second.schemaVersion == EmbeddedMigration.bundled.count)
    }

    @Test func filesAndFolderArePrivate() throws {
        let archive = try Archive.open(at: archiveFolder)
        try archive.write { try $0.account(baseURL: Fixtures.baseURL, apiKey: Fixtures.apiKey) }
        let folderMode = try FileManager.default.attributesOfItem(atPath: archiveFolder.path)[.posixPermissions] as? Int
        #expect(folderMode == 0o700)
        for name in ["archive.sqlite", "archive.sqlite-wal"] {
            let path = archiveFolder.appending(path: name).path
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(name) has mode \(String(mode ?? 0, radix: 8))")
        }
    }

    @Test func anEditedAppliedMigrationIsDetected() throws {
        let original = [
            EmbeddedMigration(fileName: "0001_create_a.sql", sql: "CREATE TABLE a (x INTEGER);"),
            EmbeddedMigration(fileName: "0002_create_b.sql", sql: "CREATE TABLE b (y INTEGER);"),
        ]
        try Archive.open(at: archiveFolder, migrations: original).close()
        var edited = original
        edited[1] = EmbeddedMigration(fileName: "0002_create_b.sql", sql: "CREATE TABLE b (y TEXT);")
        #expect {
            try Archive.open(at: archiveFolder, migrations: edited)
        } throws: { error in
            guard case ArchiveError.migrationEdited(let name, _, _) = error else { return false }
            return name == "0002_create_b.sql"
        }
    }

    @Test func aGapInNumberingIsAnError() throws {
        let gapped = [
            EmbeddedMigration(fileName: "0001_create_a.sql", sql: "CREATE TABLE a (x INTEGER);"),
            EmbeddedMigration(fileName: "0003_create_c.sql", sql: "CREATE TABLE c (z INTEGER);"),
        ]
        #expect {
            try Archive.open(at: archiveFolder, migrations: gapped)
        } throws: { error in
            guard case ArchiveError.migrationNumbering(let detail) = error else { return false }
            return detail.contains("0002")
        }
        // Nothing was created in the database by the refused set.
        let archive = try Archive.open(at: archiveFolder, migrations: Array(gapped.prefix(1)))
        #expect(archive.schemaVersion == 1)
    }

    @Test func anArchiveFromANewerBuildOpensReadOnly() async throws {
        let newer = EmbeddedMigration.bundled + [
            EmbeddedMigration(fileName: String(format: "%04d_add_future.sql", EmbeddedMigration.bundled.count + 1),
                              sql: "CREATE TABLE future (x INTEGER);"),
        ]
        let created = try Archive.open(at: archiveFolder, migrations: newer)
        try await created.write { try $0.account(baseURL: Fixtures.baseURL, apiKey: Fixtures.apiKey) }
        try created.close()

        let archive = try Archive.open(at: archiveFolder)
        guard case .readOnly(let reason) = archive.access else {
            Issue.record("expected read-only access, got \(archive.access)")
            return
        }
        #expect(reason.contains("newer"))
        #expect(archive.schemaVersion == newer.count)
        // Reading works; writing is refused with the reason, and the schema is not "downgraded".
        #expect(try await archive.status().accounts.count == 1)
        #expect(throws: ArchiveError.self) {
            try archive.write { try $0.account(baseURL: "http://other", apiKey: Fixtures.apiKey) }
        }
        try archive.close()
        #expect(try Archive.open(at: archiveFolder, migrations: newer).access == .readWrite)
    }

    @Test func aFileThatIsNotADatabaseIsReportedAndLeftUntouched() throws {
        try FileManager.default.createDirectory(at: archiveFolder, withIntermediateDirectories: true)
        let database = archiveFolder.appending(path: "archive.sqlite")
        let garbage = Data(repeating: 0x42, count: 8192)
        try garbage.write(to: database)
        #expect {
            try Archive.open(at: archiveFolder)
        } throws: { error in
            guard case ArchiveError.notADatabase = error else { return false }
            return true
        }
        #expect(try Data(contentsOf: database) == garbage)
    }
}
