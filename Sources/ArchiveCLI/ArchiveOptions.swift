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

    /// The archive chosen, for a person: the folder's path or the URL (never with a password).
    var displayName: String { postgresURL.map(PostgresLocation.redacted) ?? folder.path }

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
    /// Commands that also take PostgreSQL call `openReader()` or `openWritable()`, which come here for
    /// a folder.
    func open() throws -> Archive {
        if let postgresURL { throw CLIError(description: "this works on archive folders only, not on \(PostgresLocation.redacted(postgresURL))") }
        let archive = try Archive.open(at: folder)
        if case .readOnly(let reason) = archive.access {
            Terminal.note(reason)
        }
        return archive
    }


    /// The archive a reading server program (`serve`, `mcp`) is given, as it takes it: a folder's path
    /// or the `postgres://` URL (never with a password). Checked here first, so that a missing folder
    /// or an unreachable database is the same one-line error as everywhere else.
    func checkedForServing() throws -> String {
        if let postgresURL {
            _ = try Self.openPostgres(postgresURL)
            return postgresURL
        }
        let archive = try Archive.openReadOnly(at: folder)
        if case .readOnly(let reason) = archive.access, reason != Archive.Access.plainReadOnly { Terminal.note(reason) }
        try archive.close()
        return folder.path
    }

    /// Opens the archive for reading, a folder or PostgreSQL. Reading never creates an archive: a
    /// folder without one is an error that says what to run. A folder this process cannot write (a
    /// read-only file system, a backup of someone else's) is read as it is, and said so once.
    func openReader() throws -> any ArchiveReader {
        if let postgresURL { return try Self.openPostgres(postgresURL) }
        try requireExistingFolder()
        guard Archive.canWrite(folder) else {
            let archive = try Archive.openReadOnly(at: folder)
            if case .readOnly(let reason) = archive.access { Terminal.note(reason) }
            return archive
        }
        return try open()
    }

    /// Refuses a folder that holds no archive, saying what to run: only `sync` and the acting
    /// commands create one.
    private func requireExistingFolder() throws {
        guard FileManager.default.fileExists(atPath: folder.appending(path: Archive.databaseFileName).path) else {
            throw CLIError(description: "no archive at \(folder.path) (run `sigmic-archive sync` first, or pass --archive DIR)")
        }
    }

    /// Connects to a PostgreSQL archive (migrating it if this build is newer), waiting for it: the
    /// commands are synchronous, as the store's API is. A password-file warning is a note.
    static func openPostgres(_ url: String, forWriting: Bool = false) throws -> PostgresArchive {
        try waitFor { try await openPostgres(url, forWriting: forWriting) }
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

    /// Opens the archive a command writes to: the folder (writes take its lock, `claimWriter`), or
    /// PostgreSQL with its writer connected.
    func openWritable() async throws -> any WritableArchive {
        if let postgresURL { return try await Self.openPostgres(postgresURL, forWriting: true) }
        return try open()
    }

    /// The same for a command that checks or mends an archive but never starts one (`verify`): a
    /// folder without an archive is refused as `openReader` refuses it.
    func openExistingWritable() async throws -> any WritableArchive {
        if postgresURL == nil { try requireExistingFolder() }
        return try await openWritable()
    }
}
