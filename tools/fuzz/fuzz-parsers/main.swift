// fuzz-parsers: a property-based fuzzer for the two parsers that take hostile input, the SSE parser
// and the search-query parser. Inputs come from a seeded generator biased towards each grammar's
// special bytes, so runs are reproducible (`--seed`) and any failure prints the input that caused it.
//
//   fuzz-parsers [sse|query|all] [--count N] [--seed S]
//
// SSE properties, per input: the parser never crashes; feeding the input whole and in random pieces
// gives the same events, last event id, retry time and error; and both agree with a plain reference
// implementation of the WHATWG rules written here independently.
// Query properties, per input: parsing never crashes and fails only with a one-line
// `invalidQuery`; every 50th parsed query also runs against a real archive, where it must not fail.
import ArchiveStore
import Foundation
import FuzzSupport
import SeededRandom
import SigmicAPI

typealias Generator = SeededRandom

// MARK: SSE

let sseFragments: [[UInt8]] = [
    "data:", "data: ", "data", "event:", "event: ", "id:", "id: ", "retry:", "retry: 1000", ":", ": heartbeat",
    "\n", "\r", "\r\n", "\n\n", " ", "x", "é", "数", "😀", "{\"a\":1}", "\u{FEFF}", "\0", "id:a\0b",
].map { Array($0.utf8) } + [[0xFF], [0xC3], [0xE6, 0x95], [0xEF, 0xBB, 0xBF]]

struct ReferenceEvent: Equatable { var type: String; var data: String; var id: String }

/// The WHATWG "interpret an event stream" rules, written as plainly as possible.
func referenceParse(_ bytes: [UInt8]) -> (events: [ReferenceEvent], lastID: String, retry: Int?) {
    var input = bytes
    if input.starts(with: [0xEF, 0xBB, 0xBF]) { input.removeFirst(3) }
    var lines: [[UInt8]] = []
    var current: [UInt8] = []
    var index = 0
    var terminated = false
    while index < input.count {
        let byte = input[index]
        if byte == 0x0D || byte == 0x0A {
            lines.append(current)
            current = []
            if byte == 0x0D, index + 1 < input.count, input[index + 1] == 0x0A { index += 1 }
            terminated = true
        } else {
            current.append(byte)
            terminated = false
        }
        index += 1
    }
    _ = terminated   // an unterminated last line is never processed
    var events: [ReferenceEvent] = []
    var data = ""
    var hasData = false
    var type = ""
    var lastID = ""
    var retry: Int?
    for line in lines {
        let text = String(decoding: line, as: UTF8.self)
        if text.isEmpty {
            if hasData {
                if data.hasSuffix("\n") { data.removeLast() }
                events.append(ReferenceEvent(type: type.isEmpty ? "message" : type, data: data, id: lastID))
            }
            data = ""; hasData = false; type = ""
            continue
        }
        if text.hasPrefix(":") { continue }
        var name = text
        var value = ""
        if let colon = text.firstIndex(of: ":") {
            name = String(text[..<colon])
            value = String(text[text.index(after: colon)...])
            if value.hasPrefix(" ") { value.removeFirst() }
        }
        switch name {
        case "data": data += value + "\n"; hasData = true
        case "event": type = value
        case "id": if !value.contains("\0") { lastID = value }
        case "retry": if !value.isEmpty, value.allSatisfy({ $0.isASCII && $0.isNumber }), let ms = Int(value) { retry = ms }
        default: break
        }
    }
    return (events, lastID, retry)
}

func parse(_ bytes: [UInt8], splits: [Int]) -> (events: [SSEEvent], lastID: String, retry: Int?, error: String?) {
    var parser = SSEParser()
    var events: [SSEEvent] = []
    var start = 0
    do {
        for cut in splits + [bytes.count] where cut >= start {
            events += try parser.feed(bytes[start..<cut])
            start = cut
        }
    } catch {
        return (events, parser.lastEventID, parser.retryMilliseconds, "\(error)")
    }
    return (events, parser.lastEventID, parser.retryMilliseconds, nil)
}

func fuzzSSE(count: Int, seed: UInt64) -> Int {
    var generator = Generator(seed: seed)
    var failures = 0
    for round in 0..<count {
        var bytes: [UInt8] = []
        for _ in 0..<(1 + generator.below(24)) { bytes += sseFragments[generator.below(sseFragments.count)] }
        let whole = parse(bytes, splits: [])
        var cuts: [Int] = []
        for _ in 0..<generator.below(4) { cuts.append(generator.below(bytes.count + 1)) }
        let pieces = parse(bytes, splits: cuts.sorted())
        let reference = referenceParse(bytes)
        let ours = whole.events.map { ReferenceEvent(type: $0.type, data: $0.data, id: $0.lastEventID) }
        if whole.events != pieces.events || whole.lastID != pieces.lastID || whole.retry != pieces.retry || whole.error != pieces.error
            || ours != reference.events || whole.lastID != reference.lastID || whole.retry != reference.retry {
            failures += 1
            if failures <= 5 {
                print("sse: property failed at input \(round): \(String(reflecting: String(decoding: bytes, as: UTF8.self))) bytes \(bytes)")
                print("  whole \(ours) id \(whole.lastID) retry \(String(describing: whole.retry)); pieces at \(cuts.sorted()) \(pieces.events.count) events")
                print("  reference \(reference.events) id \(reference.lastID) retry \(String(describing: reference.retry))")
            }
        }
    }
    return failures
}

// MARK: Query

let queryFragments = [
    "deploy", "error", "budget", "gpt-4", "\"", "\"error budget\"", "-", "-canary", "*", "roll*", "OR", "or", "NEAR",
    "NEAR(a b)", "AND", "NOT", "(", ")", ":", "role:", "role:user", "status:failed", "task:", "task:3f", "tool:read_file",
    "kind:", "kind:tool", "kind:email", "after:", "after:2026-01-01", "before:2026-13-40", "has:artifact", "has:",
    "account:", "account:sigmic", " ", "  ", "\t", "数据库", "性能", "データ", "é", "😀", "^", "{", "}", "'", "\\", "%", "_",
    "\0", "\u{2400}", "*deploy", "--", "\"\"", "-\"x y\"", "OR OR", "a:b:c",
]

func fuzzQuery(count: Int, seed: UInt64) async throws -> Int {
    var generator = Generator(seed: seed)
    let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appending(path: "fuzz-query-\(getpid())")
    defer { try? FileManager.default.removeItem(at: folder) }
    let archive = try Archive.open(at: folder)
    try await archive.write { writer in
        let account = try writer.account(baseURL: "https://api.sigmic.ai", fingerprint: "sha256:fuzz")
        var task = TaskSnapshot(remoteID: "3f2a0000-0000-4000-8000-000000000001", status: "failed", createdAt: "2026-01-26T15:50:54.870Z", rawJSON: "{}")
        task.message = "Why did the deploy blow the error budget?"
        let row = try writer.upsertListedTask(task, account: account)
        try writer.replaceHistory([
            MessageSnapshot(remoteID: "m1", role: "user", content: "Why did the deploy blow the error budget? gpt-4 canary", createdAt: "2026-01-26T15:50:54.870Z", rawJSON: "{}"),
            MessageSnapshot(remoteID: "m2", role: "assistant", content: "我们需要分析数据库的性能问题。データベース", createdAt: "2026-01-26T15:51:54.870Z",
                            toolCallsJSON: #"[{"toolName":"read_file","args":{"path":"a"},"output":"ok"}]"#, rawJSON: "{}"),
        ], task: row)
    }
    var failures = 0
    var searched = 0
    for round in 0..<count {
        var text = ""
        for _ in 0..<(1 + generator.below(8)) {
            text += queryFragments[generator.below(queryFragments.count)]
            if generator.below(2) == 0 { text += " " }
        }
        do {
            let query = try SearchQuery.parse(text)
            if round % 50 == 0 {
                searched += 1
                do {
                    _ = try await archive.search(query, options: SearchOptions(limit: 5))
                } catch {
                    failures += 1
                    if failures <= 5 { print("query: search failed for \(String(reflecting: text)): \(error)") }
                }
            }
        } catch ArchiveError.invalidQuery(let reason) where !reason.isEmpty && !reason.contains("\n") {
            continue
        } catch {
            failures += 1
            if failures <= 5 { print("query: parse failed badly for \(String(reflecting: text)): \(error)") }
        }
    }
    print("query: \(searched) of the parsed queries also run against a real archive")
    return failures
}

// MARK: Main

try await runFuzzModes("fuzz-parsers", [("sse", { count, seed in fuzzSSE(count: count, seed: seed) }),
                                  ("query", { count, seed in try await fuzzQuery(count: count, seed: seed) })])
