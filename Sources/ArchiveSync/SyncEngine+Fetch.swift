public import ArchiveStore
import Foundation
import SigmicAPI

extension SyncEngine {
    /// Carries out the plan: each action under the scheduler's slots, counted as it finishes.
    func execute(_ actions: [SyncAction], listed: [String: ListedTask], account: AccountID, options: Options) async throws {
        let total = actions.count
        progress(SyncProgress(done: 0, total: total, bytes: 0))
        try await SyncScheduler(jobs: options.jobs).run(actions) { action, requestsDone in
            try await self.perform(action, listed: listed[action.taskID], account: account, options: options, requestsDone: requestsDone)
            let totals = await self.tally.update { $0.done += 1 }
            self.progress(SyncProgress(done: totals.done, total: total, bytes: totals.artifacts.bytes))
        }
    }

    /// One task. Only an authentication failure escapes (it stops the whole sync); anything else is
    /// recorded against the task, which stays due for the next run.
    func perform(_ action: SyncAction, listed: ListedTask?, account: AccountID, options: Options,
                 requestsDone: @Sendable () async -> Void = {}) async throws {
        do {
            switch action {
            case .fetch(let id, let isNew):
                switch try await fetch(id, listed: listed, account: account, options: options, isNew: isNew, requestsDone: requestsDone) {
                case .follow: try await follow(id, account: account, options: options, isNew: isNew)
                case .committed(let settlement): await count(settlement, taskID: id, isNew: isNew)
                }
            case .attach(let id, let isNew):
                try await follow(id, account: account, options: options, isNew: isNew)
            }
        } catch {
            let after = FetchPlan.afterFailure(error)
            if after == .stopSync { throw error }
            let message = String(describing: error) + (after == .markGone ? " (gone from the server: kept in the archive, marked missing)" : "")
            if let row = try? await archive.taskRow(remoteID: action.taskID, account: account) {
                try? await archive.write { writer in
                    if after == .markGone { try writer.markGone(row, error: message) } else { try writer.markFailed(row, error: message) }
                }
            }
            _ = await tally.update { $0.failures.append(SyncReport.Failure(taskId: action.taskID, error: message)) }
        }
    }

    /// A committed task counts as new or updated, or as live while it still runs; one still due (a file
    /// the server would not send) is reported too, as the next sync tries it again.
    func count(_ settlement: FetchPlan.Settlement, taskID: String, isNew: Bool) async {
        _ = await tally.update {
            if settlement == .live { $0.live += 1 } else if isNew { $0.new += 1 } else { $0.updated += 1 }
            if case .due(let error) = settlement { $0.failures.append(SyncReport.Failure(taskId: taskID, error: error)) }
        }
    }

    enum FetchResult {
        /// The task runs on the server; nothing was committed but its row.
        case follow
        case committed(FetchPlan.Settlement)
    }

    /// Get + history (+ artifact bytes), committed in one transaction with the task's bookkeeping.
    /// `isNew`: the archive had no row for the task when this sync began, so it has no stored files.
    func fetch(_ id: String, listed: ListedTask?, account: AccountID, options: Options, isNew: Bool = false,
               requestsDone: @Sendable () async -> Void = {}) async throws -> FetchResult {
        let task = try await client.getTask(id)
        let snapshot = onSync.task(Snapshots.task(task))
        if FetchPlan.start(status: snapshot.status, wait: options.wait) == .follow {
            await requestsDone()   // following a stream is mostly waiting: it does not hold a fetch slot
            // Recorded now, so a task known only by id (`--task`) has a row to attach events to.
            try await archive.write { _ = try $0.upsertFetchedTask(snapshot, account: account) }
            return .follow
        }
        // The history and the files do not depend on each other: both are asked for at once.
        async let historyReply = client.history(id)
        let files = options.downloadArtifacts
            ? try await fetchFiles(id, account: account, isNew: isNew, atOnce: options.downloadsPerTask) : nil
        let history = try await historyReply
        await requestsDone()
        // Everything is converted before the commit, so the single writer only runs SQL.
        let messages = history.messages.map { onSync.message(Snapshots.message($0)) }
        let settlement = FetchPlan.settlement(listed: listed, fetched: Self.fetched(task), historyCount: history.messages.count,
                                              unavailable: files?.unavailable ?? [])
        try await commits.commit { writer in
            let row = try writer.upsertFetchedTask(snapshot, account: account)
            try writer.replaceHistory(messages, task: row)
            try files?.record(writer, task: row)
            switch settlement {
            case .synced(let mark):
                try writer.markSynced(row, status: mark.status, activityAt: mark.activityAt, messageCount: mark.messageCount,
                                      completedAt: mark.completedAt)
            case .due(let error):
                try writer.markFailed(row, error: error)
            case .live:
                try writer.markLive(row)
            }
        }
        try await files?.discardUnlinkedBlobs(in: archive)
        _ = await tally.update { $0.messages += messages.count }
        return .committed(settlement)
    }

    /// Lists a task's files, downloads those the plan asks for, and returns what the commit records.
    func fetchFiles(_ id: String, account: AccountID, isNew: Bool, atOnce: Int) async throws -> FetchedFiles {
        var byPath: [Data: APIArtifact] = [:]
        let listing = try await client.artifacts(id)
        for artifact in listing { byPath[Data(Snapshots.visible(artifact.path).utf8)] = artifact }
        let archived = isNew ? [] : try await archivedFiles(id, account: account)
        let plan = FetchPlan.files(listing: listing.map(Snapshots.listedFile), archived: archived)
        let wanted = plan.download.map { byPath[Data($0.file.path.utf8)]! }
        let outcomes = try await downloader.downloadAll(wanted, taskID: id, atOnce: atOnce)
        var files = FetchedFiles(listed: plan.listed.map { Snapshots.artifact(byPath[Data($0.path.utf8)]!) })
        let rule = onSync
        for (download, artifact) in zip(plan.download, wanted) {
            switch outcomes[Data(artifact.path.utf8)] {
            case .stored(let blob)?:
                files.keep(try rule.file(blob, in: archive.blobs), path: Data(download.file.path.utf8))
            case .unavailable(let error)?:
                files.unavailable.append(FetchPlan.Unavailable(path: download.file.path, error: error,
                                                               failuresBefore: download.earlierFailures))
            case nil:
                break
            }
        }
        let counts = (downloaded: files.stored.count, bytes: files.stored.values.reduce(0) { $0 + $1.size }, skipped: plan.skipped)
        _ = await tally.update {
            $0.artifacts.downloaded += counts.downloaded
            $0.artifacts.bytes += counts.bytes
            $0.artifacts.skipped += counts.skipped
        }
        return files
    }

    /// Downloads one listed file of a task into the blob store and records it with the task's current
    /// listing, as a sync would: for `download` when the archive does not have the bytes yet. The task
    /// must be in the archive already (sync it first).
    public func storeArtifact(taskID: String, path: String) async throws -> StoredBlob {
        try await readOnSyncRule()
        let account = try await archive.write { [baseURL, fingerprint] in try $0.account(baseURL: baseURL, fingerprint: fingerprint) }
        guard let row = try await archive.taskRow(remoteID: taskID, account: account) else { throw SyncError.notInArchive(taskID: taskID) }
        var byPath: [Data: APIArtifact] = [:]
        let listing = try await client.artifacts(taskID)
        for artifact in listing { byPath[Data(Snapshots.visible(artifact.path).utf8)] = artifact }
        let key = Data(path.utf8)
        guard let artifact = byPath[key] else { throw SyncError.noSuchArtifact(taskID: taskID, path: path) }
        let plan = FetchPlan.files(listing: listing.map(Snapshots.listedFile), archived: [])
        var files = FetchedFiles(listed: plan.listed.map { Snapshots.artifact(byPath[Data($0.path.utf8)]!) })
        switch try await downloader.fetch(artifact, taskID: taskID) {
        case .stored(let blob):
            files.keep(try onSync.file(blob, in: archive.blobs), path: key)
            let recorded = files
            try await archive.write { try recorded.record($0, task: row) }
            try await recorded.discardUnlinkedBlobs(in: archive)
            guard let stored = recorded.stored[key] else {
                throw SyncError.artifactWithheld(path: path, reason: recorded.dropped[key] ?? "")
            }
            return stored
        case .unavailable(let error):
            throw SyncError.artifactUnavailable(path: path, error: error)
        }
    }

    func archivedFiles(_ id: String, account: AccountID) async throws -> [ArchivedFile] {
        guard let row = try await archive.taskRow(remoteID: id, account: account) else { return [] }
        return try await archive.artifacts(of: row).map(ArchivedFile.init)
    }

    /// The GET's values in the listing's terms: its activity is the latest of its times.
    static func fetched(_ task: APITask) -> ListedTask {
        ListedTask(id: task.id, status: TaskStatus(task.status),
                   lastActivityAt: [task.completedAt, task.startedAt, task.createdAt].compactMap { $0 }.max(),
                   messageCount: nil, completedAt: task.completedAt)
    }
}

/// A task's files as one commit records them: the listing, the bytes stored, the files not sent.
struct FetchedFiles: Sendable {
    var listed: [ArtifactSnapshot]
    /// By the stored path's bytes.
    var stored: [Data: StoredBlob] = [:]
    var unavailable: [FetchPlan.Unavailable] = []
    /// Files the on-sync rule keeps out, by the stored path's bytes, with the reason recorded for each.
    var dropped: [Data: String] = [:]
    /// Downloads replaced by their redacted text or dropped: deleted once the commit is done.
    var discarded: [BlobHash] = []

    /// Takes a downloaded file as the on-sync rule left it.
    mutating func keep(_ file: OnSyncRedaction.File, path: Data) {
        switch file {
        case .kept(let blob):
            stored[path] = blob
        case .redacted(let blob, let original):
            stored[path] = blob
            discarded.append(original)
        case .dropped(let reason, let original):
            dropped[path] = reason
            discarded.append(original)
        }
    }

    func discardUnlinkedBlobs(in archive: any WritableArchive) async throws {
        for hash in discarded { try await archive.discardUnlinkedBlob(hash) }
    }

    func record(_ writer: any ArchiveWriter, task: TaskRowID) throws {
        let rows = try writer.upsertArtifacts(listed, task: task)
        let rowByPath = Dictionary(zip(listed.map { Data($0.path.utf8) }, rows), uniquingKeysWith: { _, last in last })
        try writer.recordArtifactBlobs(zip(listed, rows).compactMap { file, row in
            stored[Data(file.path.utf8)].map { (row, $0) }
        })
        for (path, reason) in dropped {
            guard let row = rowByPath[path] else { continue }
            try writer.dropArtifactBytes(row, reason: reason)
        }
        for file in unavailable {
            guard let row = rowByPath[Data(file.path.utf8)] else { continue }
            try writer.recordArtifactFailure(row, error: file.error, givingUp: file.givesUp)
        }
    }
}
