import ArchiveExport
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
}
