import ArchiveStore
import ArchiveSync
import ArgumentParser
import Foundation
import SigmicAPI

struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Mirror every new or changed task into the archive; follow running tasks for a while.",
        discussion: """
            Reads the task list newest activity first and stops once it is past what the archive already \
            has. Changed tasks are fetched (details, history, artifacts); running ones are followed live \
            for up to --wait seconds and pick up where they left off next time. Safe to interrupt at any \
            moment: rerun it and nothing is lost or duplicated.
            """)

    @OptionGroup var archiveOptions: ArchiveOptions
    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Read every page, and mark tasks that vanished remotely as missing (they are kept).")
    var full = false
    @Option(name: .customLong("task"), help: ArgumentHelp("Sync only this task (repeatable).", valueName: "id"))
    var tasks: [String] = []
    @OptionGroup var fetching: FetchOptions
    @Option(help: "Seconds to follow running tasks before detaching.")
    var wait = 10.0
    @Flag(help: "Print the summary as JSON.")
    var json = false
    @Option(help: ArgumentHelp("Outbox items queued more than this many days ago are not sent (see `outbox`).", valueName: "days"))
    var outboxExpiry = OutboxPlan.defaultExpiry / 86400

    func validate() throws {
        try NumberOption.check(wait, option: "--wait", in: 0...NumberOption.week, unit: "seconds")
        try NumberOption.check(outboxExpiry, option: "--outbox-expiry", in: Double.leastNonzeroMagnitude...36500, unit: "days")
    }

    func run() async throws {
        try await HTTPClientBox.with(connectionsPerHost: fetching.connectionsPerHost) { http in
            let client = try connection.makeClient(http: http)
            // Check the key before touching the archive: a wrong key writes nothing.
            let requestsBefore = client.requestCount
            let first: TaskPage?
            do {
                first = tasks.isEmpty ? try await client.listTasks(limit: 100, offset: 0) : nil
            } catch {
                throw CLIError(description: Self.explain(error, baseURL: connection.resolvedBaseURL))
            }
            let archive = try await archiveOptions.openWritable()
            let lock = try archive.claimWriter(purpose: "sync")
            defer { withExtendedLifetime(lock) {} }
            // What was done offline goes first, in order; this sync then archives what it did.
            let outbox = try await Self.sendOutbox(archive: archive, client: client, baseURL: connection.resolvedBaseURL, quiet: json,
                                                   expiryDays: outboxExpiry)
            let display = ProgressDisplay(enabled: Terminal.stderrIsTerminal && !json)
            let engine = SyncEngine(archive: archive, client: client) { display.update($0) }
            var options = SyncEngine.Options()
            options.full = full
            options.taskIDs = tasks
            fetching.apply(to: &options)
            options.wait = wait
            var report: SyncReport
            do {
                report = try await engine.run(options, firstPage: outbox.sent.isEmpty ? first : nil)
                report.requests = client.requestCount - requestsBefore
            } catch let error as SigmicAPIError {
                display.finish()
                throw CLIError(description: Self.explain(error, baseURL: connection.resolvedBaseURL))
            }
            display.finish()
            if json {
                try Terminal.printJSON(report)
            } else {
                Terminal.print(Self.summary(report))
            }
            if !report.failures.isEmpty {
                for failure in report.failures { Terminal.note("task \(failure.taskId) not synced: \(failure.error)") }
                throw CLIError(description: "\(report.failures.count) task(s) could not be synced; rerun `sigmic-archive sync` to retry them")
            }
        }
    }

    /// Sends the outbox before a sync and says what it did (on stderr, so `--json` stays one document).
    static func sendOutbox(archive: any WritableArchive, client: SigmicClient, baseURL: String, quiet: Bool,
                           expiryDays: Double = OutboxPlan.defaultExpiry / 86400) async throws -> OutboxSender.Report {
        let report: OutboxSender.Report
        do {
            var sender = OutboxSender(archive: archive, client: client)
            sender.expiry = expiryDays * 86400
            report = try await sender.send()
        } catch {
            throw CLIError(description: explain(error, baseURL: baseURL))
        }
        let touched = report.sent.count + report.stale.count + report.failed.count + report.expired.count + report.waiting
        if touched > 0 && !quiet { Terminal.note(Outbox.summary(report)) }
        return report
    }

    static func explain(_ error: SigmicAPIError, baseURL: String) -> String {
        switch error.kind {
        case .auth: return "the API rejected the key (\(error.code ?? "HTTP \(error.status ?? 401)")): check SIGMIC_API_KEY; nothing was written"
        case .decoding: return "\(baseURL) does not look like the Sigmic API: \(error.message)"
        default: return error.description
        }
    }

    static func explain(_ error: any Error, baseURL: String) -> String {
        if let error = error as? SigmicAPIError { return explain(error, baseURL: baseURL) }
        return String(describing: error)
    }

    static func summary(_ report: SyncReport) -> String {
        var parts = ["\(report.tasks.new) new", "\(report.tasks.updated) updated", "\(report.tasks.unchanged) unchanged"]
        if report.tasks.failed > 0 { parts.append("\(report.tasks.failed) failed") }
        if report.live > 0 { parts.append("\(report.live) still running") }
        return "Synced: " + parts.joined(separator: ", ")
            + "; \(report.messages) messages, \(report.events) events, \(report.artifacts.downloaded) artifacts (\(Status.bytes(report.artifacts.bytes)))"
            + String(format: "; %d requests in %.1f s", report.requests, report.seconds)
    }
}
