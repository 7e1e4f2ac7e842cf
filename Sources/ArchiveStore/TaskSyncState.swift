/// How far the archive's copy of a task has got (`task.sync_state`).
public enum TaskSyncState: String, Sendable, CaseIterable {
    /// Seen in a listing; its history and files are not fetched yet.
    case listed
    /// Fetched and committed as of its listing values.
    case synced
    /// Being followed (or last followed) live; it settles when its run ends.
    case live
    /// Its last sync failed; the next sync tries again.
    case failed
}
