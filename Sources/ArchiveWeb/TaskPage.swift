import Foundation
import ArchiveExport
import ArchiveStore

/// `/tasks/ID`: the whole conversation. Messages are Markdown rendered by cmark-gfm (raw HTML off);
/// thoughts and tool calls fold into `<details>`, open when they hold the search hit the reader came
/// from; every message has an anchor; artifacts and the live-event log follow.
enum TaskPage {
    /// Events shown on the page at most; the whole log is at `/api/tasks/ID?events=1`.
    static let eventLimit = 2_000

    /// What the reader came from: a search hit's kind and message (`?hit=tool:msg-…`).
    struct Hit: Equatable, Sendable {
        var kind: String
        var messageID: String

        init?(_ text: String?) {
            guard let text, let colon = text.firstIndex(of: ":") else { return nil }
            kind = String(text[..<colon])
            messageID = String(text[text.index(after: colon)...])
        }
    }

    static func anchor(_ messageID: String) -> String {
        "m-" + HTML.urlComponent(messageID)
    }

    static func render(_ transcript: Transcript, hit: Hit?) -> String {
        let task = transcript.task
        var body = "<h1 dir=\"auto\">\(HTML.escape(transcript.title))</h1>\n" + meta(task)
        if let events = transcript.events, !events.isEmpty { body += player(taskID: task.remoteID) }
        for message in transcript.messages {
            body += self.message(message, hit: hit?.messageID == message.stored.remoteID ? hit : nil)
        }
        body += artifacts(transcript)
        if let events = transcript.events { body += self.events(events, taskID: task.remoteID) }
        return Layout.page(title: transcript.title, body: body)
    }

    static func meta(_ task: StoredTask) -> String {
        var rows: [(String, String)] = [
            ("Task", "<code>\(HTML.escape(task.remoteID))</code>"),
            ("Status", Layout.status(task.status.rawValue) + (task.remoteState == .missing ? " <span class=\"muted\">no longer on the server; kept here</span>" : "")),
            ("Created", Layout.time(task.createdAt)),
        ]
        if let completed = task.completedAt { rows.append(("Completed", Layout.time(completed))) }
        rows.append(("Last activity", Layout.time(task.lastActivityAt)))
        rows.append(("Account", HTML.escape(task.accountBaseURL)))
        if let prompt = task.systemPrompt, !prompt.isEmpty { rows.append(("System prompt", "<div dir=\"auto\">\(HTML.escape(prompt))</div>")) }
        if let error = task.error, !error.isEmpty { rows.append(("Error", HTML.escape(error))) }
        if let pending = task.pendingApprovalsJSON, let items = (try? JSONTree.parse(pending))?.arrayValue, !items.isEmpty {
            for item in items {
                let tool = item["toolName"]?.stringValue ?? "?"
                let call = item["callId"]?.stringValue ?? "?"
                rows.append(("Awaits approval", "<code>\(HTML.escape(tool))</code> \(HTML.escape(item["args"]?.compact ?? "")) " +
                             "<span class=\"muted\">— <code>sigmic-archive approve \(HTML.escape(String(task.remoteID.prefix(8)))) \(HTML.escape(call))</code></span>"))
            }
        }
        let items = rows.map { "<dt>\($0.0)</dt><dd>\($0.1)</dd>" }.joined(separator: "\n")
        return "<dl class=\"meta\">\n\(items)\n</dl>\n"
    }

    static func message(_ message: Transcript.Message, hit: Hit?) -> String {
        let stored = message.stored
        let id = anchor(stored.remoteID)
        var out = """
            <article class="msg \(HTML.escape(stored.role))" id="\(id)">
            <header><strong>\(HTML.escape(stored.role))</strong> \(Layout.time(stored.createdAt))\
            <a class="anchor" href="#\(id)" title="Link to this message">#</a></header>

            """
        if !message.attachedFiles.isEmpty {
            out += "<p class=\"muted\">Attached: " + message.attachedFiles.map { "<code>\(HTML.escape($0.path ?? $0.name))</code>" }
                .joined(separator: ", ") + "</p>\n"
        }
        if !message.thoughts.isEmpty {
            let open = hit?.kind == SearchQuery.Kind.thought.rawValue ? " open" : ""
            out += "<details class=\"thoughts\"\(open)><summary>Thoughts (\(message.thoughts.count))</summary>\n"
            for thought in message.thoughts {
                out += "<p dir=\"auto\"><strong>\(HTML.escape(thought.subject))</strong> \(HTML.escape(thought.description))</p>\n"
            }
            out += "</details>\n"
        }
        for call in message.toolCalls {
            let open = hit?.kind == SearchQuery.Kind.tool.rawValue ? " open" : ""
            let status = call.status.map { " " + Layout.status($0) } ?? ""
            out += "<details class=\"tool\"\(open)><summary>Tool <code>\(HTML.escape(call.toolName))</code>\(status)</summary>\n"
            if let args = call.args { out += "<pre><code>\(HTML.escape(args.pretty))</code></pre>\n" }
            if let output = call.output { out += "<p class=\"muted\">Output</p><pre><code>\(HTML.escape(output))</code></pre>\n" }
            out += "</details>\n"
        }
        if !stored.content.isEmpty {
            out += "<div class=\"md\" dir=\"auto\">\n\(MarkdownHTML.render(stored.content))</div>\n"
        }
        return out + "</article>\n"
    }

    static func artifacts(_ transcript: Transcript) -> String {
        guard !transcript.artifacts.isEmpty else { return "" }
        let rows = transcript.artifacts.map { artifact -> String in
            let name = HTML.escape(artifact.path)
            let link = artifact.isStored
                ? "<a href=\"/tasks/\(HTML.urlComponent(transcript.task.remoteID))/artifacts/\(HTML.urlPath(artifact.path))\">\(name)</a>"
                : name
            let why = artifact.removedReason.map(HTML.escape) ?? (artifact.fetchState == .failed ? "could not be downloaded" : "not downloaded")
            let state = artifact.isStored ? "" : " <span class=\"muted\">(\(why))</span>"
            let hash = artifact.isStored ? "<code>\(artifact.blobHash.map(\.hex) ?? "")</code>" : ""
            return "<tr><td class=\"title\">\(link)\(state)</td><td>\(Layout.bytes(artifact.size))</td>" +
                "<td class=\"optional\">\(HTML.escape(artifact.mimeType ?? ""))</td><td class=\"optional title\">\(hash)</td></tr>"
        }
        return """
            <section id="artifacts"><h2>Artifacts (\(transcript.artifacts.count))</h2>
            <table><thead><tr><th>Path</th><th>Size</th><th class="optional">Type</th><th class="optional">SHA-256</th></tr></thead>
            <tbody>
            \(rows.joined(separator: "\n"))
            </tbody></table></section>

            """
    }

    /// The replay player: its controls, drawn by the script (`WebAssets.playerJS`) from
    /// `/api/tasks/ID/events`, and hidden until then, so a page read without script shows no dead
    /// buttons. The screen is filled with text nodes only.
    static func player(taskID: String) -> String {
        let speeds = ["0.5", "1", "2", "4", "8"].map { "<option value=\"\($0)\"\($0 == "1" ? " selected" : "")>\($0)×</option>" }.joined()
        return """
            <section id="replay" class="player" hidden aria-labelledby="replay-title" data-events="/api/tasks/\(HTML.urlComponent(taskID))/events">
            <h2 id="replay-title">Replay</h2>
            <div class="controls">
            <button type="button" id="replay-play">Play</button>
            <label>Speed <select id="replay-speed">\(speeds)</select></label>
            <span id="replay-time" class="muted" aria-live="off">0:00 / 0:00</span>
            </div>
            <div class="track">
            <input type="range" id="replay-seek" min="0" max="0" step="0.01" value="0" aria-label="Position in the run">
            <div id="replay-marks" class="marks" role="group" aria-label="Tool calls"></div>
            </div>
            <pre id="replay-screen" class="screen" tabindex="0" aria-label="What the run showed, as it played"></pre>
            <p class="muted keys">Space plays and pauses; ← and → move 5 seconds; tool-call marks jump to their call.</p>
            </section>

            """
    }

    static func events(_ events: [StoredEvent], taskID: String) -> String {
        let shown = events.prefix(eventLimit).map { event in
            "<tr><td>\(event.session.rawValue)</td><td>\(event.seq)</td><td>\(Layout.time(event.receivedAt))</td>" +
                "<td><code>\(HTML.escape(event.type))</code></td><td class=\"title\"><code>\(HTML.escape(String(event.data.prefix(2_000))))</code></td></tr>"
        }
        let more = events.count > eventLimit
            ? "<p class=\"muted\">The first \(eventLimit) of \(events.count) events; all of them: " +
                "<a href=\"/api/tasks/\(HTML.urlComponent(taskID))?events=1\">JSON</a>.</p>" : ""
        return """
            <section id="events"><details><summary>Live-event log (\(events.count) events)</summary>
            \(more)<table><thead><tr><th>Session</th><th>#</th><th>Received</th><th>Type</th><th>Data</th></tr></thead>
            <tbody>
            \(shown.joined(separator: "\n"))
            </tbody></table></details></section>

            """
    }
}
