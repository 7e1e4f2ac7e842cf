import ArchiveStore
import Foundation
import NIOCore
import SigmicAPI

extension SyncEngine {
    /// Runs the actions: at most `jobs` tasks talk to the server at a time, and a task gives its slot
    /// up as soon as its requests are done, so the next one starts downloading while it waits for its
    /// commit. Up to 32 × `jobs` finished tasks may wait for the writer, which commits them in groups
    /// (see `CommitQueue`). Attaches run beside them (they mostly wait).
    func execute(_ actions: [SyncAction], listed: [String: ListedTask], account: AccountID, options: Options) async throws {
        let total = actions.count
        progress(SyncProgress(done: 0, total: total, bytes: 0))
        let jobs = max(1, options.jobs)
        let fetchSlots = AsyncSemaphore(jobs)
        let inFlight = AsyncSemaphore(jobs * 32)
        let attachSlots = AsyncSemaphore(64)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for action in actions {
                // A fetch holds a place among the tasks in flight until it is committed, and a network
                // slot until its requests are done; an attach holds one attach slot throughout.
                let isAttach = if case .attach = action { true } else { false }
                let queued: AsyncSemaphore? = isAttach ? nil : inFlight
                await queued?.acquire()
                let network = await SlotLease(acquiring: isAttach ? attachSlots : fetchSlots)
                group.addTask {
                    defer {
                        Task {
                            await network.release()
                            await queued?.release()
                        }
                    }
                    try await self.perform(action, listed: listed[action.taskID], account: account, options: options,
                                           requestsDone: { await network.release() })
                    let totals = await self.state.update { $0.done += 1 }
                    self.progress(SyncProgress(done: totals.done, total: total, bytes: totals.artifacts.bytes))
                }
            }
            try await group.waitForAll()
        }
    }

    /// One task. Only an authentication failure escapes (it stops the whole sync); anything else is
    /// recorded against the task, which stays due for the next run.
    func perform(_ action: SyncAction, listed: ListedTask?, account: AccountID, options: Options,
                 requestsDone: @Sendable () async -> Void = {}) async throws {
        do {
            switch action {
            case .fetch(let id, let isNew):
                if try await fetch(id, listed: listed, account: account, options: options, isNew: isNew,
                                   requestsDone: requestsDone) == .live {
                    try await follow(id, account: account, options: options, isNew: isNew)
                } else {
                    _ = await state.update { isNew ? ($0.new += 1) : ($0.updated += 1) }
                }
            case .attach(let id, let isNew):
                try await follow(id, account: account, options: options, isNew: isNew)
            }
        } catch let error as SigmicAPIError where error.kind == .auth {
            throw error
        } catch {
            let message = (error as? SigmicAPIError)?.description ?? String(describing: error)
            if let row = try? archive.taskRow(remoteID: action.taskID, account: account) {
                try? await archive.write { try $0.markFailed(row, error: message) }
            }
            _ = await state.update { $0.failures.append(SyncReport.Failure(taskId: action.taskID, error: message)) }
        }
    }

    enum FetchOutcome { case settled, live }

    /// Get + history (+ artifact bytes), committed in one transaction with the task's bookkeeping.
    /// `isNew`: the archive had no row for the task when this sync began, so it has no stored files.
    func fetch(_ id: String, listed: ListedTask?, account: AccountID, options: Options, isNew: Bool = false,
               requestsDone: @Sendable () async -> Void = {}) async throws -> FetchOutcome {
        let task = try await client.getTask(id)
        if TaskStatus(task.status).isLive && options.wait > 0 {
            await requestsDone()   // following a stream is mostly waiting: it does not hold a fetch slot
            // Recorded now, so a task known only by id (`--task`) has a row to attach events to.
            try await archive.write { _ = try $0.upsertFetchedTask(Snapshots.task(task), account: account) }
            return .live
        }
        // The history and the files do not depend on each other: both are asked for at once.
        async let historyReply = client.history(id)
        var artifacts: [APIArtifact]?
        var stored: [Data: StoredBlob] = [:]
        if options.downloadArtifacts {
            // One file per path: should a listing repeat a path, its last entry wins.
            // Paths are compared as bytes: Swift's String equality would merge `café` and `cafe\u{301}`,
            // which are two files to the server and to SQLite.
            var seen = Set<Data>()
            let list = Array(try await client.artifacts(id).reversed().filter { seen.insert(Data($0.path.utf8)).inserted }.reversed())
            artifacts = list
            let known = isNew ? [:] : try existingArtifacts(id, account: account)
            let wanted = list.filter { artifact in
                guard let previous = known[Data(Snapshots.visible(artifact.path).utf8)] else { return true }
                return !(previous.isStored && previous.size == artifact.size && previous.modifiedAt == Snapshots.time(artifact.modifiedAt))
            }
            stored = try await downloadAll(wanted, taskID: id, atOnce: options.downloadsPerTask)
            var counts = SyncReport.Artifacts()
            counts.skipped = list.count - wanted.count
            counts.downloaded = stored.count
            counts.bytes = stored.values.reduce(0) { $0 + $1.size }
            _ = await state.update {
                $0.artifacts.downloaded += counts.downloaded
                $0.artifacts.bytes += counts.bytes
                $0.artifacts.skipped += counts.skipped
            }
        }
        let history = try await historyReply
        let messages = history.messages.map(Snapshots.message)
        let syncedActivity = listed?.lastActivityAt ?? [task.completedAt, task.startedAt, task.createdAt].compactMap { $0 }.max()
        let syncedCount = listed?.messageCount ?? history.messages.count
        await requestsDone()
        // Everything is converted before the commit, so the single writer only runs SQL.
        let snapshot = Snapshots.task(task)
        let files = artifacts.map { list in list.map { (Snapshots.artifact($0), stored[Data($0.path.utf8)]) } }
        try await commits.commit { writer in
            let row = try writer.upsertFetchedTask(snapshot, account: account)
            try writer.replaceHistory(messages, task: row)
            if let files {
                let rows = try writer.upsertArtifacts(files.map(\.0), task: row)
                try writer.recordArtifactBlobs(zip(files, rows).compactMap { file, artifactRow in
                    file.1.map { (artifactRow, $0) }
                })
            }
            try writer.markSynced(row, status: listed?.status ?? TaskStatus(task.status), activityAt: syncedActivity,
                                  messageCount: syncedCount, completedAt: listed?.completedAt ?? task.completedAt)
        }
        _ = await state.update { $0.messages += messages.count }
        return .settled
    }

    /// Downloads a task's files, up to `Options.downloadsPerTask` at once; the first failure stops the
    /// rest. Returns the stored blob of each file, by path.
    func downloadAll(_ artifacts: [APIArtifact], taskID: String, atOnce: Int) async throws -> [Data: StoredBlob] {
        try await withThrowingTaskGroup(of: (Data, StoredBlob).self) { group in
            var stored: [Data: StoredBlob] = [:]
            var pending = artifacts[...]
            while let artifact = pending.popFirst() {
                group.addTask { (Data(artifact.path.utf8), try await self.download(artifact, taskID: taskID)) }
                if artifacts.count - pending.count < max(1, atOnce) { continue }
                if let (path, blob) = try await group.next() { stored[path] = blob }
            }
            while let (path, blob) = try await group.next() { stored[path] = blob }
            return stored
        }
    }

    func existingArtifacts(_ id: String, account: AccountID) throws -> [Data: StoredArtifact] {
        guard let row = try archive.taskRow(remoteID: id, account: account) else { return [:] }
        return Dictionary(try archive.artifacts(of: row).map { (Data($0.path.utf8), $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Artifacts up to this size are downloaded into memory and stored in one step: bytes already in
    /// the archive then cost no file at all. Larger ones stream through a resumable temp file.
    static let inMemoryDownloadLimit: Int64 = 1 << 20

    /// Downloads an artifact into the blob store, checking its length; see `inMemoryDownloadLimit`.
    func download(_ artifact: APIArtifact, taskID: String) async throws -> StoredBlob {
        if let size = artifact.size, size <= Self.inMemoryDownloadLimit {
            return try await downloadSmall(artifact, taskID: taskID, size: size)
        }
        return try await downloadStreamed(artifact, taskID: taskID)
    }

    /// A small file, whole into memory, retried from its start after an interruption.
    func downloadSmall(_ artifact: APIArtifact, taskID: String, size: Int64) async throws -> StoredBlob {
        var attempt = 0
        while true {
            attempt += 1
            do {
                // Bytes past the announced size are counted, not kept: a longer body is a mismatch,
                // reported as such once the download ends, and never grows memory.
                let (bytes, received) = try await client.downloadWhole(taskID, path: artifact.path, limit: Int(size))
                guard received == size else {
                    throw ArchiveError.contentMismatch(expected: "\(size) bytes", actual: "\(received) bytes")
                }
                return try archive.blobs.store(bytes.withUnsafeReadableBytes { Data($0) })
            } catch let error as SigmicAPIError where error.isRetryable && attempt < client.configuration.retry.maxAttempts {
                try await backOff(attempt, after: error)
            }
        }
    }

    /// Waits before retrying a download: the client's backoff with full jitter, or the server's
    /// Retry-After.
    func backOff(_ attempt: Int, after error: SigmicAPIError) async throws {
        let delay = client.configuration.retry.delay(beforeRetry: attempt, retryAfter: error.retryAfter, unit: Double.random(in: 0..<1))
        try await Task.sleep(nanoseconds: UInt64(delay * 1e9))
    }

    /// Streams an artifact into the blob store: a temp file named after (account, task, path, size,
    /// time) — never after the server's path — resumed with Range after an interruption, checked for
    /// length and hashed on the way.
    func downloadStreamed(_ artifact: APIArtifact, taskID: String) async throws -> StoredBlob {
        let key = Digest.sha256([fingerprint, baseURL, taskID, artifact.path, String(artifact.size ?? -1), artifact.modifiedAt ?? ""]
            .joined(separator: "\u{0}"))
        let writer = try archive.blobs.resumableWriter(key: key)
        // A crash can come after the last byte was written and before the blob was moved into place.
        if let size = artifact.size {
            if writer.size == size { return try writer.finish(expectedSize: size) }
            if writer.size > size { try writer.reset() }
        }
        var attempt = 0
        while true {
            attempt += 1
            do {
                let result = try await client.download(taskID, path: artifact.path, resumeFrom: writer.size) { chunk, startsOver in
                    if startsOver { try writer.reset() }
                    try chunk.withUnsafeReadableBytes { try writer.append($0) }
                }
                let expected = artifact.size ?? result.totalBytes
                return try writer.finish(expectedSize: expected)
            } catch let error as SigmicAPIError where error.status == 416 && writer.size > 0 && attempt < client.configuration.retry.maxAttempts {
                // The partial file does not fit the server's file (it changed): start over.
                try writer.reset()
            } catch let error as SigmicAPIError where error.isRetryable && attempt < client.configuration.retry.maxAttempts {
                try await backOff(attempt, after: error)
            } catch {
                try? writer.suspend()
                throw error
            }
        }
    }
}

/// One hold on a semaphore slot, given back at most once (early, or when the task ends).
actor SlotLease {
    private var semaphore: AsyncSemaphore?

    init(acquiring semaphore: AsyncSemaphore) async {
        await semaphore.acquire()
        self.semaphore = semaphore
    }

    func release() async {
        guard let held = semaphore else { return }
        semaphore = nil
        await held.release()
    }
}

/// A counting semaphore for async code.
actor AsyncSemaphore {
    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) {
        available = count
    }

    func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            available += 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}
