import ArchivePostgres
import ArchiveStore
import ArgumentParser
import Foundation

struct Copy: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy an archive folder into a PostgreSQL archive (a team archive).",
        discussion: """
            Every task with its messages, live-event log and artifacts (the files too, in the database), \
            and each account's sync cursor. Each task is copied in one transaction, so an interrupted \
            copy leaves every task whole or untouched; run it again to finish: tasks already copied \
            unchanged are skipped, changed ones replaced. The source is only read (a sync may run \
            meanwhile) and must have no unsent outbox items (send or drop them first). The password \
            comes from PGPASSWORD or ~/.pgpass, never from the URL.
            """)

    @Option(help: ArgumentHelp("The archive folder to copy.", valueName: "dir"))
    var from: String
    @Option(help: ArgumentHelp("The PostgreSQL archive: postgres://USER@HOST:PORT/DATABASE.", valueName: "url"))
    var to: String
    @Flag(help: "Print a JSON summary.")
    var json = false

    func validate() throws {
        guard !PostgresLocation.isPostgresURL(from) else {
            throw ValidationError("--from must be an archive folder (copying out of PostgreSQL is not built yet)")
        }
        guard PostgresLocation.isPostgresURL(to) else { throw ValidationError("--to must be postgres://USER@HOST:PORT/DATABASE") }
    }

    struct Summary: Encodable {
        let target: String
        var tasks = 0
        var copied = 0
        var unchanged = 0
        var blobBytes: Int64 = 0
    }

    func run() throws {
        let source = try Archive.openReadOnly(at: URL(fileURLWithPath: from))
        let unsent = try source.unsentOutboxCount()
        guard unsent == 0 else {
            throw CLIError(description: "\(from) has \(unsent) outbox item(s) not sent; `sigmic-archive outbox send` or `outbox drop` them first")
        }
        let target = try ArchiveOptions.openPostgres(to)
        var summary = Summary(target: target.location.display)
        let tasks = try source.taskRowIDsForCopy()
        summary.tasks = tasks.count
        let progress = ProgressDisplay(enabled: !json && Terminal.stderrIsTerminal)
        for (index, id) in tasks.enumerated() {
            switch try target.replace(try source.copiedTask(id), blobFile: { source.blobs.url(for: $0) }) {
            case .copied(let bytes):
                summary.copied += 1
                summary.blobBytes += bytes
            case .unchanged:
                summary.unchanged += 1
            }
            progress.update("copying \(index + 1)/\(tasks.count) tasks, \(Status.bytes(summary.blobBytes)) of files")
        }
        for (account, cursor) in try source.syncCursorsForCopy() { try target.replaceCursor(account: account, cursor: cursor) }
        progress.finish()
        if json {
            try Terminal.printJSON(summary)
        } else {
            Terminal.print("Copied \(summary.copied) of \(summary.tasks) tasks (\(summary.unchanged) already there unchanged), "
                           + "\(Status.bytes(summary.blobBytes)) of files, to \(summary.target)")
        }
    }
}
