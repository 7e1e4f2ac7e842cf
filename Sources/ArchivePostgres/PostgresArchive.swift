public import ArchiveStore
public import Foundation
import Logging
import NIOCore
public import Pacing
import PostgresNIO
import Synchronization

/// A team archive on PostgreSQL (`--archive postgres://…`). Opening connects with the password libpq
/// would find, and migrates the database to this build's schema — once, however many processes start
/// together. A database with migrations newer than this build is opened read-only, as a newer SQLite
/// archive is.
public final class PostgresArchive: Sendable {
    public let location: PostgresLocation
    public let schemaVersion: Int
    /// Whether this build may write (false: the database has a newer schema).
    public let writable: Bool
    /// The files this opening applied (empty if the schema was current, or another process migrated).
    public let appliedMigrations: [String]
    /// Reads; autocommit statements only, so reads never wait behind this process's transactions.
    let connection: PostgresConnection
    /// The writer's own connection, queue and download spool; nil when opened for reading.
    let writing: PostgresWriting?
    /// Searches take turns on the reading connection, each under its own statement timeout.
    let searchTurns = AsyncSemaphore(1)
    /// How to connect again, and the reading connection's server process: a search whose asker has
    /// gone is stopped by a cancel request for that process, sent over a connection of its own.
    let configuration: PostgresConnection.Configuration
    /// Asked for by the first search that can be cancelled (not at every opening: most commands never search).
    let readerBackendID = Mutex<Int32?>(nil)
    /// The wall clock, for the times written with rows.
    let now: @Sendable () -> Date
    /// Waits before a transaction that lost a deadlock runs again (`conflictRetries`).
    let conflictRetrier: Retrier
    static let logger = Logger(label: "sigmic-archive.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// The PostgreSQL migrations this build carries (`Migrations/postgres`), in order.
    public static let bundledMigrations: [EmbeddedMigration] = embeddedMigrations

    private init(location: PostgresLocation, connection: PostgresConnection, writing: PostgresWriting?,
                 outcome: PostgresMigrator.Outcome, configuration: PostgresConnection.Configuration, timing: Timing) {
        (self.now, self.conflictRetrier) = (timing.now, timing.conflictRetrier)
        self.configuration = configuration
        self.location = location
        self.connection = connection
        self.writing = writing
        self.schemaVersion = outcome.schemaVersion
        self.writable = !outcome.newer
        self.appliedMigrations = outcome.applied
    }

    /// The time an opening reads: the wall clock for the times written with rows, and the waits
    /// between attempts of a transaction that lost a deadlock (injected by tests).
    public struct Timing: Sendable {
        public var now: @Sendable () -> Date
        public var conflictRetrier: Retrier

        public init(now: @escaping @Sendable () -> Date = { Date() }, conflictRetrier: Retrier = Retrier(policy: conflictRetries)) {
            (self.now, self.conflictRetrier) = (now, conflictRetrier)
        }
    }

    /// `forWriting`: also connect the writer (`write`, `writeEach`) and claim a download spool.
    public static func open(_ location: PostgresLocation, environment: [String: String],
                            migrations: [EmbeddedMigration] = bundledMigrations, forWriting: Bool = false,
                            timing: Timing = Timing()) async throws -> PostgresArchive {
        let credentials = PostgresCredentials.find(for: location, environment: environment)
        let tls: PostgresConnection.Configuration.TLS
        switch location.tls {
        case .disable: tls = .disable
        case .require: tls = .require(try .init(configuration: .makeClientConfiguration()))
        }
        let configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: credentials.password,
            database: location.database, tls: tls)
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        } catch {
            throw failure(error, location: location, credentials: credentials, operation: "connecting")
        }
        let outcome: PostgresMigrator.Outcome
        do {
            outcome = try await PostgresMigrator.migrate(connection, migrations: migrations, now: timing.now, logger: logger)
        } catch {
            try? await connection.close()
            throw failure(error, location: location, credentials: credentials, operation: "migrating")
        }
        guard forWriting && !outcome.newer else {
            return PostgresArchive(location: location, connection: connection, writing: nil, outcome: outcome,
                                   configuration: configuration, timing: timing)
        }
        do {
            let spool = try Spool.claim(for: location, environment: environment)
            let writer = try await PostgresConnection.connect(configuration: configuration, id: 2, logger: logger)
            return PostgresArchive(location: location, connection: connection,
                                   writing: PostgresWriting(connection: writer, spool: spool), outcome: outcome,
                                   configuration: configuration, timing: timing)
        } catch {
            try? await connection.close()
            throw failure(error, location: location, credentials: credentials, operation: "connecting the writer")
        }
    }

    public func close() async {
        try? await connection.close()
        try? await writing?.connection.close()
    }

    /// An archive let go without `close()` (a command returning) still closes its connection: the
    /// future keeps the connection alive until it has, as postgres-nio requires.
    deinit {
        for connection in [connection] + (writing.map { [$0.connection] } ?? []) {
            connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
        }
    }

    /// One line a person can act on, for what PostgreSQL or the network said. Never the password.
    /// `credentials`, when the failure was while connecting, adds a hint about the password.
    static func failure(_ error: any Error, location: PostgresLocation, credentials: PostgresCredentials? = nil,
                        operation: String) -> any Error {
        if let error = error as? ArchiveError { return error }
        if let error = error as? PostgresTransactionError, let inner = error.closureError ?? error.commitError ?? error.beginError {
            return failure(inner, location: location, credentials: credentials, operation: operation)
        }
        let path = location.display
        guard let error = error as? PSQLError else {
            return ArchiveError.cannotOpen(path: path, reason: "\(operation): \(error)")
        }
        let message = error.serverInfo?[.message] ?? ""
        switch error.serverInfo?[.sqlState] {
        case "28P01", "28000":
            let hint = credentials?.warning.map { " (\($0))" }
                ?? (credentials?.password == nil ? "; set PGPASSWORD or add a line to ~/.pgpass" : "")
            return ArchiveError.cannotOpen(path: path, reason: "\(message)\(hint)")
        case "3D000":
            return ArchiveError.cannotOpen(path: path, reason: "\(message); create it first (createdb \(location.database))")
        case "42501":
            return ArchiveError.cannotOpen(path: path, reason: "\(message); the user needs to own the database to migrate it")
        case .some(let state):
            return ArchiveError.cannotOpen(path: path, reason: "\(operation): \(message) (SQLSTATE \(state))")
        case nil:
            if error.code == .authMechanismRequiresPassword {
                return ArchiveError.cannotOpen(path: path, reason: "the server asks for a password: set PGPASSWORD or add a line to ~/.pgpass "
                                                                   + "(or to the file PGPASSFILE names)")
            }
            if error.code == .connectionError || error.code == .serverClosedConnection || error.code == .sslUnsupported {
                let cause = error.underlying.map { "\($0)" } ?? "\(error.code)"
                return ArchiveError.cannotOpen(path: path, reason: "cannot connect to \(location.host):\(location.port) (\(cause))")
            }
            return ArchiveError.cannotOpen(path: path, reason: "\(operation): \(error.code)")
        }
    }
}
