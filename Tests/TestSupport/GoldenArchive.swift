public import ArchiveStore
public import Foundation

/// A small archive with fixed content and a fixed clock, so reading commands print the same bytes
/// every run: golden files can hold their output. It has what readers must handle: a fetched task with
/// a system prompt, env, thoughts, tool calls (one long), attached files, a stored and a pending
/// artifact and a stream-event log; a failed task in Chinese; a running task sharing an id prefix.
public enum GoldenArchive {
    public static let taskA = "aaaa1111-0000-4000-8000-00000000000a"
    public static let taskB = "bbbb2222-0000-4000-8000-00000000000b"
    public static let taskC = "aaaa9999-0000-4000-8000-00000000000c"
    public static let storedBytes = Data("# Post-mortem\n\nThe canary burned 40% of the error budget.\n".utf8)

    public static func create(at folder: URL) throws {
        let archive = try Archive.open(at: folder, now: { Date(timeIntervalSince1970: 1_769_500_000) })
        let blob = try archive.blobs.store(storedBytes)
        try archive.write { writer in
            let account = try writer.account(baseURL: "https://api.sigmic.ai", apiKey: Fixtures.apiKey)

            var a = TaskSnapshot(remoteID: taskA, status: "completed", createdAt: "2026-01-26T15:50:54.870Z", rawJSON: """
                {"id":"\(taskA)","status":"completed","message":"Why did the deploy blow the error budget?","systemPrompt":"Be brief.","env":{"REGION":"eu-west"},"createdAt":"2026-01-26T15:50:54.870Z","startedAt":"2026-01-26T15:50:55.000Z","completedAt":"2026-01-26T15:52:10.500Z","lastActivityAt":"2026-01-26T15:52:10.500Z","messageCount":2,"output":{"content":"Rollback done.","ratio":0.30000000000000004}}
                """)
            a.message = "Why did the deploy blow the error budget?"
            a.systemPrompt = "Be brief."
            a.envJSON = #"{"REGION":"eu-west"}"#
            a.startedAt = "2026-01-26T15:50:55.000Z"
            a.completedAt = "2026-01-26T15:52:10.500Z"
            a.lastActivityAt = "2026-01-26T15:52:10.500Z"
            a.messageCount = 2
            try writer.upsertListedTask(a, account: account)
            let rowA = try writer.upsertFetchedTask(a, account: account)
            let longOutput = (1...20).map { "line \($0): 2026-01-26 ERROR checkout timeout after 30s" }.joined(separator: "\n")
            let toolCalls = """
                [{"callId":"c1","toolName":"read_logs","status":"success","args":{"service":"checkout","lines":20},"output":\(Fixtures.jsonString(longOutput))},{"callId":"c2","toolName":"rollback","status":"success","args":{"to":"v41"},"output":"ok"}]
                """
            try writer.replaceHistory([
                MessageSnapshot(remoteID: "msg-a1", role: "user", content: "Why did the deploy blow the error budget?\nSee the attached log.",
                                createdAt: "2026-01-26T15:50:54.870Z", attachedFilesJSON: #"[{"name":"deploy.log","path":"uploads/deploy.log"}]"#,
                                rawJSON: #"{"id":"msg-a1"}"#),
                MessageSnapshot(remoteID: "msg-a2", role: "assistant",
                                content: "The **gpt-4** canary failed:\n\n```sh\nkubectl rollout undo deploy/checkout\n```\n\nRollback done.",
                                createdAt: "2026-01-26T15:52:10.500Z",
                                thoughtsJSON: #"[{"subject":"Diagnosis","description":"Latency spike in eu-west after the canary."}]"#,
                                toolCallsJSON: toolCalls, rawJSON: #"{"id":"msg-a2"}"#),
            ], task: rowA)
            let artifacts = try writer.upsertArtifacts([
                ArtifactSnapshot(path: "downloads/postmortem.md", name: "postmortem.md", size: Int64(storedBytes.count),
                                 mimeType: "text/markdown", category: "document", modifiedAt: "2026-01-26T15:52:09.000Z",
                                 rawJSON: #"{"path":"downloads/postmortem.md"}"#),
                ArtifactSnapshot(path: "uploads/deploy.log", name: "deploy.log", size: 2048, mimeType: "text/plain",
                                 category: "text", modifiedAt: "2026-01-26T15:50:54.000Z", rawJSON: #"{"path":"uploads/deploy.log"}"#),
            ], task: rowA)
            try writer.recordArtifactBlob(artifacts[0], blob: blob)
            let session = try writer.beginAttachSession(task: rowA)
            try writer.appendEvents([
                StreamEventSnapshot(seq: 1, type: "history_done", data: #"{"messageCount":1,"isStreaming":true}"#, receivedAt: "2026-01-26T15:50:56.000Z"),
                StreamEventSnapshot(seq: 2, type: "content", data: #"{"text":"The gpt-4 canary","isPartial":true}"#, receivedAt: "2026-01-26T15:51:30.000Z"),
                StreamEventSnapshot(seq: 3, type: "done", data: #"{"finalResponse":"Rollback done."}"#, receivedAt: "2026-01-26T15:52:10.600Z"),
            ], session: session)
            try writer.endAttachSession(session, reason: .finished)
            try writer.markSynced(rowA, status: "completed", activityAt: a.lastActivityAt, messageCount: 2, completedAt: a.completedAt)

            var b = Fixtures.task(taskB, status: "failed", message: "请分析数据库的性能问题", createdAt: "2026-02-10T08:00:00.000Z", messageCount: 2)
            b.error = "Agent crashed: out of memory"
            let rowB = try writer.upsertListedTask(b, account: account)
            try writer.replaceHistory([
                Fixtures.message("msg-b1", role: "user", content: "请分析数据库的性能问题", createdAt: "2026-02-10T08:00:00.000Z"),
                Fixtures.message("msg-b2", content: "数据显示，第二季度的错误率下降了30%。", createdAt: "2026-02-10T08:01:00.000Z"),
            ], task: rowB)
            try writer.markSynced(rowB, status: "failed", activityAt: b.lastActivityAt, messageCount: 2, completedAt: nil)

            let c = Fixtures.task(taskC, status: "running", message: "Deploy the gpt-4 canary to eu-west", createdAt: "2026-03-01T12:00:00.000Z", messageCount: 1)
            let rowC = try writer.upsertListedTask(c, account: account)
            try writer.replaceHistory([
                Fixtures.message("msg-c1", role: "user", content: "Deploy the gpt-4 canary to eu-west", createdAt: "2026-03-01T12:00:00.000Z"),
            ], task: rowC)
            try writer.markLive(rowC)
        }
        try archive.close()
    }
}
