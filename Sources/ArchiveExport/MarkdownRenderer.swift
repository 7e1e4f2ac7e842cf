import ArchiveStore
public import Foundation

/// Renders a transcript as one Markdown document: YAML front matter, `# Title`, one `##` section per
/// message (role and UTC time), thoughts in `<details>` blocks, tool calls with their arguments and
/// outputs in fenced blocks, attached files, and the task's artifacts. The output depends only on the
/// transcript (no clock, no locale), so the same archive always exports the same bytes.
public enum MarkdownRenderer {
    /// Bumped when the layout changes, so readers of exports can tell versions apart.
    public static let formatVersion = "sigmic-archive-markdown/1"

    /// `links` maps an artifact path (its UTF-8 bytes: NFC and NFD spellings are different files) to the
    /// relative path of its exported copy (with `--with-artifacts`); others are named but not linked.
    public static func render(_ transcript: Transcript, links: [Data: String] = [:]) -> String {
        let task = transcript.task
        var out: [String] = ["---"]
        func field(_ key: String, _ value: String?) {
            out.append("\(key): " + (value.map(MarkdownText.yamlString) ?? "null"))
        }
        field("id", task.remoteID)
        field("title", transcript.title)
        field("status", task.status.rawValue)
        field("createdAt", task.createdAt)
        field("startedAt", task.startedAt)
        field("completedAt", task.completedAt)
        field("lastActivityAt", task.lastActivityAt)
        out.append("messageCount: " + String(task.messageCount ?? transcript.messages.count))
        field("systemPrompt", task.systemPrompt)
        field("account", task.accountBaseURL)
        if transcript.artifacts.isEmpty {
            out.append("artifacts: []")
        } else {
            out.append("artifacts:")
            for artifact in transcript.artifacts {
                out.append("  - path: " + MarkdownText.yamlString(artifact.path))
                out.append("    size: " + (artifact.size.map(String.init) ?? "null"))
                out.append("    sha256: " + (artifact.blobHash.map { MarkdownText.yamlString($0.hex) } ?? "null"))
            }
        }
        field("exporter", formatVersion)
        out.append("---")
        out.append("")
        out.append("# " + MarkdownText.escapedInline(transcript.title))

        if let error = task.error, !error.isEmpty {
            out.append("")
            out.append("> **Error:** " + MarkdownText.escapedInline(error))
        }

        for message in transcript.messages {
            out.append("")
            out.append(self.message(message, links: links))
        }

        if !transcript.artifacts.isEmpty {
            out.append("")
            out.append("## Artifacts")
            out.append("")
            for artifact in transcript.artifacts {
                var line = "- " + reference(name: artifact.path, path: artifact.path, link: links[Data(artifact.path.utf8)])
                var facts: [String] = []
                if let size = artifact.size { facts.append("\(size) bytes") }
                if let mime = artifact.mimeType { facts.append(MarkdownText.escapedInline(mime)) }
                if let hash = artifact.blobHash, artifact.isStored {
                    facts.append("sha256 `\(hash.hex)`")
                } else {
                    facts.append(artifact.removedReason.map(MarkdownText.escapedInline) ?? "not downloaded")
                }
                line += " — " + facts.joined(separator: ", ")
                out.append(line)
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// One message's section: `## Role · time`, its thoughts, tool calls, text and attached files.
    public static func message(_ message: Transcript.Message, links: [Data: String] = [:]) -> String {
        var out: [String] = []
        out.append("## " + MarkdownText.escapedInline(message.stored.role.capitalized) + " · " + utc(message.stored.createdAt))
        for thought in message.thoughts {
            out.append("")
            out.append("<details>")
            out.append("<summary>Thought: " + htmlEscaped(thought.subject.isEmpty ? "(untitled)" : thought.subject) + "</summary>")
            out.append("")
            out.append(MarkdownText.embeddable(thought.description))
            out.append("")
            out.append("</details>")
        }
        for call in message.toolCalls {
            out.append("")
            out.append("**Tool call** `" + inlineCode(call.toolName) + "`" + (call.status.map { " (\(MarkdownText.escapedInline($0)))" } ?? ""))
            if let args = call.args {
                out.append("")
                out.append(MarkdownText.fenced(args.pretty, info: "json"))
            }
            if let output = call.output {
                out.append("")
                out.append("Output:")
                out.append("")
                out.append(MarkdownText.fenced(output, info: "text"))
            }
        }
        if !message.stored.content.isEmpty {
            out.append("")
            out.append(MarkdownText.embeddable(message.stored.content))
        }
        if !message.attachedFiles.isEmpty {
            out.append("")
            let names = message.attachedFiles.map { file -> String in
                let path = file.path ?? file.name
                return reference(name: file.name, path: path, link: links[Data(path.utf8)])
            }
            out.append("Attached: " + names.joined(separator: ", "))
        }
        return out.joined(separator: "\n")
    }

    /// `name` as a link to its exported copy, or as literal text when there is none.
    static func reference(name: String, path: String, link: String?) -> String {
        let text = MarkdownText.escapedInline(name)
        guard let link else { return text }
        return "[" + text + "](" + MarkdownText.linkDestination(link) + ")"
    }

    /// `2026-01-26T15:50:54.870Z` -> `2026-01-26 15:50:54 UTC` (also what `show` prints).
    public static func utc(_ timestamp: String) -> String {
        timestamp.count >= 19 ? String(timestamp.prefix(10)) + " " + String(timestamp.dropFirst(11).prefix(8)) + " UTC" : timestamp
    }

    static func htmlEscaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\n", "\r": out += " "
            default: out.append(character)
            }
        }
        return out
    }

    /// Text for a one-backtick code span: backticks and newlines would end or break it.
    static func inlineCode(_ text: String) -> String {
        String(text.map { $0 == "`" ? "'" : ($0.isNewline ? " " : $0) })
    }
}

extension String {
    /// First letter upper-cased (roles are lower-case ASCII words).
    var capitalized: String { prefix(1).uppercased() + dropFirst() }
}
