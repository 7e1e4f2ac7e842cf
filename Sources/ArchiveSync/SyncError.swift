/// Failures of the sync's own making, as opposed to the API's (`SigmicAPIError`) or the archive's
/// (`ArchiveError`).
public enum SyncError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A task to follow has no row yet: it must be fetched (listed or got) before it is attached.
    case notInArchive(taskID: String)
    /// The task's artifact listing has no file at this path.
    case noSuchArtifact(taskID: String, path: String)
    /// The server lists the file but will not send it.
    case artifactUnavailable(path: String, error: String)
    /// The archive's on-sync rule kept the file out: a binary file holding a secret.
    case artifactWithheld(path: String, reason: String)

    public var description: String {
        switch self {
        case .notInArchive(let id): "task \(id) is not in the archive yet"
        case .noSuchArtifact(let id, let path): "task \(id) has no file \(String(reflecting: path))"
        case .artifactUnavailable(let path, let error): "\(path) is listed but the server will not send it: \(error)"
        case .artifactWithheld(let path, let reason): "\(path) was not stored, \(reason)"
        }
    }
}
