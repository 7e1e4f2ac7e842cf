import ArchiveStore
import ArgumentParser
import Foundation

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "List what redact, forget and retention removed: when, which command, how much — never the text.",
        discussion: """
            One line per run, oldest first: when it committed, the command (a text given to --text is \
            never recorded), the tasks it touched, the findings or rows it removed, the bytes, and the \
            rules that matched.
            """)

    @OptionGroup var options: ArchiveOptions

    @Flag(help: "Print the entries as JSON.")
    var json = false

    func run() async throws {
        let archive = try await options.openReader()
        let entries = try await archive.auditLog()
        if json {
            try Terminal.printJSON(entries.map(AuditLine.init))
            return
        }
        if entries.isEmpty { Terminal.note("nothing has been removed from this archive") }
        for entry in entries {
            let record = entry.record
            var line = "\(entry.at)  \(record.command)  \(counted(record.tasks, "task")), "
                + "\(counted(record.findings, "finding")), \(Status.bytes(record.bytes))"
            if !record.rules.isEmpty { line += "  [\(record.rules.joined(separator: ", "))]" }
            if let detail = record.detail { line += "  \(detail)" }
            Terminal.print(line)
        }
    }
}

/// One audit entry as `audit --json` prints it (README, "Secrets").
struct AuditLine: Encodable {
    let at: String
    let command: String
    let tasks: Int
    let findings: Int
    let bytes: Int64
    let rules: [String]
    let detail: String?

    init(_ entry: AuditEntry) {
        (at, command, tasks, findings, bytes, rules, detail) =
            (entry.at, entry.record.command, entry.record.tasks, entry.record.findings, entry.record.bytes, entry.record.rules, entry.record.detail)
    }
}
