import ArchivePostgres
import ArchiveStore
import Foundation

/// The archive `sync` and `watch` write to. A folder has one writer at a time (its lock, held while
/// the target lives); PostgreSQL takes several syncers at once, on several machines, so it has none.
/// The outbox lives in folders only, for now.
enum SyncTarget {
    case folder(Archive, ArchiveLock)
    case postgres(PostgresArchive)

    var archive: any WritableArchive {
        switch self {
        case .folder(let archive, _): archive
        case .postgres(let archive): archive
        }
    }

    /// The archive whose outbox is sent before syncing.
    var outbox: Archive? {
        if case .folder(let archive, _) = self { archive } else { nil }
    }

    /// Where what was received is kept, for a person.
    var display: String {
        switch self {
        case .folder(let archive, _): archive.folder.path
        case .postgres(let archive): archive.location.display
        }
    }
}

extension ArchiveOptions {
    func openForSync(purpose: String) async throws -> SyncTarget {
        if let postgresURL {
            return .postgres(try await Self.openPostgres(postgresURL, forWriting: true))
        }
        let (archive, lock) = try openForWriting(purpose: purpose)
        return .folder(archive, lock)
    }
}
