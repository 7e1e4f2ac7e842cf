/// Failures of the sync's own making, as opposed to the API's (`SigmicAPIError`) or the archive's
/// (`ArchiveError`).
public enum SyncError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A task to follow has no row yet: it must be fetched (listed or got) before it is attached.
    case notInArchive(taskID: String)

    public var description: String {
        switch self {
        case .notInArchive(let id): "task \(id) is not in the archive yet"
        }
    }
}
