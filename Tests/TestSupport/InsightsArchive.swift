public import ArchiveStore
public import Foundation
import SeededRandom

/// An archive made for `stats`: 90 tasks over ten weeks of 2026 in two accounts, with every status,
/// durations (one completed before it was created, which no duration counts), errors repeated and
/// blank, tool calls that needed approval (tasks run with autoExecute false) and were approved, denied,
/// failed or still wait, a call updated in a later message (counted once, as the later one has it), a
/// call without an id, artifacts of several types, follow-ups, tasks started by `run` and by the
/// outbox. Drawn from a seed: the same archive every time.
public enum InsightsArchive {
    public static let teamBaseURL = "https://team.sigmic.test"
    public static let start = Date(timeIntervalSince1970: 1_767_571_200)   // 2026-01-05, a Monday
    public static let taskCount = 90

    public static func create(at folder: URL) throws {
        let archive = try Archive.open(at: folder, now: { start })
        var random = SeededRandom(seed: 31, stream: "insights")
        let statuses: [TaskStatus] = ["completed", "completed", "completed", "completed", "completed", "completed",
                                      "failed", "failed", "cancelled", "running", "awaiting_approval", "pending"]
        let errors = ["Sandbox exited with code 137 (out of memory)", "Tool run_shell timed out after 300 s", "  ", "Rate limited by the model provider"]
        let tools = ["run_shell", "read_file", "write_file", "web_search"]
        let types: [String?] = ["text/markdown", "image/png", "application/json", nil]
        try archive.write { writer in
            let accounts = [try writer.account(baseURL: Fixtures.baseURL, apiKey: Fixtures.apiKey),
                            try writer.account(baseURL: teamBaseURL, apiKey: "sigmic_" + String(repeating: "cd", count: 32))]
            for index in 0..<taskCount {
                let id = String(format: "%08x-0000-4000-8000-%012x", 0x1000_0000 + index, index)
                let created = start.addingTimeInterval(Double(index) * 17 * 3600 + Double(random.int(0...3599)))
                let status = random.pick(statuses)
                var task = Fixtures.task(id, status: status, message: "Task \(index): " + random.pick(["summarise", "deploy", "chart", "clean up"]),
                                         createdAt: Timestamp.string(from: created))
                let started = status == "pending" ? nil : created.addingTimeInterval(Double(random.int(1...60)) + 0.25)
                task.startedAt = started.map(Timestamp.string)
                var ended: Date?
                if let started, ["completed", "failed", "cancelled"].contains(status.rawValue) {
                    ended = started.addingTimeInterval(Double(random.int(10...5_000)) + Double(random.int(0...999)) / 1000)
                }
                if index == 7 { ended = created.addingTimeInterval(-30) }   // a clock that went back: no duration
                task.completedAt = ended.map(Timestamp.string)
                if status == "failed" { task.error = random.pick(errors) }
                task.autoExecute = index % 4 == 0 ? false : (index % 3 == 0 ? nil : true)
                task.lastActivityAt = Timestamp.string(from: ended ?? started ?? created)
                let account = accounts[index % 3 == 0 ? 1 : 0]
                let row = try writer.upsertListedTask(task, account: account)

                var messages: [MessageSnapshot] = []
                let turns = 1 + (index % 3 == 0 ? 1 : 0) + (index % 7 == 0 ? 1 : 0)
                for turn in 0..<turns {
                    let at = Timestamp.string(from: created.addingTimeInterval(Double(turn) * 600))
                    messages.append(Fixtures.message("m\(index)-u\(turn)", role: "user", content: "ask \(turn)", createdAt: at))
                    var calls: [String] = []
                    for call in 0..<random.int(0...3) {
                        var callStatus = random.pick(["success", "success", "error", "cancelled", "executing"])
                        if status == "awaiting_approval" && turn == turns - 1 && call == 0 { callStatus = "awaiting_approval" }
                        let callID = index % 10 == 5 && call == 1 ? nil : "call_\(index)_\(turn)_\(call)"
                        calls.append("{" + (callID.map { #""callId":"\#($0)","# } ?? "") +
                                     #""toolName":"\#(random.pick(tools))","status":"\#(callStatus)","args":{"n":\#(call)}}"#)
                    }
                    // The first call of every fourth task comes again in the next turn's message, finished.
                    if index % 4 == 1, turn == 1 {
                        calls.append(#"{"callId":"call_\#(index)_0_0","toolName":"run_shell","status":"success","args":{}}"#)
                    }
                    messages.append(Fixtures.message("m\(index)-a\(turn)", content: "answer \(turn)", createdAt: at,
                                                     toolCalls: calls.isEmpty ? nil : "[" + calls.joined(separator: ",") + "]"))
                }
                try writer.replaceHistory(messages, task: row)
                if index % 2 == 0 {
                    let artifacts = try writer.upsertArtifacts((0..<random.int(1...3)).map { number in
                        let type = random.pick(types)
                        return ArtifactSnapshot(path: "downloads/f\(number).bin", name: "f\(number).bin", size: Int64(random.int(100...90_000)),
                                                mimeType: type, category: "other", modifiedAt: task.createdAt, rawJSON: "{}")
                    }, task: row)
                    _ = artifacts
                }
                try writer.markSynced(row, status: status, activityAt: task.lastActivityAt, messageCount: messages.count, completedAt: task.completedAt)
                if index % 5 == 0 { try writer.recordOrigin(row, "run") }
                if index % 11 == 0 {
                    let queued = try writer.enqueue(NewOutboxItem(kind: .create, message: task.message), account: account, sending: false)
                    try writer.markOutbox(queued, .sent, remoteID: id, note: nil)
                }
            }
            // As a sync does once it has archived the tasks the outbox created.
            for account in accounts { try writer.recordOriginOfSentRuns(account: account) }
        }
        try archive.close()
    }
}
