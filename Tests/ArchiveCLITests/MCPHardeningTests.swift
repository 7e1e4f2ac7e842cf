import Foundation
import Testing
import TestSupport

/// `mcp` against a careless or hostile client, through the real binary: every bad line gets its
/// JSON-RPC answer, none echoes a huge input, and the server goes on answering.
@Suite struct MCPHardeningTests {
    @Test func badLinesAreAnsweredAndTheServerGoesOn() throws {
        let folder = try TempFolder("mcp-hardening")
        try GoldenArchive.create(at: folder.path("a"))
        let process = try CommandRunner.process(["mcp", "--archive", folder.path("a").path])
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }
        let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
        let lines = [
            initialize,
            #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            #"{"jsonrpc":"2.0","id":{"a":1},"method":"tools/list"}"#,
            #"{"jsonrpc":"2.0","id":3,"method":"tools/call"}"#,
            "not json",
            #"{"jsonrpc":"2.0","id":5,"method":"\#(String(repeating: "m", count: 3_000_000))"}"#,
            #"{"jsonrpc":"2.0","id":6,"method":"\#(String(repeating: "y", count: 5_000_000))"}"#,
            #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"search","arguments":{"query":"budget","limit":1}}}"#,
        ]
        // Written from a thread of its own: the server reads while it answers.
        let writer = Thread { input.fileHandleForWriting.write(Data((lines.joined(separator: "\n") + "\n").utf8)) }
        writer.start()
        var answers: [String] = []
        var pending = Data()
        // availableData returns what has arrived (read(upToCount:) would wait for the whole count).
        while answers.count < 7 {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            pending += chunk
            while let newline = pending.firstIndex(of: 0x0A) {
                answers.append(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                pending = Data(pending[(newline + 1)...])
            }
        }
        try input.fileHandleForWriting.close()
        func answer(_ fragment: String) -> String? { answers.first { $0.contains(fragment) } }
        #expect(answers.count == 7, "\(answers.map { $0.prefix(120) })")
        #expect(answers.allSatisfy { $0.utf8.count < 20_000 }, "an answer echoed a huge input")
        #expect(answer(#""code":-32600,"message":"Invalid Request: id must be"#)?.contains(#""id":null"#) == true)
        #expect(answer(#""code":-32602"#)?.contains(#""id":3"#) == true)
        #expect(answer(#""code":-32700"#)?.contains(#""id":null"#) == true)
        #expect(answer(#""code":-32601"#)?.contains(#""id":5"#) == true)
        #expect(answer("longer than 4 MiB") != nil)
        #expect(answer(#""id":7,"jsonrpc":"2.0","result""#)?.contains("budget") == true)
    }
}
