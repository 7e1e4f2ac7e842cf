@testable import ArchiveMCP
import Foundation
import Testing

/// stdin as lines: split wherever the reads fall, empty lines skipped, an overlong line reported once
/// and dropped up to its newline, the next line whole again.
struct LineReaderTests {
    static let cases: [(chunks: [String], limit: Int, expected: [LineReader.Item])] = [
        (["a\nb\n"], 10, [.line(Data("a".utf8)), .line(Data("b".utf8))]),
        (["ab", "c\nd", "e\n"], 10, [.line(Data("abc".utf8)), .line(Data("de".utf8))]),
        (["\n\n", "x\n"], 10, [.line(Data("x".utf8))]),
        (["0123456789\n"], 10, [.line(Data("0123456789".utf8))]),
        (["0123456789A\nok\n"], 10, [.tooLong, .line(Data("ok".utf8))]),
        (["01234", "56789", "AB", "CD\nok\n"], 10, [.tooLong, .line(Data("ok".utf8))]),
        (["no newline yet"], 100, []),
    ]

    @Test(arguments: cases.indices)
    func splitsLinesWhereverTheReadsFall(_ index: Int) {
        let c = Self.cases[index]
        var reader = LineReader(limit: c.limit)
        let items = c.chunks.flatMap { reader.feed(Data($0.utf8)) }
        #expect(items == c.expected)
    }

    @Test func aTenMegabyteLineInSmallReadsIsOneLine() {
        var reader = LineReader(limit: 16 << 20)
        let chunk = Data(repeating: UInt8(ascii: "x"), count: 64 * 1024)
        var items: [LineReader.Item] = []
        for _ in 0..<160 { items += reader.feed(chunk) }
        items += reader.feed(Data("\n".utf8))
        #expect(items.count == 1)
        if case .line(let line) = items.first { #expect(line.count == 160 * 64 * 1024) }
    }
}

/// Lines the SDK would answer wrongly or not at all, answered per JSON-RPC 2.0.
struct JSONRPCGateTests {
    static let cases: [(String, Int?, String?)] = [
        (#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#, nil, nil),
        (#"{"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"search"}}"#, nil, nil),
        (#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, nil, nil),
        (#"[{"jsonrpc":"2.0","id":1,"method":"tools/list"}]"#, nil, nil),
        ("not json", -32700, "null"),
        ("42", -32600, "null"),
        (#"{"jsonrpc":"2.0","id":{"a":1},"method":"tools/list"}"#, -32600, "null"),
        (#"{"jsonrpc":"2.0","id":[1],"method":"tools/list"}"#, -32600, "null"),
        (#"{"jsonrpc":"2.0","id":true,"method":"tools/list"}"#, -32600, "null"),
        (#"{"jsonrpc":"2.0","id":3,"method":"tools/call"}"#, -32602, "3"),
        (#"{"jsonrpc":"2.0","id":"r","method":"resources/read","params":[1]}"#, -32602, "\"r\""),
    ]

    @Test(arguments: cases.indices)
    func answersWhatTheSDKWouldGetWrong(_ index: Int) throws {
        let (line, code, id) = Self.cases[index]
        let verdict = JSONRPCGate.check(Data(line.utf8))
        guard let code, let id else {
            #expect(verdict == .forward)
            return
        }
        guard case .answer(let reply) = verdict else {
            Issue.record("\(line) was forwarded")
            return
        }
        let text = String(decoding: reply, as: UTF8.self)
        #expect(text.contains(#""code":\#(code)"#) && text.contains(#""id":\#(id)"#), "\(text)")
    }

    @Test func aLongErrorAnswerLosesItsEchoNotItsCodeOrID() throws {
        let method = String(repeating: "x", count: 100_000)
        let answer = #"{"error":{"code":-32601,"data":{"detail":"Unknown method: \#(method)"},"message":"Method not found: \#(method)"},"id":5,"jsonrpc":"2.0"}"#
        let trimmed = ErrorEcho.trimmed(Data(answer.utf8))
        #expect(trimmed.count < 400)
        let object = try #require(try JSONSerialization.jsonObject(with: trimmed) as? [String: Any])
        let error = try #require(object["error"] as? [String: Any])
        #expect(error["code"] as? Int == -32601 && object["id"] as? Int == 5 && error["data"] == nil)
        let small = Data(#"{"id":1,"jsonrpc":"2.0","result":{}}"#.utf8)
        #expect(ErrorEcho.trimmed(small) == small)
    }
}
