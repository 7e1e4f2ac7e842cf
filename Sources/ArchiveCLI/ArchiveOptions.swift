import ArchivePostgres
import ArgumentParser
import ArchiveStore
import Foundation

/// `--archive DIR`, shared by every command.
struct ArchiveOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Archive folder (env SIGMIC_ARCHIVE; default $XDG_DATA_HOME/sigmic-archive or ~/.local/share/sigmic-archive).",
        valueName: "dir"))
    var archive: String?

    /// What the flag or the environment names, if either does.
    var chosen: String? {
        if let archive, !archive.isEmpty { return archive }
        return ProcessInfo.processInfo.environment["SIGMIC_ARCHIVE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The PostgreSQL archive chosen (`postgres://…`), or nil for a folder.
    var postgresURL: String? { chosen.flatMap { PostgresLocation.isPostgresURL($0) ? $0 : nil } }

    /// The folder chosen by flag, environment, or default, in that order.
    var folder: URL {
        let environment = ProcessInfo.processInfo.environment
        if let chosen { return URL(fileURLWithPath: chosen) }
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") {
            return URL(fileURLWithPath: data).appending(path: "sigmic-archive")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appending(path: ".local/share/sigmic-archive")
    }

    /// Opens (creating if needed) the archive folder. A read-only opening is announced on stderr once.
    /// A PostgreSQL archive is refused here with what works on it: the commands that take one call
    /// `openReader()`.
    func open() throws -> Archive {
        try refusePostgres()
        let archive = try Archive.open(at: folder)
        if case .readOnly(let reason) = archive.access {
            Terminal.note(reason)
        }
        return archive
    }

    /// Stops a command that works on archive folders only, before it does anything, when the archive
    /// chosen is PostgreSQL, saying what works there. (Commands that call the API first call this first.)
    func refusePostgres() throws {
        guard let postgresURL else { return }
        throw CLIError(description: "this command does not work on a PostgreSQL archive yet (\(PostgresLocation.redacted(postgresURL))); "
                       + "`sync` and `watch` fill one, `tasks`, `show`, `search`, `export`, `serve`, `mcp`, `status` and `verify` read one, "
                       + "and `copy --from DIR --to URL` fills it from an archive folder")
    }

    /// The archive a reading server program (`serve`, `mcp`) is given, as it takes it: a folder's path
    /// or the `postgres://` URL (never with a password). Checked here first, so that a missing folder
    /// or an unreachable database is the same one-line error as everywhere else.
    func checkedForServing() throws -> String {
        if let postgresURL {
            _ = try Self.openPostgres(postgresURL)
            return postgresURL
        }
        try Archive.openReadOnly(at: folder).close()
        return folder.path
    }

    /// Opens the archive for reading, a folder or PostgreSQL.
    func openReader() throws -> any ArchiveReader {
        guard let postgresURL else { return try open() }
        return try Self.openPostgres(postgresURL)
    }

    /// Connects to a PostgreSQL archive (migrating it if this build is newer), waiting for it: the
    /// commands are synchronous, as the store's API is. A password-file warning is a note.
    static func openPostgres(_ url: String) throws -> PostgresArchive {
        try waitFor { try await openPostgres(url, forWriting: false) }
    }

    /// The same from async code; `forWriting` also connects the writer (see `PostgresArchive.open`).
    static func openPostgres(_ url: String, forWriting: Bool) async throws -> PostgresArchive {
        let environment = ProcessInfo.processInfo.environment
        let location = try PostgresLocation(parsing: url, defaultUser: environment["USER"] ?? NSUserName())
        if let warning = PostgresCredentials.find(for: location, environment: environment).warning { Terminal.note(warning) }
        let archive = try await PostgresArchive.open(location, environment: environment, forWriting: forWriting)
        if !archive.writable { Terminal.note("opened read-only: the database has a newer schema (\(archive.schemaVersion))") }
        return archive
    }

    /// Opens the archive and takes its writer lock (one sync or repair at a time). Keep the lock
    /// alive for as long as the writing goes on.
    func openForWriting(purpose: String) throws -> (Archive, ArchiveLock) {
        let archive = try open()
        return (archive, try ArchiveLock.acquire(archive, purpose: purpose))
    }
}
