public import ArchiveStore
public import Foundation

/// Where an archive is, as a person names it (`--archive`, `SIGMIC_ARCHIVE`, the reading servers'
/// argument): a folder, or `postgres://USER@HOST:PORT/DB`. The one place that knows which engine a
/// name means: every command, `serve` and `mcp` open their archive here and get `any ArchiveReader` or
/// `any WritableArchive`, with the same notes and errors. (It lives beside the second engine because
/// this is the module that sees both; a third engine would move it to a module of its own.)
public enum ArchiveLocation: Sendable, Equatable {
    case folder(URL)
    case database(String)

    public init(_ name: String) {
        self = PostgresLocation.isPostgresURL(name) ? .database(name) : .folder(URL(fileURLWithPath: name))
    }

    /// As a program takes it on its command line (the reading servers, `sigmic-archive-web` and
    /// `sigmic-archive-mcp`): the folder's path, or the URL.
    public var argument: String {
        switch self {
        case .folder(let folder): folder.path
        case .database(let url): url
        }
    }

    /// For a person: the folder's path, or the URL without a password.
    public var display: String {
        switch self {
        case .folder(let folder): folder.path
        case .database(let url): PostgresLocation.redacted(url)
        }
    }

    /// Opens the archive for reading. Reading never creates an archive: a folder without one is an
    /// error that says what to run. A folder this process cannot write (a read-only file system, a
    /// backup of someone else's) is read as it is, and said so through `note`.
    public func openReader(environment: [String: String], note: @Sendable (String) -> Void) async throws -> any ArchiveReader {
        switch self {
        case .database(let url):
            return try await Self.openDatabase(url, forWriting: false, environment: environment, note: note)
        case .folder(let folder):
            try Self.requireArchive(in: folder)
            guard Archive.canWrite(folder) else { return try Self.openReadOnly(folder, note: note) }
            return try Self.openFolder(folder, note: note)
        }
    }

    /// Opens the archive for a reading server (`serve`, `mcp`), which never writes: a folder is opened
    /// read-only whatever its permissions, and only an unusual reason for that is a note.
    public func openForServing(environment: [String: String], note: @Sendable (String) -> Void) async throws -> any ArchiveReader {
        switch self {
        case .database(let url):
            return try await Self.openDatabase(url, forWriting: false, environment: environment, note: note)
        case .folder(let folder):
            try Self.requireArchive(in: folder)
            let archive = try Archive.openReadOnly(at: folder)
            if case .readOnly(let reason) = archive.access, reason != Archive.Access.plainReadOnly { note(reason) }
            return archive
        }
    }

    /// Opens the archive a command writes to: a folder (created when `create`; writes take its lock,
    /// `claimWriter`), or the database with its writer connected.
    public func openWritable(create: Bool, environment: [String: String], note: @Sendable (String) -> Void) async throws -> any WritableArchive {
        switch self {
        case .database(let url):
            return try await Self.openDatabase(url, forWriting: true, environment: environment, note: note)
        case .folder(let folder):
            if !create { try Self.requireArchive(in: folder) }
            return try Self.openFolder(folder, note: note)
        }
    }

    /// Connects to a PostgreSQL archive (migrating it if this build is newer); `forWriting` also
    /// connects the writer. A password-file warning and a read-only opening are notes.
    public static func openDatabase(_ url: String, forWriting: Bool, environment: [String: String],
                                    note: @Sendable (String) -> Void) async throws -> PostgresArchive {
        let location = try PostgresLocation(parsing: url, defaultUser: environment["USER"] ?? NSUserName())
        if let warning = PostgresCredentials.find(for: location, environment: environment).warning { note(warning) }
        let archive = try await PostgresArchive.open(location, environment: environment, forWriting: forWriting)
        if !archive.writable { note("opened read-only: the database has a newer schema (\(archive.schemaVersion))") }
        return archive
    }

    /// Opens (creating if needed) an archive folder. A read-only opening is a note.
    public static func openFolder(_ folder: URL, note: @Sendable (String) -> Void) throws -> Archive {
        let archive = try Archive.open(at: folder)
        if case .readOnly(let reason) = archive.access { note(reason) }
        return archive
    }

    private static func openReadOnly(_ folder: URL, note: @Sendable (String) -> Void) throws -> Archive {
        let archive = try Archive.openReadOnly(at: folder)
        if case .readOnly(let reason) = archive.access { note(reason) }
        return archive
    }

    /// Refuses a folder that holds no archive, saying what to run: only `sync` and the acting
    /// commands create one.
    private static func requireArchive(in folder: URL) throws {
        guard FileManager.default.fileExists(atPath: folder.appending(path: Archive.databaseFileName).path) else {
            throw ArchiveError.noArchive(path: folder.path)
        }
    }
}
