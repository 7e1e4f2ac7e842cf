import Synchronization
import Pacing

/// Admission for a sync's tasks: how many talk to the server at once, how many may wait for the
/// writer, and how many connections that takes. One owner for these numbers, structured: every slot a
/// task takes is given back by that task's own child task before it ends.
///
/// - At most `jobs` fetches have requests in flight. A fetch gives its network slot up as soon as its
///   requests are done (`requestsDone`), so the next one starts downloading while it waits for its commit.
/// - At most `32 × jobs` fetches are unfinished, counting those waiting for the writer, which commits
///   them in groups (see `CommitQueue`).
/// - Attaches (following live streams) mostly wait: up to 64 run beside the fetches.
public struct SyncScheduler: Sendable {
    public let jobs: Int

    public init(jobs: Int) {
        self.jobs = max(1, jobs)
    }

    /// HTTP/1.1 connections a sync with `jobs` keeps open: a task has a few requests in flight at once
    /// (its history beside its files, several files), so twice `jobs` keeps them busy without queueing.
    public static func connections(forJobs jobs: Int) -> Int { 2 * max(1, jobs) }

    static let attachSlots = 64
    static let unfinishedPerJob = 32

    /// Runs `body` for every action in order of admission; the first error thrown ends the run (the
    /// others are cancelled). `body` calls `requestsDone` once its network requests are over.
    public func run(_ actions: [SyncAction],
             _ body: @escaping @Sendable (SyncAction, _ requestsDone: @escaping @Sendable () async -> Void) async throws -> Void) async throws {
        let network = AsyncSemaphore(jobs)
        let unfinished = AsyncSemaphore(jobs * Self.unfinishedPerJob)
        let attaches = AsyncSemaphore(Self.attachSlots)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for action in actions {
                let isAttach = if case .attach = action { true } else { false }
                if !isAttach { await unfinished.acquire() }
                let slot = isAttach ? attaches : network
                await slot.acquire()
                let held = Hold(slot)
                group.addTask {
                    do {
                        try await body(action) { await held.release() }
                    } catch {
                        await held.release()
                        if !isAttach { await unfinished.release() }
                        throw error
                    }
                    await held.release()
                    if !isAttach { await unfinished.release() }
                }
            }
            try await group.waitForAll()
        }
    }
}

/// A slot held by one task, given back at most once: early (its requests are done) or when it ends.
private final class Hold: Sendable {
    private let semaphore: Mutex<AsyncSemaphore?>

    init(_ semaphore: AsyncSemaphore) {
        self.semaphore = Mutex(semaphore)
    }

    func release() async {
        let held = semaphore.withLock { held -> AsyncSemaphore? in
            defer { held = nil }
            return held
        }
        await held?.release()
    }
}
