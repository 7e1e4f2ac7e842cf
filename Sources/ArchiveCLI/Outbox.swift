import ArchiveStore
import ArchiveSync
import ArgumentParser
import Foundation
import SigmicAPI

struct Outbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "What was done offline and waits to be sent: list it, send it now, or drop an item.",
        discussion: """
            `run`, `reply`, `approve` and `cancel` queue their request here when the API cannot be reached \
            (exit status 75). `sync` and `watch` send the outbox first, in order, each item exactly once, \
            then archive the results. Items queued more than \(Int(OutboxPlan.defaultExpiry / 86400)) days ago \
            are not sent by a sync: they wait, marked expired, until `outbox send --expired` or `outbox drop`.
            """,
        subcommands: [List.self, Send.self, Drop.self],
        defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the items that wait (with --all, every item).")

        @Flag(help: "Also list items sent, stale or failed.")
        var all = false
        @Flag(help: "Print a JSON array.")
        var json = false
        @OptionGroup var archiveOptions: ArchiveOptions

        func run() async throws {
            let archive = try await archiveOptions.openReader()
            let items = try await archive.outbox(account: nil, states: nil).filter { all || $0.state.isWaiting }
            if json {
                try Terminal.printJSON(items.map(OutboxEntry.init))
                return
            }
            if items.isEmpty {
                Terminal.print(all ? "The outbox is empty." : "Nothing waits to be sent.")
                return
            }
            for item in items { Terminal.print(Self.line(item)) }
        }

        static func line(_ item: OutboxItem) -> String {
            var what: String
            switch item.kind {
            case .create: what = "run \(String(reflecting: item.message ?? ""))"
            case .followUp: what = "reply \(item.taskID?.prefix(8) ?? "?") \(String(reflecting: item.message ?? ""))"
            case .approve: what = "approve \(item.taskID?.prefix(8) ?? "?") \(item.callID ?? "?")" + (item.outcome == "cancel" ? " --deny" : "")
            case .cancel: what = "cancel \(item.taskID?.prefix(8) ?? "?")"
            }
            if !item.files.isEmpty { what += " (+\(item.files.count) file\(item.files.count == 1 ? "" : "s"))" }
            var line = "#\(item.id)  \(item.state.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0))  \(item.queuedAt.prefix(16))  \(what)"
            if let remoteID = item.remoteID { line += "  → \(remoteID)" }
            if let note = item.note, item.state != .sent { line += "  (\(note))" }
            if let after = OutboxEntry.lookedForAfter(item) {
                line += "  (sending since \(Show.time(item.sendingAt ?? "")); if interrupted, looked for on the API after "
                    + "\(Show.time(after)) and sent again only if absent; later items of its task wait)"
            }
            return line
        }
    }

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "send", abstract: "Send what waits now, in order, then archive the results.")

        @Flag(help: "Send expired items too.")
        var expired = false
        @Option(help: ArgumentHelp("Items queued more than this many days ago count as expired.", valueName: "days"))
        var outboxExpiry = OutboxPlan.defaultExpiry / 86400
        @Option(help: ArgumentHelp("How long an interrupted request may still be handled by the server (default: the request timeout, 60 s); an item is looked for there, and sent again if absent, only after this.", valueName: "seconds"))
        var inFlight: Double?
        @Flag(help: "Print the result as JSON.")
        var json = false
        @OptionGroup var archiveOptions: ArchiveOptions
        @OptionGroup var connection: ConnectionOptions

        func validate() throws {
            try NumberOption.check(outboxExpiry, option: "--outbox-expiry", in: Double.leastNonzeroMagnitude...36500, unit: "days")
            if let inFlight { try NumberOption.check(inFlight, option: "--in-flight", in: 0...NumberOption.week, unit: "seconds") }
        }

        func run() async throws {
            let archive = try await archiveOptions.openWritable()
            let lock = try archive.claimWriter(purpose: "outbox send")
            defer { withExtendedLifetime(lock) {} }
            try await HTTPClientBox.with { http in
                let client = try connection.makeClient(http: http)
                let report = try await Outbox.send(archive: archive, client: client, includeExpired: expired, expiryDays: outboxExpiry,
                                                   inFlight: inFlight, baseURL: connection.resolvedBaseURL)
                if json { try Terminal.printJSON(report) } else { Terminal.print(Outbox.summary(report)) }
                if report.waiting > 0 { throw ExitCode(75) }
            }
        }
    }

    struct Drop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "drop", abstract: "Discard an item that has not been sent.")

        @Argument(help: "The item's number, as `outbox` lists it (#N).")
        var id: String
        @OptionGroup var archiveOptions: ArchiveOptions

        func run() async throws {
            guard let number = Int64(id.hasPrefix("#") ? String(id.dropFirst()) : id) else {
                throw CLIError(description: "\(String(reflecting: id)) is not an outbox item number")
            }
            let archive = try await archiveOptions.openWritable()
            let lock = try archive.claimWriter(purpose: "outbox drop")
            defer { withExtendedLifetime(lock) {} }
            guard try await archive.write({ try $0.dropOutboxItem(number) }) else {
                throw CLIError(description: "no outbox item #\(number) waits to be sent")
            }
            Terminal.print("dropped #\(number)")
        }
    }

    /// Sends the outbox and archives what the sent items did (the tasks they created or touched).
    static func send(archive: any WritableArchive, client: SigmicClient, includeExpired: Bool, expiryDays: Double, inFlight: Double?,
                     baseURL: String) async throws -> OutboxSender.Report {
        let report: OutboxSender.Report
        do {
            var sender = OutboxSender(archive: archive, client: client)
            sender.expiry = expiryDays * 86400
            if let inFlight { sender.inFlight = inFlight }
            report = try await sender.send(includeExpired: includeExpired)
        } catch {
            throw CLIError(description: Sync.explain(error, baseURL: baseURL))
        }
        let touched = try await archive.outbox(account: nil, states: nil).filter { report.sent.contains($0.id) }.compactMap { $0.remoteID ?? $0.taskID }
        if !touched.isEmpty {
            var options = SyncEngine.Options()
            options.taskIDs = Array(Set(touched)).sorted()
            options.wait = 0
            _ = try await SyncEngine(archive: archive, client: client).run(options)
        }
        return report
    }

    static func summary(_ report: OutboxSender.Report) -> String {
        var parts = ["\(report.sent.count) sent"]
        if !report.stale.isEmpty { parts.append("\(report.stale.count) stale (not sent)") }
        if !report.failed.isEmpty { parts.append("\(report.failed.count) refused by the server") }
        if !report.expired.isEmpty { parts.append("\(report.expired.count) expired") }
        if report.waiting > 0 { parts.append("\(report.waiting) still waiting") }
        var lines = ["Outbox: " + parts.joined(separator: ", ") + (report.stoppedBecause.map { " (\($0))" } ?? "")]
        for held in report.held {
            let behind = held.holding.isEmpty ? "" : "; " + held.holding.map { "#\($0)" }.joined(separator: ", ")
                + " of the same task wait\(held.holding.count == 1 ? "s" : "") behind it"
            lines.append("  #\(held.id) was interrupted mid-send and may still reach the API: it is looked for there after "
                         + "\(Show.time(held.lookedForAfter)), and sent again only if absent\(behind)")
        }
        return lines.joined(separator: "\n")
    }
}

/// An outbox item as `outbox --json` prints it. The key is never part of it.
struct OutboxEntry: Encodable {
    var id: Int64
    var kind: String
    var state: String
    var taskId: String?
    var message: String?
    var systemPrompt: String?
    var callId: String?
    var outcome: String?
    var files: [String]
    var queuedAt: String
    var sentAt: String?
    var remoteId: String?
    var note: String?
    /// For an item being sent (or interrupted mid-send): when it is looked for on the server, at the
    /// default in-flight window (`outbox send --in-flight` can change it).
    var lookedForAfter: String?

    init(_ item: OutboxItem) {
        id = item.id
        kind = item.kind.rawValue
        state = item.state.rawValue
        taskId = item.taskID
        message = item.message
        systemPrompt = item.systemPrompt
        callId = item.callID
        outcome = item.outcome
        files = item.files.map(\.filename)
        queuedAt = item.queuedAt
        sentAt = item.sentAt
        remoteId = item.remoteID
        note = item.note
        lookedForAfter = Self.lookedForAfter(item)
    }

    static func lookedForAfter(_ item: OutboxItem) -> String? {
        OutboxPlan.lookedForAfter(item, inFlight: SigmicClient.Configuration.defaultRequestTimeout).map(Timestamp.string)
    }
}
