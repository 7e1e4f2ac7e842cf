public import ArchiveStore
public import Foundation

/// A task whose live stream was recorded: attach sessions of events received at known times, with a
/// status, a thought, a tool call and its result, streamed content and the end. For `replay`'s tests,
/// where the recorded duration must be known exactly.
public enum RecordedRun {
    public static let taskID = "eeee5555-0000-4000-8000-00000000000e"
    public static let start = Date(timeIntervalSince1970: 1_780_000_000)

    /// One session's events: each (seconds after `start`, type, data).
    public typealias Session = [(at: Double, type: String, data: String)]

    /// A run of `steps` events, `interval` seconds apart, in one session: status, thought, a tool call,
    /// its result, then content pieces, and `done`.
    public static func evenlySpaced(steps: Int, interval: Double, from offset: Double = 0) -> Session {
        precondition(steps >= 6)
        let fixed: [(String, String)] = [
            ("status", #"{"status":"processing"}"#),
            ("thought", #"{"subject":"Reading the data","description":"step by step"}"#),
            ("tool_call", #"{"callId":"call_1","toolName":"run_shell","status":"executing","args":{"command":"ls"}}"#),
            ("tool_result", #"{"callId":"call_1","status":"success","output":"a b"}"#),
        ]
        var events = fixed
        for piece in 0..<(steps - fixed.count - 1) { events.append(("content", #"{"text":"piece \#(piece) ","isPartial":true}"#)) }
        events.append(("done", #"{"finalResponse":"all pieces"}"#))
        return events.enumerated().map { (offset + Double($0.offset) * interval, $0.element.0, $0.element.1) }
    }

    /// Writes `sessions` as the task's attach sessions, each event received `at` seconds after `start`.
    public static func record(_ sessions: [Session], task: TaskRowID, from start: Date, writer: SQLiteArchiveWriter) throws {
        for events in sessions {
            let session = try writer.beginAttachSession(task: task)
            try writer.appendEvents(events.enumerated().map { seq, event in
                StreamEventSnapshot(seq: seq, type: event.type, data: event.data, receivedAt: Timestamp.string(from: start.addingTimeInterval(event.at)))
            }, session: session)
            try writer.endAttachSession(session, reason: .finished)
        }
    }

    /// Adds the task with `sessions` recorded to the archive in `folder` (created if needed).
    public static func create(at folder: URL, id: String = taskID, sessions: [Session]) throws {
        let archive = try Archive.open(at: folder, now: { start })
        try archive.write { writer in
            let account = try writer.account(baseURL: Fixtures.baseURL, apiKey: Fixtures.apiKey)
            var task = Fixtures.task(id, message: "Replay me", createdAt: Timestamp.string(from: start))
            let lastActivity = Timestamp.string(from: start.addingTimeInterval(sessions.last?.last?.at ?? 0))
            task.lastActivityAt = lastActivity
            let row = try writer.upsertListedTask(task, account: account)
            try writer.replaceHistory([
                Fixtures.message("msg-r1", role: "user", content: "Replay me", createdAt: task.createdAt),
                Fixtures.message("msg-r2", content: "all pieces", createdAt: lastActivity),
            ], task: row)
            try record(sessions, task: row, from: start, writer: writer)
            try writer.markSynced(row, status: "completed", activityAt: lastActivity, messageCount: 2, completedAt: nil)
        }
        try archive.close()
    }
}
