import ArchiveStore

/// Group commit: units handed in while a commit is running wait for it and then go into the next
/// transaction together, each in its own savepoint (`Archive.writeEach`). With one task finishing at a
/// time a unit commits alone and at once; when the writer is the bottleneck, the groups grow by
/// themselves, and the number of commits (each of which rewrites the pages it touched) falls.
///
/// `commit` returns only after the unit's transaction has committed, so a caller that counts a task
/// done after `commit` never counts work that a crash could still lose.
actor CommitQueue {
    typealias Unit = @Sendable (ArchiveWriter) throws -> Void

    private let archive: Archive
    private let maxGroup: Int
    private let indexInterval: Duration
    private var waiting: [(unit: Unit, done: CheckedContinuation<Void, any Error>)] = []
    private var draining = false
    private var lastIndexed: ContinuousClock.Instant?

    /// - Parameter indexInterval: how long search indexing may lag behind commits. A group indexes the
    ///   search entries of every group before it when this much time has passed since the last one
    ///   did; the engine's closing write (any `Archive.write`) indexes the rest. Fewer, larger index
    ///   updates cost less than one per commit.
    init(archive: Archive, maxGroup: Int = 64, indexInterval: Duration = .seconds(1)) {
        self.archive = archive
        self.maxGroup = maxGroup
        self.indexInterval = indexInterval
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
            let group = Array(waiting.prefix(maxGroup))
            waiting.removeFirst(group.count)
            let now = ContinuousClock.now
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
