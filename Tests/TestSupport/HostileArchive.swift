public import ArchiveStore
public import Foundation

/// The golden archive plus a task whose every field tries to run or hide something in a browser:
/// script and iframe tags, an `onerror` image, a `javascript:` link, bidi overrides, and artifacts that
/// are HTML, SVG with script, an image and a binary. `serve` must show all of it as text.
public enum HostileArchive {
    public static let taskID = "dddd4444-0000-4000-8000-00000000000d"
    public static let html = Data("<html><body><script>alert('artifact')</script>owned</body></html>".utf8)
    public static let svg = Data(#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert('svg')</script></svg>"#.utf8)
    /// The smallest valid PNG (1×1, transparent).
    public static let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")!
    public static let binary = Data([0, 1, 2, 3, 0xFF])
    /// Words found only in the hostile task's thought and tool output, for search tests.
    public static let thoughtWord = "zanzibarthought"
    public static let toolWord = "quokkatool"
    /// The hostile task's recorded stream: markup in every field a player shows, data that is not
    /// JSON, and two sessions an hour apart. Played at 1× it lasts 16.5 s (pauses capped at 2 s).
    public static let recordedSessions: [RecordedRun.Session] = [
        [
            (0, "status", #"{"status":"<b>processing</b>"}"#),
            (1.5, "thought", #"{"subject":"<img src=x onerror=alert('thought-event')>","description":"d"}"#),
            (3, "content", #"{"text":"<script>alert('screen')</script> ","isPartial":true}"#),
            (4.5, "tool_call", #"{"callId":"h9","toolName":"<img src=x onerror=alert('mark')>","status":"executing","args":{}}"#),
            (6, "tool_result", #"{"callId":"h9","status":"success","output":"<iframe>"}"#),
            (7.5, "content", "raw <b>not json</b>"),
            (9, "content", #"{"text":"\u001b]0;owned\u0007 escapes shown","isPartial":true}"#),
            (10.5, "done", #"{"finalResponse":"ok"}"#),
        ],
        [
            (3_610, "status", #"{"status":"processing"}"#),
            (3_611.5, "tool_call", #"{"callId":"h10","toolName":"grep","status":"executing","args":{}}"#),
            (3_613, "content", #"{"text":"second session","isPartial":false}"#),
            (3_614.5, "done", #"{"finalResponse":"second session"}"#),
        ],
    ]

    public static func create(at folder: URL) throws {
        try GoldenArchive.create(at: folder)
        let archive = try Archive.open(at: folder, now: { Date(timeIntervalSince1970: 1_769_600_000) })
        let blobs = try [html, svg, png, binary].map { try archive.blobs.store($0) }
        try archive.write { writer in
            let account = try writer.account(baseURL: "https://api.sigmic.ai", apiKey: Fixtures.apiKey)
            var task = Fixtures.task(taskID, message: "Render <b>this</b> & <script>alert('title')</script>",
                                     createdAt: "2026-04-01T09:00:00.000Z", messageCount: 2)
            task.systemPrompt = "<img src=x onerror=alert('prompt')>"
            let row = try writer.upsertListedTask(task, account: account)
            _ = try writer.upsertFetchedTask(task, account: account)
            let toolCalls = """
                [{"callId":"h1","toolName":"<script>alert('tool')</script>","status":"success","args":{"html":"</code></pre><script>alert('args')</script>"},"output":"\(toolWord): <iframe src=\\"javascript:alert('output')\\"></iframe>"}]
                """
            try writer.replaceHistory([
                Fixtures.message("msg-h1", role: "user", content: """
                    Render <b>this</b> & <script>alert('title')</script>

                    <img src=x onerror=alert('img')> <iframe src="https://example.com"></iframe>

                    [click me](javascript:alert('link')) and a file named \u{202E}gnp.exe\u{202C}
                    """, createdAt: "2026-04-01T09:00:00.000Z"),
                MessageSnapshot(remoteID: "msg-h2", role: "assistant", content: """
                    **Bold** and a table:

                    | a | b |
                    |---|---|
                    | <script>alert('cell')</script> | `<img src=x onerror=alert(1)>` |
                    """, createdAt: "2026-04-01T09:01:00.000Z",
                    thoughtsJSON: #"[{"subject":"<i>Plan</i>","description":"\#(thoughtWord) <script>alert('thought')</script>"}]"#,
                    toolCallsJSON: toolCalls, rawJSON: #"{"id":"msg-h2"}"#),
            ], task: row)
            let artifacts = try writer.upsertArtifacts([
                ArtifactSnapshot(path: "downloads/page.html", name: "page.html", size: Int64(html.count), mimeType: "text/html",
                                 category: "document", modifiedAt: "2026-04-01T09:01:00.000Z", rawJSON: "{}"),
                ArtifactSnapshot(path: "downloads/logo.svg", name: "logo.svg", size: Int64(svg.count), mimeType: "image/svg+xml",
                                 category: "image", modifiedAt: "2026-04-01T09:01:00.000Z", rawJSON: "{}"),
                ArtifactSnapshot(path: "downloads/chart.png", name: "chart.png", size: Int64(png.count), mimeType: "image/png",
                                 category: "image", modifiedAt: "2026-04-01T09:01:00.000Z", rawJSON: "{}"),
                ArtifactSnapshot(path: "downloads/data \"x\";.bin", name: "data \"x\";.bin", size: Int64(binary.count),
                                 mimeType: "application/octet-stream", category: "other", modifiedAt: "2026-04-01T09:01:00.000Z", rawJSON: "{}"),
                ArtifactSnapshot(path: "downloads/missing.txt", name: "missing.txt", size: 10, mimeType: "text/plain",
                                 category: "text", modifiedAt: "2026-04-01T09:01:00.000Z", rawJSON: "{}"),
            ], task: row)
            for (artifact, blob) in zip(artifacts, blobs) { try writer.recordArtifactBlob(artifact, blob: blob) }
            try RecordedRun.record(recordedSessions, task: row, from: Date(timeIntervalSince1970: 1_775_034_000), writer: writer)
            try writer.markSynced(row, status: "completed", activityAt: task.lastActivityAt, messageCount: 2, completedAt: nil)
        }
        try archive.close()
    }
}
