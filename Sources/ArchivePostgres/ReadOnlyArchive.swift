public import ArchiveStore
import Foundation

/// The archive a reading server (`sigmic-archive-web`, `sigmic-archive-mcp`) is given on its command
/// line: an archive folder, opened read-only, or `postgres://USER@HOST:PORT/DB`.
public enum ReadOnlyArchive {
    public static func open(_ argument: String, environment: [String: String]) async throws -> (archive: any ArchiveReader, display: String) {
        guard PostgresLocation.isPostgresURL(argument) else {
            let archive = try Archive.openReadOnly(at: URL(fileURLWithPath: argument))
            return (archive, archive.folder.path)
        }
        let location = try PostgresLocation(parsing: argument, defaultUser: environment["USER"] ?? NSUserName())
        return (try await PostgresArchive.open(location, environment: environment), location.display)
    }
}
