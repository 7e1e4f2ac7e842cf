import ArchiveExport
import ArchiveStore

/// A transcript cut into pages an agent can take in: each page stays within `maxChars`, a message
/// longer than a page is split across pages, and each page ends by saying exactly which arguments
/// fetch the next one. Pure: the same transcript and position give the same page.
struct TranscriptPages {
    /// Where a page starts: a message (0-based; `messages.count` is the artifact list) and a character
    /// offset inside it.
    struct Position: Equatable, Sendable {
        var message: Int
        var character: Int
    }

    struct Page: Equatable, Sendable {
        var text: String
        /// Where the next page starts, or nil on the last page.
        var next: Position?
    }

    /// The parts of the document in order: the task's facts, each message, the artifact list.
    let header: String
    let messages: [String]
    let artifacts: String

    init(header: String, messages: [String], artifacts: String) {
        self.header = header
        self.messages = messages
        self.artifacts = artifacts
    }

    init(_ transcript: Transcript) {
        let task = transcript.task
        var facts = ["# " + transcript.title, "", "- Task: \(task.remoteID)", "- Status: \(task.status.rawValue)",
                     "- Created: \(task.createdAt)", "- Last activity: \(task.lastActivityAt)",
                     "- Messages: \(transcript.messages.count)"]
        if let prompt = task.systemPrompt, !prompt.isEmpty { facts.append("- System prompt: \(prompt)") }
        if let error = task.error, !error.isEmpty { facts.append("- Error: \(error)") }
        header = facts.joined(separator: "\n") + "\n\n"
        messages = transcript.messages.enumerated().map { index, message in
            "<!-- message \(index) -->\n" + MarkdownRenderer.message(message) + "\n\n"
        }
        artifacts = transcript.artifacts.isEmpty ? "" : "## Artifacts\n\n" + transcript.artifacts.map { artifact in
            "- \(artifact.path) — \(artifact.size.map { "\($0) bytes" } ?? "size unknown"), " +
                (artifact.isStored ? "sha256 \(artifact.blobHash?.hex ?? "")" : "not downloaded")
        }.joined(separator: "\n") + "\n"
    }

    /// The part at `index`: a message, or the artifact list after the last one.
    private func part(_ index: Int) -> String {
        index < messages.count ? messages[index] : artifacts
    }

    func page(from start: Position, maxChars: Int) -> Page {
        var text = start == Position(message: 0, character: 0) ? header : ""
        var position = start
        while position.message <= messages.count {
            let whole = part(position.message)
            let rest = whole.dropFirst(position.character)
            let room = maxChars - text.count
            if rest.count <= room {
                text += rest
                position = Position(message: position.message + 1, character: 0)
                continue
            }
            // Split a part only when it would not fit on a page of its own, or when the page is still
            // mostly empty; otherwise it starts the next page whole.
            if whole.count > maxChars || text.count < maxChars / 2 {
                let taken = max(1, room)
                text += rest.prefix(taken)
                position.character += taken
            }
            break
        }
        guard position.message <= messages.count else { return Page(text: text, next: nil) }
        return Page(text: text, next: position)
    }
}
