import ArgumentParser
import ArchiveStore
import Foundation

/// `--archive DIR`, shared by every command.
struct ArchiveOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Archive folder (env SIGMIC_ARCHIVE; default $XDG_DATA_HOME/sigmic-archive or ~/.local/share/sigmic-archive).",
        valueName: "dir"))
    var archive: String?

    /// The folder chosen by flag, environment, or default, in that order.
    var folder: URL {
        let environment = ProcessInfo.processInfo.environment
        if let archive, !archive.isEmpty { return URL(fileURLWithPath: archive) }
        if let fromEnv = environment["SIGMIC_ARCHIVE"], !fromEnv.isEmpty { return URL(fileURLWithPath: fromEnv) }
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") {
            return URL(fileURLWithPath: data).appending(path: "sigmic-archive")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appending(path: ".local/share/sigmic-archive")
    }

    /// Opens (creating if needed) the archive. A read-only opening is announced on stderr once.
    func open() throws -> Archive {
        let archive = try Archive.open(at: folder)
        if case .readOnly(let reason) = archive.access {
            Terminal.note(reason)
        }
        return archive
    }

    /// Opens the archive and takes its writer lock (one sync or repair at a time). Keep the lock
    /// alive for as long as the writing goes on.
    func openForWriting(purpose: String) throws -> (Archive, ArchiveLock) {
        let archive = try open()
        return (archive, try ArchiveLock.acquire(archive, purpose: purpose))
    }
}
