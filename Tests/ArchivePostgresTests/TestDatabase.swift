import ArchivePostgres
import Foundation
import Logging
import PostgresNIO
import Testing
import TestSupport

/// A fresh, empty database on the test server for each test, dropped afterwards. The server is the one
/// `SIGMIC_TEST_POSTGRES_URL` names (`tools/test` starts a throwaway cluster; its password is in the file
/// `PGPASSFILE` names). Without it, each of these tests fails with one line saying how to get one.
enum TestDatabase {
    static let serverURL = ProcessInfo.processInfo.environment["SIGMIC_TEST_POSTGRES_URL"]
    static let environment = ProcessInfo.processInfo.environment
    static let logger = Logger(label: "tests", factory: { _ in SwiftLogNoOpLogHandler() })

    static func server(sourceLocation: SourceLocation = #_sourceLocation) throws -> PostgresLocation {
        try MachinePart.postgres.require(sourceLocation: sourceLocation)
        return try PostgresLocation(parsing: try #require(serverURL), defaultUser: "sigmic")
    }

    /// Runs one statement on the server's own database (to create or drop test databases).
    static func administer(_ sql: String) async throws {
        let server = try server()
        let configuration = PostgresConnection.Configuration(
            host: server.host, port: server.port, username: server.user,
            password: PostgresCredentials.find(for: server, environment: environment).password,
            database: server.database, tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        defer { Task { try? await connection.close() } }
        _ = try await connection.simpleQuery(sql).get()
    }

    /// A new database; `body` gets its location. Dropped afterwards, whatever `body` throws.
    static func with<T>(_ body: (PostgresLocation) async throws -> T) async throws -> T {
        let server = try server()
        let name = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        try await administer("CREATE DATABASE \(name)")
        let location = try PostgresLocation(parsing: "postgres://\(server.user)@\(server.host):\(server.port)/\(name)", defaultUser: server.user)
        do {
            let result = try await body(location)
            try await administer("DROP DATABASE \(name) WITH (FORCE)")
            return result
        } catch {
            try? await administer("DROP DATABASE \(name) WITH (FORCE)")
            throw error
        }
    }
}

extension TestDatabase {
    /// Rows of one query on a test database, each as its columns' text (for checks the store has no
    /// API for yet, such as the bytes of stored blobs).
    static func rows(_ location: PostgresLocation, _ sql: String) async throws -> [[String?]] {
        let configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user,
            password: PostgresCredentials.find(for: location, environment: environment).password,
            database: location.database, tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 2, logger: logger)
        do {
            var rows: [[String?]] = []
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) {
                rows.append(try row.map { cell in try cell.decode(String?.self) })
            }
            try await connection.close()
            return rows
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Every row of every table, as `pg_dump` writes them (stored files' bytes in hex).
    static func dump(_ location: PostgresLocation) throws -> [UInt8] {
        let candidates = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql"))?.sorted().reversed()
            .map { "/usr/lib/postgresql/\($0)/bin/pg_dump" } ?? []
        let program = try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0) }, "no pg_dump")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = ["--no-password", "--dbname", "postgresql://\(location.user)@\(location.host):\(location.port)/\(location.database)"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return [UInt8](bytes)
    }
}
