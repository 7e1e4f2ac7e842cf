import Foundation
import SigmicAPI

// sse-bench [MEGABYTES] [CHUNK_BYTES]
//
// Throughput of the SSE parser on a large recorded-style stream: history replay (long Markdown, CJK,
// emoji), content deltas, tool calls and heartbeats, with CRLF and LF framing. The stream is made
// here, deterministically; it is fed in CHUNK_BYTES pieces (default 16 KiB, what a socket read gives).
// Prints one line per measurement; run a release build: `swift run -c release sse-bench`.

let megabytes = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 64 : 64
let chunkBytes = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2]) ?? 16384 : 16384

func makeStream(bytes target: Int, crlf: Bool) -> [UInt8] {
    let newline = crlf ? "\r\n" : "\n"
    let samples = [
        #"{"id":"msg-1","role":"user","content":"Analyze this CSV file and plot the error budget","createdAt":"2026-01-26T15:50:54.870Z"}"#,
        #"{"id":"msg-2","role":"assistant","content":"Here is the script:\n\n```python\ndef dedupe(rows):\n    return rows\n```\n\n| month | revenue |\n|---|---|\n| Jan | 1.2M |","createdAt":"2026-01-26T15:51:00.000Z","thoughts":[{"subject":"Analyzing","description":"Reading the CSV structure..."}]}"#,
        #"{"text":"月ごとの売上は増加傾向にあります。📈 ","isPartial":true}"#,
        #"{"callId":"call_456","toolName":"write_file","status":"executing","args":{"path":"output.csv"}}"#,
        #"{"callId":"call_456","status":"success","output":"File written successfully"}"#,
    ]
    let names = ["history_message", "history_message", "content", "tool_call", "tool_result"]
    var out: [UInt8] = []
    out.reserveCapacity(target + 4096)
    var index = 0
    while out.count < target {
        let i = index % samples.count
        out += Array("event: \(names[i])\(newline)data: \(samples[i])\(newline)\(newline)".utf8)
        if index % 25 == 0 { out += Array(":heartbeat\(newline)\(newline)".utf8) }
        index += 1
    }
    return out
}

func measure(_ label: String, stream: [UInt8], decode: Bool, repetitions: Int = 5) throws {
    var best = Double.infinity
    var events = 0
    for _ in 0..<repetitions {
        var parser = SSEParser()
        events = 0
        let start = ContinuousClock.now
        var offset = 0
        while offset < stream.count {
            let end = min(stream.count, offset + chunkBytes)
            for event in try parser.feed(stream[offset..<end]) {
                events += 1
                if decode { _ = try TaskStreamEvent.decode(event) }
            }
            offset = end
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        best = min(best, seconds)
    }
    let mbps = Double(stream.count) / 1_048_576 / best
    print(String(format: "%@: %.0f MiB/s (%d MiB, %d events, %d-byte chunks, best of %d)",
                 label, mbps, stream.count >> 20, events, chunkBytes, repetitions))
}

let lf = makeStream(bytes: megabytes << 20, crlf: false)
let crlf = makeStream(bytes: megabytes << 20, crlf: true)
try measure("sse parse, LF", stream: lf, decode: false)   // warm-up included in best-of
try measure("sse parse, LF", stream: lf, decode: false)
try measure("sse parse, CRLF", stream: crlf, decode: false)
try measure("sse parse + typed decode, LF", stream: lf, decode: true, repetitions: 2)
