/// The names of the archive's own settings (the `setting` table, migration 0014).
public enum ArchiveSetting: String, Sendable, CaseIterable {
    /// `secrets`: every write removes the secret rules' findings first.
    case redactOnSync = "redact-on-sync"
    /// `1`: rows were rewritten or removed and a purge has not finished since.
    case purgePending = "purge-pending"
    /// How long tasks are kept after their last activity (`90d`): `watch` forgets older ones once a day.
    case retentionKeep = "retention-keep"
    /// When retention last ran (ISO-8601 UTC).
    case retentionAppliedAt = "retention-applied-at"
}
