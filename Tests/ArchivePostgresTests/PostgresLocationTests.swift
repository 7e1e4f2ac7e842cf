@testable import ArchivePostgres
import ArchiveStore
import Foundation
import Testing

@Suite struct PostgresLocationTests {
    @Test func parsesTheURLAndDefaultsAsLibpqDoes() throws {
        let full = try PostgresLocation(parsing: "postgres://archive@db.example.org:6543/sigmic", defaultUser: "me")
        #expect(full == (try PostgresLocation(parsing: "postgresql://archive@db.example.org:6543/sigmic?sslmode=require", defaultUser: "x")))
        #expect(full.user == "archive" && full.host == "db.example.org" && full.port == 6543 && full.database == "sigmic")
        #expect(full.tls == .require, "TLS by default off loopback")
        let local = try PostgresLocation(parsing: "postgres://127.0.0.1/team%20archive", defaultUser: "me")
        #expect(local.user == "me" && local.port == 5432 && local.database == "team archive" && local.tls == .disable)
        #expect(try PostgresLocation(parsing: "postgres://a@localhost/d?sslmode=require", defaultUser: "x").tls == .require)
        #expect(PostgresLocation.isPostgresURL("postgres://a@b/c") && !PostgresLocation.isPostgresURL("/home/me/archive"))
    }

    @Test(arguments: [
        ("postgres://archive:hunter2@db/sigmic", "PGPASSWORD or ~/.pgpass"),
        ("postgres://archive@db", "no database"),
        ("postgres://archive@/sigmic", "no host"),
        ("postgres://archive@db/sigmic?sslmode=verify-full", "sslmode must be disable or require"),
        ("postgres://archive@db/sigmic?application_name=x", "unknown URL parameter application_name"),
    ])
    func refusesWithOneLine(url: String, reason: String) {
        do {
            _ = try PostgresLocation(parsing: url, defaultUser: "me")
            Issue.record("\(url) was accepted")
        } catch {
            let line = "\(error)"
            #expect(line.contains(reason), "\(line)")
            #expect(!line.contains("hunter2"), "the password is never repeated: \(line)")
        }
    }
}

@Suite struct PasswordFileTests {
    static let file = """
        # host:port:database:user:password
        db.example.org:5432:sigmic:archive:first
        db.example.org:5432:sigmic:archive:second
        *:*:other:*:wild\\:card\\\\
        10.0.0.1:6543:*:reader:
        """

    @Test(arguments: [
        ("db.example.org", 5432, "sigmic", "archive", "first"),   // the first matching line wins
        ("anywhere", 1, "other", "anyone", "wild:card\\"),
        ("10.0.0.1", 6543, "x", "reader", ""),
    ])
    func findsTheFirstMatchingLine(host: String, port: Int, database: String, user: String, password: String) {
        #expect(PasswordFile.password(in: Self.file, host: host, port: port, database: database, user: user) == password)
    }

    @Test func noLineNoPassword() {
        #expect(PasswordFile.password(in: Self.file, host: "db.example.org", port: 5433, database: "sigmic", user: "archive") == nil)
    }

    @Test func theEnvironmentComesFirstAndAnOpenFileIsIgnored() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "pgpass-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appending(path: "pgpass").path
        try Data("db:5432:sigmic:archive:fromfile\n".utf8).write(to: URL(fileURLWithPath: path))
        let location = try PostgresLocation(parsing: "postgres://archive@db/sigmic", defaultUser: "x")

        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        #expect(PostgresCredentials.find(for: location, environment: ["PGPASSFILE": path]).password == "fromfile")
        #expect(PostgresCredentials.find(for: location, environment: ["PGPASSFILE": path, "PGPASSWORD": "env"]).password == "env")

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let open = PostgresCredentials.find(for: location, environment: ["PGPASSFILE": path])
        #expect(open.password == nil && open.warning?.contains("group or world access") == true)
    }
}
