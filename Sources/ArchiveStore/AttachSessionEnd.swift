/// Why an attach session ended (`attach_session.end_reason`; NULL while it reads, or after a crash).
public enum AttachSessionEnd: String, Sendable, CaseIterable {
    /// `done` or `error` arrived: the run is over.
    case finished
    /// The stream said the task is not running (`history_done` with `isStreaming: false`).
    case idle
    /// The connection ended without either; the sync reconnects.
    case dropped
    /// The sync stopped following (its `--wait` ran out, or it was cancelled).
    case detached
}
