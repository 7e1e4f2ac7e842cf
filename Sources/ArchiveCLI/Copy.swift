import ArchivePostgres
import ArchiveStore
import ArgumentParser
import Foundation

struct Copy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy an archive folder into a PostgreSQL archive (a team archive), or back.",
        discussion: """
            Every task with its messages, live-event log and artifacts (the files too), and each \
            account's sync cursor. Each task is copied in one transaction, so an interrupted copy \
            leaves every task whole or untouched; run it again to finish: tasks already copied \
            unchanged are skipped, changed ones replaced. The source is only read (syncs may run \
            meanwhile); a folder source must have no unsent outbox items (send or drop them first). \
            The password comes from PGPASSWORD or ~/.pgpass, never from the URL.
            """)

    @Option(help: ArgumentHelp("The archive to copy: a folder, or postgres://USER@HOST:PORT/DATABASE.", valueName: "dir|url"))
    var from: String
    @Option(help: ArgumentHelp("Where to copy it: a PostgreSQL archive for a folder, a folder for a PostgreSQL archive.",
                               valueName: "url|dir"))
    var to: String
    @Flag(help: "Print a JSON summary.")
    var json = false

    func validate() throws {
        switch (ArchiveLocation(from), ArchiveLocation(to)) {
        case (.folder, .database), (.database, .folder): return
        default: throw ValidationError("copy goes between a folder and postgres://USER@HOST:PORT/DATABASE, one each way")
        }
    }

    static let rowsPerTransaction = 5_000

    struct Summary: Encodable {
        var target: String
        var tasks = 0
        var copied = 0
        var unchanged = 0
        /// Tasks the target has forgotten (`forget`): never copied back into it.
        var forgotten = 0
        var blobBytes: Int64 = 0
    }

    func run() async throws {
        let summary = if case .database = ArchiveLocation(from) { try await copyOut() } else { try await copyIn() }
        if json {
            try Terminal.printJSON(summary)
        } else {
            let skipped = summary.forgotten > 0 ? ", \(summary.forgotten) forgotten there and skipped" : ""
            Terminal.print("Copied \(summary.copied) of \(summary.tasks) tasks (\(summary.unchanged) already there unchanged\(skipped)), "
                           + "\(Status.bytes(summary.blobBytes)) of files, to \(summary.target)")
        }
    }

    /// Folder → PostgreSQL.
    func copyIn() async throws -> Summary {
        let source = try Archive.openReadOnly(at: URL(fileURLWithPath: from))
        let unsent = try source.unsentOutboxCount()
        guard unsent == 0 else {
            throw CLIError(description: "\(from) has \(unsent) outbox item(s) not sent; `sigmic-archive outbox send` or `outbox drop` them first")
        }
        let target = try await ArchiveLocation.openDatabase(to, forWriting: true, environment: ProcessInfo.processInfo.environment, note: Terminal.note)
        var summary = Summary(target: target.location.display)
        let tasks = try source.taskRowIDsForCopy()
        summary.tasks = tasks.count
        let progress = ProgressDisplay(enabled: !json && Terminal.stderrIsTerminal)
        let blobs = source.blobs
        var batch: [CopiedTask] = []
        var rows = 0
        func flush() async throws {
            for outcome in try await target.replace(batch, blobFile: { blobs.url(for: $0) }) {
                switch outcome {
                case .copied(let bytes):
                    summary.copied += 1
                    summary.blobBytes += bytes
                case .unchanged:
                    summary.unchanged += 1
                }
            }
            batch = []
            rows = 0
            progress.update("copying \(summary.copied + summary.unchanged)/\(tasks.count) tasks, \(Status.bytes(summary.blobBytes)) of files")
        }
        let forgotten = Set(try await target.tombstones().map(\.key))
        for id in tasks {
            let copied = try source.copiedTask(id)
            guard !forgotten.contains(copied.tombstoneKey) else {
                summary.forgotten += 1
                continue
            }
            batch.append(copied)
            rows += 1 + copied.messages.count + copied.artifacts.count + copied.sessions.reduce(0) { $0 + 1 + $1.events.count }
            // About this many rows a transaction: large enough that round trips stop counting, small
            // enough that an interruption loses little work.
            if rows >= Self.rowsPerTransaction { try await flush() }
        }
        if !batch.isEmpty { try await flush() }
        for (account, cursor) in try source.syncCursorsForCopy() { try await target.replaceCursor(account: account, cursor: cursor) }
        try await Self.carryTombstones(from: source, to: target)
        progress.finish()
        return summary
    }

    /// The source's tombstones go with it, so the target's syncs do not fetch what was forgotten here.
    /// A task the target holds itself stays there, without a tombstone: copy adds, it never removes.
    static func carryTombstones(from source: some ArchiveReader, to target: some WritableArchive) async throws {
        var tombstones: [Tombstone] = []
        for tombstone in try await source.tombstones() {
            if let account = try await target.existingAccount(baseURL: tombstone.accountBaseURL, fingerprint: tombstone.accountFingerprint),
               try await target.taskRow(remoteID: tombstone.remoteID, account: account) != nil { continue }
            tombstones.append(tombstone)
        }
        guard !tombstones.isEmpty else { return }
        try await target.write { [tombstones] writer in
            for tombstone in tombstones {
                let account = try writer.account(baseURL: tombstone.accountBaseURL, fingerprint: tombstone.accountFingerprint)
                try writer.recordTombstone(remoteID: tombstone.remoteID, account: account, forgottenAt: tombstone.forgottenAt,
                                           reason: tombstone.reason, lastActivityAt: tombstone.lastActivityAt)
            }
        }
    }

    /// PostgreSQL → folder (created if missing), holding the folder's writer lock. Files are streamed
    /// out of the database a chunk at a time and hash-checked as they are stored.
    func copyOut() async throws -> Summary {
        let source = try await ArchiveLocation.openDatabase(from, forWriting: false, environment: ProcessInfo.processInfo.environment, note: Terminal.note)
        let target = try Archive.open(at: URL(fileURLWithPath: to))
        if case .readOnly(let reason) = target.access { throw CLIError(description: reason) }
        let lock = try ArchiveLock.acquire(target, purpose: "copy")
        defer { withExtendedLifetime(lock) {} }
        var summary = Summary(target: to)
        let tasks = try await source.taskRowIDsForCopy()
        summary.tasks = tasks.count
        let progress = ProgressDisplay(enabled: !json && Terminal.stderrIsTerminal)
        let forgotten = Set(try await target.tombstones().map(\.key))
        for (index, id) in tasks.enumerated() {
            let task = try await source.copiedTask(id)
            guard !forgotten.contains(task.tombstoneKey) else {
                summary.forgotten += 1
                continue
            }
            let copied = try await target.replace(task) { hash in
                let writer = try target.blobs.makeWriter()
                do {
                    try await source.readBlob(hash) { try writer.append($0) }
                    let blob = try writer.finish(expectedHash: hash)
                    summary.blobBytes += blob.isNew ? blob.size : 0
                    return blob
                } catch {
                    writer.discard()
                    throw error
                }
            }
            if copied { summary.copied += 1 } else { summary.unchanged += 1 }
            progress.update("copying \(index + 1)/\(tasks.count) tasks, \(Status.bytes(summary.blobBytes)) of files")
        }
        for (account, cursor) in try await source.syncCursorsForCopy() { try target.replaceCursor(account: account, cursor: cursor) }
        try await Self.carryTombstones(from: source, to: target)
        progress.finish()
        return summary
    }
}
