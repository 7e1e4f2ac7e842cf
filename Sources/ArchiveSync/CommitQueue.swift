import ArchiveStore
import SigmicAPI
import Pacing

/// Group commit: finished tasks wait briefly and go into one transaction together, each still all or
/// nothing (`WritableArchive.writeEach`). Every commit rewrites each page it touched (the B-tree pages of
/// messages, search entries and their indexes), so a few large commits cost much less than many small
/// ones: a group starts at most every `gathering` (unless `maxGroup` units are already waiting), and
/// while a commit runs the next group gathers.
///
/// `commit` returns only after the unit's transaction has committed, so a caller that counts a task
/// done after `commit` never counts work that a crash could still lose.
actor CommitQueue {
    typealias Unit = @Sendable (any ArchiveWriter) throws -> Void

    private let archive: any WritableArchive
    private let maxGroup: Int
    private let gathering: Duration
    private let indexInterval: Duration
    private let clock: Stopwatch
    private var waiting: [(unit: Unit, done: CheckedContinuation<Void, any Error>)] = []
    private var draining = false
    private var lastStarted: Duration?
    private var lastIndexed: Duration?

    /// - Parameters:
    ///   - maxGroup: the most units in one transaction.
    ///   - gathering: the least time between the starts of two commits; a unit waits at most this long
    ///     for others to join it.
    ///   - indexInterval: how long search indexing may lag behind commits. A group indexes the search
    ///     entries of every group before it when this much time has passed since the last one did; the
    ///     engine's closing write (any `write`) indexes the rest. Fewer, larger index updates
    ///     cost less than one per commit.
    ///   - clock: what `gathering` and `indexInterval` are measured on.
    init(archive: any WritableArchive, maxGroup: Int = 256, gathering: Duration = .milliseconds(50),
         indexInterval: Duration = .seconds(1), clock: Stopwatch) {
        self.archive = archive
        self.maxGroup = maxGroup
        self.gathering = gathering
        self.indexInterval = indexInterval
        self.clock = clock
    }

    /// Commits `unit`. Blobs it names that were stored in this process reach the disk before the group
    /// commits (every archive write starts with one flush, `BlobStore.flushIfNeeded`).
    func commit(_ unit: @escaping Unit) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            waiting.append((unit, done))
            if !draining {
                draining = true
                Task { await drain() }
            }
        }
    }

    private func drain() async {
        while !waiting.isEmpty {
            if let lastStarted, waiting.count < maxGroup {
                let due = lastStarted + gathering
                try? await clock.sleep(until: due)   // others join meanwhile
            }
            let group = Array(waiting.prefix(maxGroup))
            waiting.removeFirst(group.count)
            let now = clock.now
            lastStarted = now
            let indexSearch = lastIndexed.map { now - $0 >= indexInterval } ?? true
            do {
                let outcomes = try await archive.writeEach(group.map(\.unit), indexSearch: indexSearch)
                if indexSearch { lastIndexed = now }
                for (entry, error) in zip(group, outcomes) {
                    if let error { entry.done.resume(throwing: error) } else { entry.done.resume() }
                }
            } catch {
                for entry in group { entry.done.resume(throwing: error) }
            }
        }
        draining = false
    }
}
