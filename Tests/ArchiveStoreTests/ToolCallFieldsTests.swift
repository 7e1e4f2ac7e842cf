@testable import ArchiveStore
import Foundation
import Testing

/// The one-pass reading of a message's tool calls that `stats` counts on a folder: the three fields of
/// each call as SQLite's `json_extract` gives them, everything else skipped, malformed text refused.
@Suite struct ToolCallFieldsTests {
    typealias Call = ToolCallFields.Call

    static let cases: [(String, [Call]?)] = [
        (#"[]"#, []),
        (#"[{"callId":"c1","toolName":"grep","status":"success","args":{"a":[1,{"b":"}]"}]},"output":"x\"y"}]"#,
         [Call(callID: "c1", toolName: "grep", status: "success")]),
        (#" [ {"toolName" : "a" } , {"status":null,"callId":7} ] "#,
         [Call(callID: nil, toolName: "a", status: nil), Call(callID: "7", toolName: nil, status: nil)]),
        (#"[{"toolName":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \n"}]"#, [Call(callID: nil, toolName: "café 😀 \"q\" \\ / \n", status: nil)]),
        (#"[{"toolName":"lone \ud800 x"}]"#, [Call(callID: nil, toolName: "lone \u{FFFD} x", status: nil)]),
        (#"[{"toolName":"数据","status":true}]"#, [Call(callID: nil, toolName: "数据", status: "true")]),
        (#"{"toolName":"a"}"#, nil),
        (#"[{"toolName":"a"}"#, nil),
        (#"[{"toolName":"a"}] x"#, nil),
        (#"["a"]"#, nil),
        (#"[{"toolName":"a\q"}]"#, nil),
        ("", nil),
    ]

    @Test(arguments: 0..<cases.count)
    func callsAreReadAsJSONHasThem(case index: Int) {
        let (json, expected) = Self.cases[index]
        #expect(ToolCallFields.calls(in: json) == expected, "\(json)")
    }

    /// Against Foundation's parser, on arrays of calls made from awkward names.
    @Test func theReadingAgreesWithAFullParser() throws {
        let names = ["plain", "quote \" and \\ back", "tab\tnew\nline", "emoji 😀", "ctrl \u{1}", "}]{[", "ünïcödé"]
        for name in names {
            let object: [[String: Any]] = [["callId": "c-\(name)", "toolName": name, "status": "success", "args": ["nested": [name: [1, 2]]]]]
            let json = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
            #expect(ToolCallFields.calls(in: json) == [Call(callID: "c-\(name)", toolName: name, status: "success")], "\(json)")
        }
    }
}
