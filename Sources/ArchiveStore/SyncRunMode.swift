/// What a sync run set out to do (`sync_run.mode`).
public enum SyncRunMode: String, Sendable, CaseIterable {
    /// Pages down to the saved high-water mark.
    case incremental
    /// Every page, with remote presence reconciled.
    case full
    /// Only the tasks named by id.
    case tasks
    /// One round of `watch` (allowed by the schema; `watch` runs incremental rounds today).
    case watch
}
