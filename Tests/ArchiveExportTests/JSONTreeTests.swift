@testable import ArchiveExport
import Foundation
import Testing

@Suite struct JSONTreeTests {
    @Test(arguments: [
        #"{"b":1,"a":[true,false,null],"c":{"d":"e"}}"#,
        #"[0.30000000000000004,1e400,-0,12345678901234567890]"#,
        #""tab\tquote\"backslash\\newline\nnul\u0000""#,
        #"{"emoji":"😀","cjk":"数据","rtl":"שלום"}"#,
        "[]", "{}", "\"\"",
    ])
    func compactOutputRoundTrips(text: String) throws {
        let tree = try JSONTree.parse(text)
        #expect(try JSONTree.parse(tree.compact) == tree)
        #expect(try JSONTree.parse(tree.pretty) == tree)
    }

    @Test func numbersAndKeyOrderAreKeptAsWritten() throws {
        let text = #"{"z":0.30000000000000004,"a":1E+2,"m":-0.0}"#
        #expect(try JSONTree.parse(text).compact == text)
    }

    @Test func escapesDecodeToTheExactString() throws {
        let tree = try JSONTree.parse(#""a\/b \u00e9 \ud83d\ude00 \ud800x""#)
        #expect(tree.stringValue == "a/b é 😀 \u{FFFD}x")
        // Foundation reads what we write.
        let awkward = "line\u{2028}sep\u{0}nul\u{7F}del\"q\\"
        let written = JSONTree.array([.string(awkward)]).compact
        let read = try JSONSerialization.jsonObject(with: Data(written.utf8)) as? [String]
        #expect(read == [awkward])
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "\"unterminated", "\"ctl\u{1}\"", "tru", "[1] x",
                      String(repeating: "[", count: 600) + String(repeating: "]", count: 600)])
    func badJSONIsAnErrorNotACrash(text: String) {
        #expect(throws: JSONTree.ParseError.self) { try JSONTree.parse(text) }
    }

    /// Strings without anything to escape are copied whole; each kind of escaped scalar is still caught.
    @Test(arguments: [
        ("plain … – “quoted” é 数据", "plain … – “quoted” é 数据"),
        ("a\u{2028}b\u{2029}", "a\\u2028b\\u2029"),
        ("c1\u{85}\u{9F}", "c1\\u0085\\u009f"),
        ("bom\u{FEFF} \u{FFFE}\u{FFFF}", "bom\\ufeff \\ufffe\\uffff"),
        ("q\"\\\n\u{7F}\u{1}", "q\\\"\\\\\\n\\u007f\\u0001"),
        ("\u{A0}\u{2027}\u{202A}\u{FEFE}", "\u{A0}\u{2027}\u{202A}\u{FEFE}"),
    ])
    func stringsAreEscapedExactlyWhereJSONNeedsIt(text: String, escaped: String) {
        var out = ""
        JSONTree.writeString(text, to: &out)
        #expect(out == "\"" + escaped + "\"")
    }
}
