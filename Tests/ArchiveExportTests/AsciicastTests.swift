import ArchiveExport
import Foundation
import Testing

/// An asciicast v2 file's lines parse as JSON with the fields the format names, escape whatever the
/// terminal output holds, and are the same for the same input.
@Suite struct AsciicastTests {
    @Test func theHeaderAndOutputLinesAreV2() throws {
        let cast = Asciicast(width: 100, height: 30, timestamp: 1_780_000_000, idleTimeLimit: 2, title: "Task \"q3\" ✓")
        let header = try #require(try JSONSerialization.jsonObject(with: Data(cast.header.utf8)) as? [String: Any])
        #expect(header["version"] as? Int == 2 && header["width"] as? Int == 100 && header["height"] as? Int == 30)
        #expect(header["timestamp"] as? Int == 1_780_000_000 && header["idle_time_limit"] as? Double == 2)
        #expect(header["title"] as? String == "Task \"q3\" ✓")
        let text = "\u{1B}[1mbold\u{1B}[0m\r\n\ttab \\ \"quote\" \u{7F} 数据"
        let line = Asciicast.output(at: 1.2345678, text)
        let event = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [Any])
        #expect(event.count == 3 && event[1] as? String == "o" && event[2] as? String == text)
        #expect(line.hasPrefix("[1.234568, \"o\", "))
        #expect(Asciicast.output(at: 1.2345678, text) == line, "the same input, the same line")
        #expect(Asciicast.output(at: 0, "") == #"[0.000000, "o", ""]"#)
    }
}
