// archive-bench: builds benchmark corpora through the store's public API (so generating is also the
// ingest benchmark) and prints what it did as one JSON line.
//
//   archive-bench generate DIR MESSAGES      an archive of MESSAGES messages (10 per task), with FTS
//   archive-bench ndjson MESSAGES            the same conversations as JSON lines (for other tools)
//   archive-bench tsv MESSAGES               the same as task TAB role TAB time TAB text (for raw-ingest)
//   archive-bench long DIR COUNT             adds a task of COUNT log-like messages of about 1 MB each (every
//                                            line full of words starting with a, al, alpha) to an archive
//   archive-bench stream DIR EVENTS          adds a task whose live stream of EVENTS events was recorded (four
//                                            attach sessions of status, thoughts, tool calls, results and
//                                            streamed content 50 ms apart), for `replay`
//
// `generate` reports the time spent in the store's writes only (generating the text is not counted),
// so it compares with raw-ingest, which reads its input before starting the clock.
import ArchiveStore
import Foundation

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("archive-bench: \(message)\n".utf8))
    exit(2)
}

/// Writes one line per corpus message, formatted by `line`, to standard output in 1 MiB pieces.
func writeLines(_ count: Int, _ line: (Int, String) -> String) {
    var corpus = Corpus()
    var out = ""
    for index in 0..<count {
        out += line(index, corpus.message(index)) + "\n"
        if out.utf8.count > 1 << 20 {
            FileHandle.standardOutput.write(Data(out.utf8))
            out = ""
        }
    }
    FileHandle.standardOutput.write(Data(out.utf8))
}

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "generate":
    guard arguments.count == 3, let count = Int(arguments[arguments.startIndex + 2]), count > 0 else {
        fail("usage: archive-bench generate DIR MESSAGES")
    }
    let folder = URL(fileURLWithPath: arguments[arguments.startIndex + 1])
    guard !FileManager.default.fileExists(atPath: folder.path) else { fail("\(folder.path) exists; give a new folder") }
    var writing: TimeInterval = 0
    let archive = try Archive.open(at: folder)
    var corpus = Corpus()
    let tasks = (count + Corpus.messagesPerTask - 1) / Corpus.messagesPerTask
    let tasksPerCommit = 500
    var written = 0
    let account = try archive.write { try $0.account(baseURL: "https://bench.invalid", fingerprint: "sha256:bench") }
    for first in stride(from: 0, to: tasks, by: tasksPerCommit) {
        var batch: [(TaskSnapshot, [MessageSnapshot])] = []
        for task in first..<min(tasks, first + tasksPerCommit) {
            var messages: [MessageSnapshot] = []
            for position in 0..<Corpus.messagesPerTask {
                let index = task * Corpus.messagesPerTask + position
                guard index < count else { break }
                let text = corpus.message(index)
                messages.append(MessageSnapshot(remoteID: "m\(index)", role: position % 2 == 0 ? "user" : "assistant",
                                                content: text, createdAt: Corpus.timestamp(index), rawJSON: "{}"))
            }
            let id = Corpus.taskID(task)
            var snapshot = TaskSnapshot(remoteID: id, status: task % 10 == 0 ? "failed" : "completed",
                                        createdAt: messages[0].createdAt, rawJSON: "{\"id\":\"\(id)\"}")
            snapshot.message = messages[0].content
            snapshot.lastActivityAt = messages[messages.count - 1].createdAt
            snapshot.messageCount = messages.count
            batch.append((snapshot, messages))
        }
        let batchStarted = Date()
        try archive.write { writer in
            for (task, messages) in batch {
                let row = try writer.upsertListedTask(task, account: account)
                try writer.replaceHistory(messages, task: row)
            }
        }
        writing += Date().timeIntervalSince(batchStarted)
        written += batch.reduce(0) { $0 + $1.1.count }
        if isatty(STDERR_FILENO) == 1 {
            FileHandle.standardError.write(Data("\r\(written)/\(count) messages".utf8))
        }
    }
    let seconds = writing
    if isatty(STDERR_FILENO) == 1 { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    print(#"{"messages":\#(written),"tasks":\#(tasks),"seconds":\#(String(format: "%.2f", seconds)),"messagesPerSecond":\#(Int(Double(written) / seconds))}"#)

case "empty":
    // A new archive with the schema and nothing in it, for the raw libsqlite3 loop to fill.
    guard arguments.count == 2 else { fail("usage: archive-bench empty DIR") }
    let folder = URL(fileURLWithPath: arguments[arguments.startIndex + 1])
    guard !FileManager.default.fileExists(atPath: folder.path) else { fail("\(folder.path) exists; give a new folder") }
    try Archive.open(at: folder).close()

case "ndjson":
    guard arguments.count == 2, let count = Int(arguments[arguments.startIndex + 1]), count > 0 else {
        fail("usage: archive-bench ndjson MESSAGES")
    }
    writeLines(count) { index, text in
        #"{"task":"\#(Corpus.taskID(index / Corpus.messagesPerTask))","role":"\#(index % 2 == 0 ? "user" : "assistant")","createdAt":"\#(Corpus.timestamp(index))","content":"\#(text)"}"#
    }

case "tsv":
    guard arguments.count == 2, let count = Int(arguments[arguments.startIndex + 1]), count > 0 else {
        fail("usage: archive-bench tsv MESSAGES")
    }
    writeLines(count) { index, text in
        "\(Corpus.taskID(index / Corpus.messagesPerTask))\t\(index % 2 == 0 ? "user" : "assistant")\t\(Corpus.timestamp(index))\t\(text)"
    }

case "long":
    guard arguments.count == 3, let count = Int(arguments[arguments.startIndex + 2]), count > 0 else {
        fail("usage: archive-bench long DIR COUNT")
    }
    let archive = try Archive.open(at: URL(fileURLWithPath: arguments[arguments.startIndex + 1]))
    var lines: [String] = []
    var size = 0
    var line = 0
    while size < 1_000_000 {
        let text = "2026-03-0\(1 + line % 9)T10:\(10 + line % 50):00Z alpha worker \(line % 17) allocated \(line * 4096 % 100_000) bytes at arena \(line % 97) and all accounts are alive after an attempt"
        lines.append(text)
        size += text.utf8.count + 1
        line += 1
    }
    let log = lines.joined(separator: "\n")
    let account = try archive.write { try $0.account(baseURL: "https://bench.invalid", fingerprint: "sha256:bench") }
    let messages = (0..<count).map { index in
        MessageSnapshot(remoteID: "long\(index)", role: index % 2 == 0 ? "user" : "assistant", content: log,
                        createdAt: Corpus.timestamp(index), rawJSON: "{}")
    }
    var snapshot = TaskSnapshot(remoteID: "10000000-0000-4000-8000-000000000001", status: "completed",
                                createdAt: messages[0].createdAt, rawJSON: "{}")
    snapshot.message = "Print the worker logs"
    snapshot.lastActivityAt = messages[messages.count - 1].createdAt
    snapshot.messageCount = count
    try archive.write { writer in
        let row = try writer.upsertListedTask(snapshot, account: account)
        try writer.replaceHistory(messages, task: row)
    }
    print(#"{"longMessages":\#(count),"bytesEach":\#(log.utf8.count)}"#)

case "stream":
    guard arguments.count == 3, let count = Int(arguments[arguments.startIndex + 2]), count >= 8 else {
        fail("usage: archive-bench stream DIR EVENTS (at least 8)")
    }
    let archive = try Archive.open(at: URL(fileURLWithPath: arguments[arguments.startIndex + 1]))
    let account = try archive.write { try $0.account(baseURL: "https://bench.invalid", fingerprint: "sha256:bench") }
    let start = Date(timeIntervalSince1970: 1_780_000_000)
    var corpus = Corpus()
    // Every 50th event starts a step: a status, a thought, a tool call and its result; the rest stream text.
    func event(_ index: Int) -> (type: String, data: String) {
        switch index % 50 {
        case 0: return ("status", #"{"status":"processing"}"#)
        case 1: return ("thought", #"{"subject":"Step \#(index / 50)","description":"\#(corpus.message(index).prefix(120))"}"#)
        case 2: return ("tool_call", #"{"callId":"call_\#(index)","toolName":"run_shell","status":"executing","args":{"command":"grep -c ERROR part\#(index).log"}}"#)
        case 3: return ("tool_result", #"{"callId":"call_\#(index - 1)","status":"success","output":"\#(index % 97)"}"#)
        default: return ("content", #"{"text":"\#(corpus.message(index).prefix(40)) ","isPartial":true}"#)
        }
    }
    let perSession = (count + 3) / 4
    var snapshot = TaskSnapshot(remoteID: "20000000-0000-4000-8000-000000000002", status: "completed",
                                createdAt: Timestamp.string(from: start), rawJSON: "{}")
    snapshot.message = "Replay a long run"
    snapshot.lastActivityAt = Timestamp.string(from: start.addingTimeInterval(Double(count) * 0.05 + 3 * 600))
    try archive.write { writer in
        let row = try writer.upsertListedTask(snapshot, account: account)
        for session in 0..<4 {
            let range = (session * perSession)..<min(count, (session + 1) * perSession)
            guard !range.isEmpty else { continue }
            let id = try writer.beginAttachSession(task: row)
            // Sessions are ten minutes apart: the task was not watched in between.
            try writer.appendEvents(range.enumerated().map { seq, index in
                let (type, data) = index == count - 1 ? ("done", #"{"finalResponse":"done"}"#) : event(index)
                return StreamEventSnapshot(seq: seq, type: type, data: data,
                                           receivedAt: Timestamp.string(from: start.addingTimeInterval(Double(index) * 0.05 + Double(session) * 600)))
            }, session: id)
            try writer.endAttachSession(id, reason: .finished)
        }
    }
    print(#"{"task":"\#(snapshot.remoteID)","events":\#(count)}"#)

default:
    fail("usage: archive-bench generate DIR MESSAGES | empty DIR | ndjson MESSAGES | tsv MESSAGES | long DIR COUNT | stream DIR EVENTS")
}
