import ArchivePostgres
import ArchiveStore
import Foundation
import Testing

/// Opening a PostgreSQL archive against a real server: the schema is applied once, in one transaction
/// under an advisory lock, however many processes start together; an edited migration is refused; a
/// newer schema opens read-only; a wrong password or a missing database is one clear line.
@Suite
struct PostgresMigrationTests {
    let environment = TestDatabase.environment

    @Test func aFreshDatabaseIsMigratedOnceAndThenLeftAlone() async throws {
        try await TestDatabase.with { location in
            let first = try await PostgresArchive.open(location, environment: environment)
            #expect(first.appliedMigrations == PostgresArchive.bundledMigrations.map(\.fileName))
            #expect(first.schemaVersion == PostgresArchive.bundledMigrations.count && first.writable)
            await first.close()
            let again = try await PostgresArchive.open(location, environment: environment)
            #expect(again.appliedMigrations.isEmpty && again.schemaVersion == PostgresArchive.bundledMigrations.count)
            await again.close()
        }
    }

    @Test func fourProcessesStartingTogetherMigrateOnce() async throws {
        try await TestDatabase.with { location in
            // Each opening's result, so that one failure does not leave the others' connections open.
            let results = await withTaskGroup(of: Result<PostgresArchive, any Error>.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        do { return .success(try await PostgresArchive.open(location, environment: environment)) } catch { return .failure(error) }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let archives = results.compactMap { try? $0.get() }
            for archive in archives { await archive.close() }
            #expect(archives.count == 4, "\(results)")
            let applied = archives.map(\.appliedMigrations)
            #expect(applied.filter { !$0.isEmpty }.count == 1, "\(applied)")
            #expect(archives.allSatisfy { $0.schemaVersion == PostgresArchive.bundledMigrations.count })
        }
    }

    @Test func anEditedMigrationIsRefusedAndANewerSchemaOpensReadOnly() async throws {
        try await TestDatabase.with { location in
            let original = PostgresArchive.bundledMigrations
            try await PostgresArchive.open(location, environment: environment).close()

            var edited = original
            edited[0] = EmbeddedMigration(fileName: original[0].fileName, sql: original[0].sql + "\n-- edited\n")
            await #expect(throws: ArchiveError.self) { try await PostgresArchive.open(location, environment: environment, migrations: edited) }

            let newer = original + [EmbeddedMigration(fileName: String(format: "%04d_add_nothing.sql", original.count + 1), sql: "SELECT 1;")]
            let upgraded = try await PostgresArchive.open(location, environment: environment, migrations: newer)
            #expect(upgraded.appliedMigrations == [newer.last!.fileName])
            await upgraded.close()
            let older = try await PostgresArchive.open(location, environment: environment)
            #expect(!older.writable && older.schemaVersion == original.count + 1)
            await older.close()
        }
    }

    @Test func aWrongPasswordOrAMissingDatabaseIsOneClearLine() async throws {
        let server = try TestDatabase.server()
        do {
            _ = try await PostgresArchive.open(server, environment: ["PGPASSWORD": "not-the-password-42"])
            Issue.record("a wrong password was accepted")
        } catch {
            #expect("\(error)".contains("password authentication failed") && !"\(error)".contains("not-the-password-42"), "\(error)")
        }
        let missing = try PostgresLocation(parsing: "postgres://\(server.user)@\(server.host):\(server.port)/no_such_db", defaultUser: "x")
        do {
            _ = try await PostgresArchive.open(missing, environment: environment)
            Issue.record("a missing database was opened")
        } catch {
            #expect("\(error)".contains("does not exist") && "\(error)".contains("createdb no_such_db"), "\(error)")
        }
        let closed = try PostgresLocation(parsing: "postgres://\(server.user)@127.0.0.1:1/sigmic", defaultUser: "x")
        await #expect(throws: ArchiveError.self) { try await PostgresArchive.open(closed, environment: environment) }
    }
}
