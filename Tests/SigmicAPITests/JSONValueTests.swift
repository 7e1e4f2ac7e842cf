import Foundation
import SigmicAPI
import Testing

@Suite struct JSONValueTests {
    @Test(arguments: [
        #"{"a":1,"b":[true,false,null],"c":{"d":"e"}}"#,
        #"[1.5,-2,3e2,0,"x\"y\\z\/\n\t\u00e9\ud83d\ude80"]"#,
        #"  {"empty":{},"list":[],"s":""}  "#,
        #""日本語 🚀""#,
        "123",
    ])
    func parsesLikeFoundation(text: String) throws {
        let ours = try JSONValue.parse(Data(text.utf8))
        let reference = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(ours == reference)
    }

    @Test(arguments: ["", "{", #"{"a":}"#, "[1,]", #""unterminated"#, "tru", "{\"a\":1}x", "\"\u{1}\"", #"{"a" 1}"#])
    func rejectsMalformedJSON(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Data(text.utf8)) }
    }

    @Test func surrogatePairsAndEscapesRoundTrip() throws {
        let value = try JSONValue.parse(Data(#"{"k":"a\u0000b\ud83d\ude80"}"#.utf8))
        #expect(value["k"]?.string == "a\u{0}b🚀")
        #expect(value.canonicalText == #"{"k":"a\u0000b🚀"}"#)
    }

    @Test func canonicalTextSortsKeysAndEscapesOnlyWhatJSONRequires() throws {
        let value = try JSONValue.parse(Data(#"{"b":"q\"\\\n\r\t\u0001\u001f/ü\u2028","a":[1,2.5,-3,1e300,true,null],"é":{},"Z":[]}"#.utf8))
        #expect(value.canonicalText == #"{"Z":[],"a":[1,2.5,-3,1e300,true,null],"b":"q\"\\\n\r\t\u0001\u001f/ü\#u{2028}","é":{}}"#)
        #expect(try JSONValue.parse(Data(value.canonicalText.utf8)) == value)
    }

    /// Numbers are kept as sent: a `Double` would round 2^63-1 and 0.1000000000000000055, overflow
    /// 1e400, and write -0 and 1.0 in other forms.
    @Test func numbersKeepTheirSourceText() throws {
        let text = #"{"big":9223372036854775807,"exp":-2.5E-3,"huge":1e400,"negZero":-0,"one":1.0,"tenth":0.1000000000000000055}"#
        let value = try JSONValue.parse(Data(text.utf8))
        #expect(value.canonicalText == text)
        #expect(value["big"]?.int64 == Int64.max)
        #expect(value["one"]?.int == 1)
        #expect(value["huge"]?.int64 == nil)
        guard case .number(let huge)? = value["huge"] else { Issue.record("not a number"); return }
        #expect(huge.double == .infinity)
        #expect(value["one"] == .number(1))
    }

    @Test(arguments: ["01", "1.", ".5", "+1", "1e", "1e+", "-", "--1", "0x10", "1.5.2", "1e5e5"])
    func rejectsNumbersOutsideTheGrammar(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Data("[\(text)]".utf8)) }
        #expect(JSONNumber(text: text) == nil)
    }

    @Test func aRepeatedKeyCountsOnceWithItsLastValue() throws {
        let value = try JSONValue.parse(Data(#"{"b":1,"a":true,"b":2,"c":{"x":1,"x":[3]}}"#.utf8))
        #expect(value["b"]?.int == 2)
        #expect(value["c"]?["x"]?.array == [.number(3)])
        #expect(value.canonicalText == #"{"a":true,"b":2,"c":{"x":[3]}}"#)
        #expect(value == (try JSONDecoder().decode(JSONValue.self, from: Data(#"{"a":true,"b":2,"c":{"x":[3]}}"#.utf8))))
    }

    @Test func objectsAreEqualWhateverTheirKeyOrder() throws {
        let one = try JSONValue.parse(Data(#"{"a":1,"b":[{"y":2,"x":1}],"c":null}"#.utf8))
        let other = try JSONValue.parse(Data(#"{"c":null,"b":[{"x":1,"y":2}],"a":1}"#.utf8))
        #expect(one == other)
        #expect(one.canonicalText == other.canonicalText)
        #expect(one != (try JSONValue.parse(Data(#"{"a":1,"b":[{"x":1,"y":3}],"c":null}"#.utf8))))
        #expect(one != (try JSONValue.parse(Data(#"{"a":1,"b":[{"x":1,"y":2}]}"#.utf8))))
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Data(deep.utf8)) }
    }
}
