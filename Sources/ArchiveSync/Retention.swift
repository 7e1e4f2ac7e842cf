public import ArchiveStore
public import Foundation

/// How long the archive keeps a task after its last activity (`retention --keep 90d`). Pure: the
/// cutoff and the daily schedule are decided here from the time given.
public struct RetentionPolicy: Sendable, Equatable {
    public let days: Int

    public init(days: Int) {
        self.days = days
    }

    /// `90d`, `12w` or `1y` (365 days); nil for anything else, or for less than a day.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let unit = trimmed.last, let number = Int(trimmed.dropLast()), number > 0, number <= 100 * 365 else { return nil }
        switch unit {
        case "d": days = number
        case "w": days = number * 7
        case "y": days = number * 365
        default: return nil
        }
    }

    /// As `--keep` takes it, and as the archive keeps it.
    public var text: String { "\(days)d" }

    /// Tasks last active before this are forgotten (unless pinned).
    public func cutoff(now: Date) -> String {
        Timestamp.string(from: now.addingTimeInterval(-Double(days) * 86_400))
    }

    /// `watch` applies the policy once a day: when it never ran, or ran a day or more ago (or, with a
    /// clock set back, in the future).
    public static func isDue(lastApplied: Date?, now: Date) -> Bool {
        guard let lastApplied else { return true }
        let elapsed = now.timeIntervalSince(lastApplied)
        return elapsed >= 86_400 || elapsed < 0
    }
}

/// Retention, written once above the engines: select the unpinned tasks last active before the policy's
/// cutoff and forget them (`Forgetting`), recording when it ran.
public struct Retention: Sendable {
    /// The wall clock: what "older than 90 days" is measured from.
    public let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    /// The policy the archive keeps, if any.
    public static func policy(of archive: some ArchiveReader) async throws -> RetentionPolicy? {
        try await archive.settings()[ArchiveSetting.retentionKeep.rawValue].flatMap(RetentionPolicy.init(parsing:))
    }

    /// The tasks `policy` would forget now, oldest activity last.
    public func due(_ policy: RetentionPolicy, in archive: some ArchiveReader) async throws -> [StoredTask] {
        var filter = TaskFilter()
        filter.until = policy.cutoff(now: now())
        filter.pinned = false
        filter.limit = 0
        return try await archive.storedTasks(filter)
    }

    /// Forgets what `policy` says is due, and records the run.
    public func apply(_ policy: RetentionPolicy, to archive: some WritableArchive,
                      progress: @Sendable (Int) -> Void = { _ in }) async throws -> Forgetting.Result {
        let started = now()
        let tasks = try await due(policy, in: archive)
        let result = try await Forgetting(command: "retention --keep \(policy.text)").forget(tasks.map(\.rowID), in: archive, progress: progress)
        let stamp = Timestamp.string(from: started)
        try await archive.write { try $0.setSetting(.retentionAppliedAt, to: stamp) }
        return result
    }

    /// For `watch`: applies the archive's policy when a day has passed since it last ran. Nil when there
    /// is no policy or it is not due.
    public func applyIfDue(to archive: some WritableArchive) async throws -> Forgetting.Result? {
        let settings = try await archive.settings()
        guard let policy = settings[ArchiveSetting.retentionKeep.rawValue].flatMap(RetentionPolicy.init(parsing:)),
              RetentionPolicy.isDue(lastApplied: settings[ArchiveSetting.retentionAppliedAt.rawValue].flatMap(Timestamp.parse), now: now())
        else { return nil }
        return try await apply(policy, to: archive)
    }
}
