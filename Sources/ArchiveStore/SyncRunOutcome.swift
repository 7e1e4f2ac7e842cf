/// How a sync run ended (`sync_run.outcome`; NULL while it runs or after a crash).
public enum SyncRunOutcome: String, Sendable, CaseIterable {
    /// Every task synced.
    case ok
    /// Some tasks failed; they are retried by the next run.
    case partial
    /// Something stopped the whole run (a wrong key, say).
    case failed
    /// Stopped from outside before it finished.
    case interrupted
}
