import ArchiveExport
import ArchiveStore
import ArgumentParser
import Foundation

struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print one task's whole conversation from the archive (offline).",
        discussion: """
            ID may be any unique prefix of a task id, as with git. Long tool arguments and outputs are \
            folded to a few lines unless --full is given.
            """)

    @OptionGroup var options: ArchiveOptions

    @Argument(help: "The task id or a unique prefix of it.")
    var id: String
    @Flag(help: "Print long tool arguments and outputs in full.")
    var full = false
    @Flag(help: "Add the raw stream-event log, in arrival order.")
    var events = false
    @Flag(help: "Print the task, messages, artifacts (and events) as JSON.")
    var json = false

    func run() async throws {
        let archive = try await options.openReader()
        if let outboxID = QueuedTask.outboxID(in: id) {
            try await showQueued(outboxID, in: archive)
            return
        }
        let task = try await archive.task(matching: id)
        let transcript = try await Transcript.load(task, from: archive, events: events)
        if json {
            Terminal.print(Documents.transcript(transcript))
        } else {
            Terminal.print(Self.render(transcript, full: full, style: Style(colour: Terminal.useColour)))
        }
    }

    /// A request waiting in the outbox: what will be sent, and its state.
    func showQueued(_ outboxID: Int64, in archive: any ArchiveReader) async throws {
        guard let item = try await archive.outbox(account: nil, states: nil).first(where: { $0.id == outboxID }) else {
            throw CLIError(description: "no outbox item #\(outboxID)")
        }
        if json {
            try Terminal.printJSON(OutboxEntry(item))
            return
        }
        var lines = ["\(QueuedTask.id(of: item.id))  (local: \(item.state == .sent ? "sent" : "queued, not sent yet"))",
                     "State       \(item.state.rawValue)" + (item.note.map { " (\($0))" } ?? ""),
                     "Queued      \(item.queuedAt)", "Account     \(item.accountBaseURL)"]
        if let taskID = item.taskID { lines.append("Task        \(taskID)") }
        if let remoteID = item.remoteID { lines.append("Sent as     \(remoteID)") }
        if let prompt = item.systemPrompt { lines.append("System      \(prompt)") }
        for file in item.files { lines.append("File        \(file.filename) (\(file.contentType))") }
        if let message = item.message { lines += ["", message] }
        Terminal.print(lines.joined(separator: "\n"))
    }

    /// Bold and dim on a colour terminal, nothing otherwise.
    struct Style {
        let colour: Bool
        func bold(_ text: String) -> String { colour ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
        func dim(_ text: String) -> String { colour ? "\u{1B}[2m\(text)\u{1B}[0m" : text }
    }

    static let foldLines = 8
    static let foldCharacters = 1_000

    static func render(_ transcript: Transcript, full: Bool, style: Style) -> String {
        let task = transcript.task
        var out: [String] = []
        out.append(style.bold(transcript.title))
        out.append("Task        \(task.remoteID)")
        out.append("Status      \(task.status)" + (task.remoteState == .missing ? " (no longer on the server; kept here)" : ""))
        out.append("Created     \(time(task.createdAt))")
        if let started = task.startedAt { out.append("Started     \(time(started))") }
        if let completed = task.completedAt { out.append("Completed   \(time(completed))") }
        out.append("Activity    \(time(task.lastActivityAt))")
        out.append("Account     \(task.accountBaseURL)")
        if let prompt = task.systemPrompt, !prompt.isEmpty {
            out.append("System      " + indentContinuation(prompt, by: 12))
        }
        if let env = task.envJSON, let tree = try? JSONTree.parse(env), case .object(let members) = tree, !members.isEmpty {
            out.append("Env         " + members.map { "\($0.key)=\($0.value.stringValue ?? $0.value.compact)" }.joined(separator: " "))
        }
        if let error = task.error, !error.isEmpty { out.append("Error       \(error)") }
        if let pending = task.pendingApprovalsJSON, let items = (try? JSONTree.parse(pending))?.arrayValue, !items.isEmpty {
            for item in items {
                out.append("Approval    \(item["toolName"]?.stringValue ?? "?") \(item["args"]?.compact ?? "")  (call \(item["callId"]?.stringValue ?? "?"))")
            }
        }

        for message in transcript.messages {
            out.append("")
            out.append(style.bold("── \(message.stored.role) · \(time(message.stored.createdAt))"))
            for file in message.attachedFiles {
                out.append("  attached \(file.name)" + (file.path.map { $0 == file.name ? "" : " (\($0))" } ?? ""))
            }
            for thought in message.thoughts {
                let text = [thought.subject, thought.description].filter { !$0.isEmpty }.joined(separator: ": ")
                out.append(style.dim("  thought: " + indentContinuation(fold(text, full: full), by: 11)))
            }
            for call in message.toolCalls {
                var line = "  tool \(call.toolName)"
                if let status = call.status { line += " [\(status)]" }
                out.append(line)
                if let args = call.args {
                    let text = args.compact.count <= 100 ? args.compact : args.pretty
                    out.append("    args   " + indentContinuation(fold(text, full: full), by: 11))
                }
                if let output = call.output {
                    out.append("    output " + indentContinuation(fold(output, full: full), by: 11))
                }
            }
            if !message.stored.content.isEmpty {
                out.append(message.stored.content)
            }
        }

        if !transcript.artifacts.isEmpty {
            out.append("")
            out.append(style.bold("Artifacts (\(transcript.artifacts.count))"))
            for artifact in transcript.artifacts {
                var line = "  \(artifact.path)"
                if let size = artifact.size { line += "  " + Status.bytes(size) }
                if let mime = artifact.mimeType { line += "  " + mime }
                if artifact.isStored, let hash = artifact.blobHash {
                    line += "  stored sha256:\(hash.hex.prefix(12))"
                } else {
                    line += "  " + (artifact.fetchState == .failed
                        ? "failed after \(artifact.fetchFailures) syncs: \(artifact.fetchError ?? "?")" : "not downloaded")
                }
                if artifact.remoteState == .missing { line += "  (gone from the server)" }
                out.append(line)
            }
        }

        if let events = transcript.events {
            out.append("")
            out.append(style.bold("Events (\(events.count))"))
            var session: AttachSessionID?
            for event in events {
                if event.session != session {
                    session = event.session
                    out.append("  session \(event.session.rawValue)")
                }
                out.append("    \(String(format: "%4d", event.seq))  \(time(event.receivedAt))  \(event.type)  "
                           + fold(event.data, full: full).replacingOccurrences(of: "\n", with: "\\n"))
            }
        }
        return out.joined(separator: "\n")
    }

    static func time(_ timestamp: String) -> String { MarkdownRenderer.utc(timestamp) }

    /// Long text cut to a few lines, saying how much was left out.
    static func fold(_ text: String, full: Bool) -> String {
        guard !full else { return text }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var kept = lines.prefix(foldLines).joined(separator: "\n")
        if kept.count > foldCharacters { kept = String(kept.prefix(foldCharacters)) }
        guard kept.count < text.count else { return text }
        let hiddenLines = lines.count - kept.split(separator: "\n", omittingEmptySubsequences: false).count
        let note = hiddenLines > 0 ? "\(hiddenLines) more lines" : "\(text.count - kept.count) more characters"
        return kept + "\n… \(note) (--full shows all)"
    }

    static func indentContinuation(_ text: String, by columns: Int) -> String {
        text.replacingOccurrences(of: "\n", with: "\n" + String(repeating: " ", count: columns))
    }
}
