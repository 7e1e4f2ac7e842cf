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

    /// The archive chosen: a folder, or a PostgreSQL database (`ArchiveLocation` decides which).
    var location: ArchiveLocation {
        if let chosen { return ArchiveLocation(chosen) }
        return .folder(defaultFolder)
    }

    /// The archive chosen, for a person: the folder's path or the URL (never with a password).
    var displayName: String { location.display }

    /// The folder used when neither the flag nor the environment names an archive.
    private var defaultFolder: URL {
        let environment = ProcessInfo.processInfo.environment
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") {
            return URL(fileURLWithPath: data).appending(path: "sigmic-archive")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appending(path: ".local/share/sigmic-archive")
    }

    /// Opens the archive for reading; never creates one (see `ArchiveLocation.openReader`).
    func openReader() async throws -> any ArchiveReader {
        try await location.openReader(environment: ProcessInfo.processInfo.environment, note: Terminal.note)
    }

    /// Opens the archive a command writes to, creating a folder's archive if there is none.
    func openWritable() async throws -> any WritableArchive {
        try await location.openWritable(create: true, environment: ProcessInfo.processInfo.environment, note: Terminal.note)
    }

    /// The same for a command that checks or mends an archive but never starts one (`verify`).
    func openExistingWritable() async throws -> any WritableArchive {
        try await location.openWritable(create: false, environment: ProcessInfo.processInfo.environment, note: Terminal.note)
    }
}
