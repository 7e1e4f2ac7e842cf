import ArchiveStore
import ArchiveSync
import ArgumentParser
import Foundation
import Redaction

struct Redact: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redact",
        abstract: "Find and remove secrets (API keys, tokens, private keys) and texts you name — everywhere the archive keeps them.",
        discussion: """
            Every text the archive keeps from the server is read: task fields and raw JSON, messages, \
            thoughts, tool calls, stream events, and stored files up to 64 MiB. JSON is read string by \
            string, so a secret behind an escape is found and the JSON stays valid once it is replaced.

            --scan lists each secret found: the task, where it is, the rule that matched and a short \
            fingerprint (the first 8 hex digits of its SHA-256) — never the secret.
            --secrets replaces each one with [REDACTED:rule:fingerprint]; a binary file holding one is \
            dropped (its artifact says why, and no sync fetches it again). --text 'LITERAL' does the same \
            for a text you name (at least 2 characters). Then the old bytes are purged: search indexes \
            merged, free pages vacuumed, the WAL emptied, unlinked files deleted (PostgreSQL: VACUUM). \
            Each run is recorded in the audit (see `audit`), without the text removed.
            --on-sync keeps the secret rules in the archive: every later sync, watch, run, reply and \
            download removes secrets before it writes. --no-on-sync turns that off.

            Copies made before (backups, exports, a `copy` elsewhere) are out of reach: a leaked key must \
            still be rotated. The rules are listed in the README ("Secrets").
            """)

    @OptionGroup var options: ArchiveOptions

    @Flag(help: "List what is found; change nothing.")
    var scan = false

    @Flag(help: "Replace every secret the rules find.")
    var secrets = false

    @Option(name: .customLong("text"), help: ArgumentHelp("Replace this text wherever it occurs (repeatable).", valueName: "LITERAL"))
    var texts: [String] = []

    @Flag(inversion: .prefixedNo, help: "Keep the secret rules in the archive, so every later write removes secrets first.")
    var onSync: Bool?

    @Flag(help: "Print the findings (and, when removing, the totals) as JSON.")
    var json = false

    func validate() throws {
        if let short = texts.first(where: { $0.count < 2 }) {
            throw ValidationError("--text \(String(reflecting: short)) is too short: a text of fewer than 2 characters would match almost everywhere")
        }
        if scan && (secrets || onSync != nil) {
            throw ValidationError("--scan only lists; give it alone (with --text to list a text), or --secrets to remove")
        }
        if onSync == true && !secrets {
            throw ValidationError("--on-sync keeps the secret rules for later writes: give it with --secrets, which applies them now")
        }
        if onSync == true && !texts.isEmpty {
            throw ValidationError("--on-sync keeps only the secret rules: a named text kept in the archive would be the very text removed")
        }
        if !scan && !secrets && texts.isEmpty && onSync == nil {
            throw ValidationError("say what to do: --scan to list, --secrets or --text LITERAL to remove, --no-on-sync to stop removing on sync")
        }
    }

    func run() async throws {
        let sweep = SecretSweep(redactor: Redactor(secrets: scan || secrets, literals: texts))
        if scan {
            let archive = try await options.openReader()
            let result = try await sweep.scan(archive)
            report(result.notScanned)
            if json {
                try Terminal.printJSON(result.findings.map(SecretFindingEntry.init))
            } else {
                list(result.findings)
            }
            Terminal.note("\(counted(result.findings.count, "secret")) in \(counted(result.tasks, "task")) "
                          + "(\(result.texts) texts, \(Status.bytes(Int64(result.bytes))) scanned)")
            return
        }
        let archive = try await options.openExistingWritable()
        let lock = try archive.claimWriter(purpose: "redact")
        defer { withExtendedLifetime(lock) {} }
        let result = try await sweep.apply(to: archive, command: command, onSync: onSync)
        report(result.notScanned)
        if json {
            try Terminal.printJSON(RedactionSummary(result, onSync: onSync))
        } else {
            list(result.findings)
        }
        var line = "replaced \(counted(result.findings.count, "finding")) in \(counted(result.tasks, "task"))"
        line += " (\(counted(result.textsRewritten, "text")) rewritten"
        if result.filesRewritten > 0 { line += ", \(counted(result.filesRewritten, "file")) rewritten" }
        if !result.filesDropped.isEmpty { line += ", \(counted(result.filesDropped.count, "binary file")) dropped" }
        line += ")"
        if let purge = result.purge {
            line += "; purged: \(Status.bytes(purge.bytesBefore)) → \(Status.bytes(purge.bytesAfter))"
        }
        Terminal.note(line)
        if let onSync { Terminal.note(onSync ? "secrets are now removed on every sync" : "secrets are no longer removed on sync") }
        for problem in result.purge?.unfinished ?? [] { Terminal.note("not yet purged: \(problem)") }
    }

    /// What the audit records as the command: the flags, never a named text.
    var command: String {
        var words = ["redact"]
        if secrets { words.append("--secrets") }
        if !texts.isEmpty { words.append(texts.count == 1 ? "--text" : "--text ×\(texts.count)") }
        if let onSync { words.append(onSync ? "--on-sync" : "--no-on-sync") }
        return words.joined(separator: " ")
    }

    private func report(_ notScanned: [String]) {
        for path in notScanned { Terminal.note("not scanned, larger than 64 MiB: \(path)") }
    }

    private func list(_ findings: [SecretSweep.Located]) {
        for entry in findings.map(SecretFindingEntry.init) {
            Terminal.print("\(entry.task.prefix(8))  \(entry.whereFound.padding(toLength: 36, withPad: " ", startingAt: 0))  "
                           + "\(entry.rule.padding(toLength: 18, withPad: " ", startingAt: 0))  \(entry.fingerprint)")
        }
    }

}

/// What `redact --secrets --json` (or `--text`) prints: the findings replaced and the totals.
struct RedactionSummary: Encodable {
    let findings: [SecretFindingEntry]
    let tasks: Int
    let textsRewritten: Int
    let filesRewritten: Int
    let filesDropped: [String]
    let bytesRemoved: Int64
    let notScanned: [String]
    /// True or false when this run turned the on-sync rule on or off; absent when it was left as it was.
    let onSync: Bool?
    let purge: PurgeSummary?

    init(_ result: SecretSweep.Result, onSync: Bool?) {
        findings = result.findings.map(SecretFindingEntry.init)
        tasks = result.tasks
        textsRewritten = result.textsRewritten
        filesRewritten = result.filesRewritten
        filesDropped = result.filesDropped
        bytesRemoved = result.bytesRemoved
        notScanned = result.notScanned
        self.onSync = onSync
        purge = result.purge.map(PurgeSummary.init)
    }
}

/// One finding as `redact --json` prints it (README, "Secrets"): where, which rule, the fingerprint.
struct SecretFindingEntry: Encodable, Sendable {
    let task: String
    /// `task` (a column of the task's row), `message`, `event`, `artifact` or `outbox`.
    let kind: String
    /// The column for a task, a message or an outbox item.
    let field: String?
    let message: String?
    let session: Int64?
    let seq: Int?
    /// The artifact's path.
    let path: String?
    /// The outbox item's number.
    let outbox: Int64?
    let rule: String
    let fingerprint: String

    init(_ located: SecretSweep.Located) {
        let text = located.place
        task = text.taskID
        rule = located.finding.rule.rawValue
        fingerprint = located.finding.fingerprint
        if case .outbox(let row, _) = text.place { outbox = row } else { outbox = nil }
        switch text.place {
        case .task(let column):
            (kind, field, message, session, seq, path) = ("task", column.rawValue, nil, nil, nil, nil)
        case .message(_, let remoteID, let column):
            (kind, field, message, session, seq, path) = ("message", column.rawValue, remoteID, nil, nil, nil)
        case .event(_, let eventSession, let eventSeq, _):
            (kind, field, message, session, seq, path) = ("event", nil, nil, eventSession, eventSeq, nil)
        case .artifact(_, let artifactPath):
            (kind, field, message, session, seq, path) = ("artifact", nil, nil, nil, nil, artifactPath)
        case .outbox(_, let column):
            (kind, field, message, session, seq, path) = ("outbox", column.rawValue, nil, nil, nil, nil)
        }
    }

    /// For a person: `message m-12 content`, `task raw_get_json`, `event 3:41`.
    var whereFound: String {
        switch kind {
        case "message": "message \(message ?? "?") \(field ?? "")"
        case "event": "event \(session ?? 0):\(seq ?? 0)"
        case "artifact": "artifact \(path ?? "")"
        case "outbox": "outbox #\(outbox ?? 0) \(field ?? "")"
        default: "task \(field ?? "")"
        }
    }
}
