import SeededRandom
import SigmicAPI
import Testing

/// Parsing cases ported from web-platform-tests `eventsource/format-*` and launchdarkly
/// sse-contract-tests (basic parsing, line feeds, BOM, comments). Each is fed whole, one byte at a
/// time, and in seeded random splits; all three must give the expected events.
struct SSECase: CustomStringConvertible, Sendable {
    let name: String
    let input: [UInt8]
    let expected: [SSEEvent]

    init(_ name: String, _ input: String, _ expected: [SSEEvent]) {
        self.name = name
        self.input = Array(input.utf8)
        self.expected = expected
    }

    var description: String { name }
}

func event(_ data: String, type: String = "message", id: String = "") -> SSEEvent {
    SSEEvent(type: type, data: data, lastEventID: id)
}

let sseCases: [SSECase] = [
    // web-platform-tests eventsource/format-*
    SSECase("format-bom", "\u{FEFF}data: 1\n\n\u{FEFF}data: 2\n\ndata: 3\n\n", [event("1"), event("3")]),
    SSECase("format-bom-2", "\u{FEFF}\u{FEFF}data: 1\n\ndata: 2\n\ndata: 3\n\n", [event("2"), event("3")]),
    SSECase("format-comments", ":\n:comment\ndata: x\n:another\r:\r\n\n", [event("x")]),
    SSECase("format-data-before-final-empty-line", "data: 1\n\ndata: 2", [event("1")]),
    SSECase("format-field-data", "data:\n\ndata\ndata\n\ndata:test\n\n", [event(""), event("\n"), event("test")]),
    SSECase("format-field-event-empty", "event: \ndata:data\n\n", [event("data")]),
    SSECase("format-field-event", "event:test\ndata:x\n\ndata:y\n\n", [event("x", type: "test"), event("y")]),
    SSECase("format-field-id", "id: 1\ndata: a\n\ndata: b\n\nid: \ndata: c\n\n", [event("a", id: "1"), event("b", id: "1"), event("c")]),
    SSECase("format-field-id-2", "id:1\nid:\ndata:x\n\n", [event("x")]),
    SSECase("format-field-id-null", "id: a\u{0}b\ndata: x\n\nid: c\ndata: y\n\n", [event("x"), event("y", id: "c")]),
    SSECase("format-field-parsing",
            "data:\u{0}\ndata:  2\rData:1\ndata\u{0}:2\ndata:1\r\u{0}data:4\nda-ta:3\rdata_5\ndata:3\rdata:\r\n data:32\ndata:4\n\n",
            [event("\u{0}\n 2\n1\n3\n\n4")]),
    SSECase("format-field-retry-bogus", "retry:3000\nretry:1000x\ndata:x\n\n", [event("x")]),
    SSECase("format-field-unknown", "data:test\n data\ndata\nfoobar:xxx\njustsometext\n:thisisacommentyay\ndata:test\n\n", [event("test\n\ntest")]),
    SSECase("format-leading-space", "data:\ttest\rdata: \ndata:test\n\n", [event("\ttest\n\ntest")]),
    SSECase("format-newlines", "data:test\r\ndata\ndata:test\r\n\r", [event("test\n\ntest")]),
    SSECase("format-null-character", "data:\u{0}\n\n", [event("\u{0}")]),
    SSECase("format-utf-8", "data:ok…\n\ndata:¡日本語!\n\n", [event("ok…"), event("¡日本語!")]),
    // launchdarkly sse-contract-tests
    SSECase("basic: one event", "event: greeting\ndata: hello\n\n", [event("hello", type: "greeting")]),
    SSECase("basic: multi-line data", "data: line1\ndata: line2\ndata: line3\n\n", [event("line1\nline2\nline3")]),
    SSECase("basic: colon in value", "data: a:b: c\n\n", [event("a:b: c")]),
    SSECase("basic: event without data is not dispatched", "event: nothing\n\ndata: x\n\n", [event("x")]),
    SSECase("basic: type does not leak into the next event", "event: a\ndata: 1\n\ndata: 2\n\n", [event("1", type: "a"), event("2")]),
    SSECase("basic: only one leading space is stripped", "data:   three\n\n", [event("  three")]),
    SSECase("basic: id persists and is reported", "id: 42\nevent: e\ndata: d\n\ndata: e\n\n", [event("d", type: "e", id: "42"), event("e", id: "42")]),
    SSECase("linefeeds: LF", "data: a\ndata: b\n\n", [event("a\nb")]),
    SSECase("linefeeds: CR", "data: a\rdata: b\r\r", [event("a\nb")]),
    SSECase("linefeeds: CRLF", "data: a\r\ndata: b\r\n\r\n", [event("a\nb")]),
    SSECase("linefeeds: mixed", "data: a\rdata: b\ndata: c\r\n\n", [event("a\nb\nc")]),
    SSECase("bom: a BOM later in the stream is data", "data: \u{FEFF}x\n\n", [event("\u{FEFF}x")]),
    SSECase("comments: comment between data lines", "data: a\n: hi\ndata: b\n\n", [event("a\nb")]),
    SSECase("comments: heartbeat blocks", ":heartbeat\n\nevent: done\ndata: {}\n\n:heartbeat\n\n", [event("{}", type: "done")]),
    SSECase("sigmic: catalogue event", "event: content\ndata: {\"text\":\"2+2 equals 4.\",\"isPartial\":false}\n\n",
            [event("{\"text\":\"2+2 equals 4.\",\"isPartial\":false}", type: "content")]),
]

@Suite struct SSEParserTests {
    static func parse(_ input: [UInt8], splits: [Int]) throws -> ([SSEEvent], SSEParser) {
        var parser = SSEParser()
        var events: [SSEEvent] = []
        var start = 0
        for end in splits + [input.count] where end > start {
            events += try parser.feed(input[start..<end])
            start = end
        }
        parser.finish()
        return (events, parser)
    }

    @Test(arguments: sseCases)
    func parsesWhole(_ testCase: SSECase) throws {
        #expect(try Self.parse(testCase.input, splits: []).0 == testCase.expected)
    }

    @Test(arguments: sseCases)
    func parsesOneByteAtATime(_ testCase: SSECase) throws {
        #expect(try Self.parse(testCase.input, splits: Array(0..<testCase.input.count)).0 == testCase.expected)
    }

    @Test(arguments: sseCases)
    func parsesRandomSplits(_ testCase: SSECase) throws {
        var random = SeededRandom(seed: UInt64(testCase.name.utf8.reduce(7) { $0 &* 31 &+ Int($1) }.magnitude))
        for _ in 0..<25 {
            let cuts = (0..<Int(random.next() % 6)).map { _ in Int(random.next() % UInt64(max(1, testCase.input.count))) }.sorted()
            #expect(try Self.parse(testCase.input, splits: cuts).0 == testCase.expected, "splits \(cuts)")
        }
    }

    @Test func retryIsTakenOnlyWhenAllDigits() throws {
        #expect(try Self.parse(Array("retry:3000\nretry:1000x\ndata:x\n\n".utf8), splits: []).1.retryMilliseconds == 3000)
        #expect(try Self.parse(Array("retry\ndata:x\n\n".utf8), splits: []).1.retryMilliseconds == nil)
        #expect(try Self.parse(Array("retry: 250\n\n".utf8), splits: []).1.retryMilliseconds == 250)
    }

    @Test func aCRAtTheEndOfAChunkAndItsLFInTheNextAreOneLineEnd() throws {
        var parser = SSEParser()
        #expect(try parser.feed(Array("data: a\r".utf8)).isEmpty)
        #expect(try parser.feed(Array("\ndata: b\r".utf8)).isEmpty)
        #expect(try parser.feed(Array("\n\r".utf8)) == [event("a\nb")])
        #expect(try parser.feed(Array("\n".utf8)).isEmpty, "the LF after the dispatching CR is not another blank line")
    }

    @Test func aUTF8CharacterSplitAcrossChunksDecodesWhole() throws {
        let bytes = Array("data: 日本\n\n".utf8)
        for cut in 1..<bytes.count {
            #expect(try Self.parse(bytes, splits: [cut]).0 == [event("日本")])
        }
    }

    @Test func invalidUTF8BecomesReplacementCharacters() throws {
        #expect(try Self.parse(Array("data: a".utf8) + [0xFF] + Array("b\n\n".utf8), splits: []).0 == [event("a\u{FFFD}b")])
    }

    @Test func anOverlongLineIsAnErrorNotUnboundedMemory() throws {
        var parser = SSEParser(maxLineBytes: 1024, maxEventBytes: 4096)
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 600)
        _ = try parser.feed(Array("data: ".utf8) + chunk)
        #expect(throws: SSEParseError.lineTooLong(limit: 1024)) { try parser.feed(chunk) }
    }

    @Test func anOversizedEventIsAnError() throws {
        var parser = SSEParser(maxLineBytes: 1024, maxEventBytes: 4096)
        let line = Array("data: ".utf8) + [UInt8](repeating: UInt8(ascii: "y"), count: 1000) + [0x0A]
        #expect(throws: SSEParseError.eventTooLarge(limit: 4096)) {
            for _ in 0..<5 { _ = try parser.feed(line) }
        }
    }
}
