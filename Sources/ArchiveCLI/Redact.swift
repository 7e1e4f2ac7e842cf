import ArchiveStore
import ArgumentParser
import Foundation
import Redaction
import Synchronization

struct Redact: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redact",
        abstract: "Find secrets the archive holds (API keys, tokens, private keys) — listed, never printed.",
        discussion: """
            --scan reads every text the archive keeps from the server (task fields and raw JSON, messages, \
            thoughts, tool calls, stream events, and stored files up to 64 MiB) and lists each secret found: the task, where it is, the rule \
            that matched and a short fingerprint (the first 8 hex digits of its SHA-256), never the secret. \
            The rules are high-confidence shapes only: Sigmic, AWS, GitHub, Slack, Stripe, Google and AI \
            provider keys, private-key blocks, JWTs, and long values of NAME_KEY= / NAME_TOKEN= style \
            assignments. This version lists what it finds; it does not remove it yet.
            """)

    @OptionGroup var options: ArchiveOptions

    @Flag(help: "List the secrets found (required for now).")
    var scan = false

    @Flag(help: "Print the findings as JSON.")
    var json = false

    func validate() throws {
        guard scan else { throw ValidationError("give --scan: listing what is found is what redact does so far") }
    }

    /// Files are scanned whole, in memory; larger ones are named as not scanned.
    static let largestScannedFile: Int64 = 64 << 20

    func run() async throws {
        let archive = try await options.openReader()
        let tally = Mutex(ScanTally())
        try await archive.eachText { text in
            let found = SecretScanner.findings(in: text.text)
            tally.withLock { $0.add(text, found) }
        }
        for file in try await archive.storedFiles() {
            guard let hash = file.artifact.blobHash else { continue }
            guard (file.artifact.size ?? 0) <= Self.largestScannedFile else {
                tally.withLock { $0.skipped.append(file.artifact.path) }
                continue
            }
            var bytes: [UInt8] = []
            try await archive.readBlob(hash) { bytes.append(contentsOf: $0) }
            // Read as UTF-8: a secret is ASCII, and what is not text around it stays as it was.
            let text = ArchivedText(taskID: file.taskID, task: file.task,
                                    place: .artifact(row: file.artifact.rowID.rawValue, path: file.artifact.path),
                                    text: String(decoding: bytes, as: UTF8.self))
            let found = SecretScanner.findings(in: text.text)
            tally.withLock { $0.add(text, found) }
        }
        let result = tally.withLock { $0 }
        for path in result.skipped { Terminal.note("not scanned, larger than 64 MiB: \(path)") }
        if json {
            try Terminal.printJSON(result.findings)
        } else {
            for finding in result.findings {
                Terminal.print("\(finding.task.prefix(8))  \(finding.whereFound.padding(toLength: 36, withPad: " ", startingAt: 0))  "
                               + "\(finding.rule.padding(toLength: 18, withPad: " ", startingAt: 0))  \(finding.fingerprint)")
            }
        }
        let tasks = Set(result.findings.map(\.task)).count
        Terminal.note("\(result.findings.count) secret\(result.findings.count == 1 ? "" : "s") in \(tasks) task\(tasks == 1 ? "" : "s") "
                      + "(\(result.texts) texts, \(Status.bytes(Int64(result.bytes))) scanned)")
    }
}

private struct ScanTally {
    var texts = 0
    var bytes = 0
    var findings: [SecretFindingEntry] = []
    var skipped: [String] = []

    mutating func add(_ text: ArchivedText, _ found: [SecretFinding]) {
        texts += 1
        bytes += text.text.utf8.count
        findings += found.map { SecretFindingEntry(text, $0) }
    }
}

/// One finding as `redact --scan --json` prints it (README, "Secrets"): where, which rule, the fingerprint.
struct SecretFindingEntry: Encodable, Sendable {
    let task: String
    /// `task` (a column of the task's row), `message`, `event` or `artifact`.
    let kind: String
    /// The column for a task or a message.
    let field: String?
    let message: String?
    let session: Int64?
    let seq: Int?
    /// The artifact's path.
    let path: String?
    let rule: String
    let fingerprint: String

    init(_ text: ArchivedText, _ finding: SecretFinding) {
        task = text.taskID
        rule = finding.rule.rawValue
        fingerprint = finding.fingerprint
        switch text.place {
        case .task(let column):
            (kind, field, message, session, seq, path) = ("task", column.rawValue, nil, nil, nil, nil)
        case .message(_, let remoteID, let column):
            (kind, field, message, session, seq, path) = ("message", column.rawValue, remoteID, nil, nil, nil)
        case .event(_, let eventSession, let eventSeq):
            (kind, field, message, session, seq, path) = ("event", nil, nil, eventSession, eventSeq, nil)
        case .artifact(_, let artifactPath):
            (kind, field, message, session, seq, path) = ("artifact", nil, nil, nil, nil, artifactPath)
        }
    }

    /// For a person: `message m-12 content`, `task raw_get_json`, `event 3:41`.
    var whereFound: String {
        switch kind {
        case "message": "message \(message ?? "?") \(field ?? "")"
        case "event": "event \(session ?? 0):\(seq ?? 0)"
        case "artifact": "artifact \(path ?? "")"
        default: "task \(field ?? "")"
        }
    }
}
