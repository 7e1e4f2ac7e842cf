import Foundation
import SeededRandom

/// Builds the deterministic starting world: for each key, `tasksPerKey` tasks with a realistic mix of
/// statuses, 1–40 messages, thoughts, tool calls, uploads, Unicode, fenced Markdown, a few very long
/// messages, and artifacts in nested folders (text, binary, empty, and bytes shared across tasks).
enum WorldGenerator {
    static func keys(seed: UInt64, count: Int) -> [String] {
        (0..<count).map { index in
            var random = SeededRandom(seed: seed, stream: "key:\(index)")
            return "sigmic_" + random.hex(64)
        }
    }

    static func tasks(config: EmulatorConfiguration, keyIndex: Int) -> [EmulatedTask] {
        (0..<config.tasksPerKey).map { task(config: config, keyIndex: keyIndex, index: $0) }
    }

    static let statusMix: [(String, Double)] = [
        ("completed", 0.70), ("failed", 0.08), ("cancelled", 0.05), ("running", 0.06),
        ("awaiting_approval", 0.05), ("pending", 0.06),
    ]

    static func task(config: EmulatorConfiguration, keyIndex: Int, index: Int) -> EmulatedTask {
        var random = SeededRandom(seed: config.seed, stream: "task:\(keyIndex):\(index)")
        let id = random.uuid()
        let roll = Double(random.next() >> 11) / Double(1 << 53)
        var cumulative = 0.0
        var status = "completed"
        for (name, share) in config.statusMix ?? statusMix {
            cumulative += share
            if roll < cumulative { status = name; break }
        }
        let live = ["running", "awaiting_approval", "pending"].contains(status)
        // Spread over the year before worldEnd; live tasks are recent.
        let age = live ? Double(random.int(60...3600)) : Double(random.int(3600...(365 * 86400)))
        let createdAt = config.worldEnd.addingTimeInterval(-age).roundedToMillis
        let startedAt = status == "pending" ? nil : createdAt.addingTimeInterval(Double(random.int(1...9)) + 0.123)
        let finished = ["completed", "failed", "cancelled"].contains(status)
        let completedAt = finished ? startedAt!.addingTimeInterval(Double(random.int(5...900)) + 0.456) : nil

        var task = EmulatedTask(
            id: id, keyIndex: keyIndex, sessionId: random.uuid(),
            conversationId: "\(Int64(createdAt.timeIntervalSince1970 * 1000))-\(random.hex(9))",
            status: status, message: random.pick(ContentPools.prompts), createdAt: createdAt,
            startedAt: startedAt, completedAt: completedAt)
        if random.chance(0.2) { task.systemPrompt = "You are a careful analyst. Answer in Markdown." }
        if random.chance(0.15) { task.env = [("REGION", "eu-west-1"), ("PROJECT", "billing")] }
        if status == "awaiting_approval" { task.autoExecute = false }
        if random.chance(0.05) { task.showInHistory = false }
        if status == "failed" { task.error = "Sandbox exited with code 137 (out of memory)" }

        // Message count: finished tasks end on an assistant turn (or, when failed/cancelled, may not);
        // live tasks end on the user turn whose answer is being produced.
        var count: Int
        switch status {
        case "pending": count = 1
        case "running", "awaiting_approval": count = random.int(0...19) * 2 + 1
        case "completed": count = random.int(1...20) * 2
        default: count = random.int(1...40)
        }
        if random.chance(0.02) { count = 40 }
        let end = completedAt ?? startedAt ?? createdAt
        for position in 0..<count {
            let fraction = count == 1 ? 0 : Double(position) / Double(count - 1)
            let time = createdAt.addingTimeInterval(end.timeIntervalSince(createdAt) * fraction).roundedToMillis
            var messageRandom = SeededRandom(seed: config.seed, stream: "msg:\(id):\(position)")
            let messageID = "msg-" + messageRandom.hex(12)
            if position % 2 == 0 {
                var message = EmulatedMessage(id: messageID, role: "user",
                                              content: position == 0 ? task.message : messageRandom.pick(ContentPools.followUps),
                                              createdAt: time)
                if messageRandom.chance(0.15) {
                    let name = messageRandom.pick(["data.csv", "report.pdf", "notes.txt", "数据.csv", "photo 1.png"])
                    message.attachedFiles = [(name, "uploads/" + name)]
                    // A later upload of the same name replaces the earlier file, as in a real workspace.
                    task.files.removeAll { $0.path == "uploads/" + name }
                    task.files.append(EmulatedFile(path: "uploads/" + name, modifiedAt: createdAt,
                                                   bytes: .generated(seed: messageRandom.next(), size: messageRandom.int(0...20_000), text: !name.hasSuffix(".png") && !name.hasSuffix(".pdf"))))
                }
                task.messages.append(message)
            } else {
                var content = ContentPools.answer(for: task.message, random: &messageRandom)
                if messageRandom.chance(0.01) { content = ContentPools.long(random: &messageRandom) }
                var message = EmulatedMessage(id: messageID, role: "assistant", content: content, createdAt: time)
                if messageRandom.chance(0.6) {
                    message.thoughts = [(messageRandom.pick(ContentPools.thoughtSubjects), messageRandom.pick(ContentPools.thoughtDescriptions))]
                }
                if messageRandom.chance(0.5) {
                    let tool = messageRandom.pick(ContentPools.tools)
                    message.toolCalls = [EmulatedToolCall(callId: "call_" + messageRandom.hex(12), toolName: tool.name,
                                                          status: "success", args: tool.args, output: tool.output)]
                }
                task.messages.append(message)
            }
        }
        if finished, let last = task.messages.last, last.role == "assistant" {
            var members: [(String, JSON)] = [("content", .string(last.content)), ("updatedAt", .string(WireTime.string(end)))]
            if let thoughts = last.json["thoughts"] { members.append(("thoughts", thoughts)) }
            if let calls = last.json["toolCalls"] { members.append(("toolCalls", calls)) }
            task.output = .object(members)
        }
        addArtifacts(to: &task, random: &random, finished: finished, seed: config.seed)
        return task
    }

    static func addArtifacts(to task: inout EmulatedTask, random: inout SeededRandom, finished: Bool, seed: UInt64) {
        guard finished, random.chance(0.6) else { return }
        let at = (task.completedAt ?? task.createdAt)
        let candidates: [(String, EmulatedFile.Bytes)] = [
            ("downloads/output.csv", .generated(seed: random.next(), size: random.int(100...64_000), text: true)),
            ("downloads/reports/2026/q1/summary.md", .literal(Array("# Q1\n\nRevenue grew 16%. 📈\n".utf8))),
            ("downloads/images/chart.png", .generated(seed: random.next(), size: random.int(1_000...256_000), text: false)),
            ("downloads/empty.txt", .literal([])),
            // The same bytes in many tasks: the archive must store them once.
            ("downloads/shared/logo.png", .generated(seed: seed ^ 0x5eed, size: 4_096, text: false)),
            ("downloads/データ/結果.json", .literal(Array(#"{"ok":true,"値":"数据"}"#.utf8))),
        ]
        let count = random.int(1...4)
        var chosen = Set<Int>()
        while chosen.count < count { chosen.insert(random.int(0...(candidates.count - 1))) }
        for index in chosen.sorted() {
            task.files.append(EmulatedFile(path: candidates[index].0, modifiedAt: at, bytes: candidates[index].1))
        }
        if random.chance(0.01) {
            task.files.append(EmulatedFile(path: "downloads/big/dataset.bin", modifiedAt: at,
                                           bytes: .generated(seed: random.next(), size: 1 << 20, text: false)))
        }
    }

    /// Files whose names a client must treat as metadata only (enabled by `hostileArtifactNames`).
    static func hostileFiles(at date: Date) -> [EmulatedFile] {
        ["../escape.txt", "../../etc/passwd", "/abs/root.txt", "downloads/a\\b.txt", "downloads/nul\u{0}byte.txt",
         "downloads/" + String(repeating: "n", count: 300) + ".txt", "downloads/Case.txt", "downloads/case.txt",
         "downloads/caf\u{e9}.txt", "downloads/cafe\u{301}.txt"].enumerated().map { index, path in
            EmulatedFile(path: path, modifiedAt: date, bytes: .literal(Array("hostile \(index)\n".utf8)))
        }
    }
}

extension Date {
    var roundedToMillis: Date {
        Date(timeIntervalSince1970: (timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }
}
