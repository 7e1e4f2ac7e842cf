import ArchiveExport
import Testing

/// How a stream reads on a terminal, one event at a time: the rendering `run`, `watch`, `replay`, an
/// asciicast and `serve`'s player share.
@Suite struct StreamScreenTests {
    /// (type, data, what the screen shows)
    static let lines: [(String, String, StreamScreen.Shown?)] = [
        ("status", #"{"status":"processing"}"#, .line("status: processing")),
        ("status", #"{"message":"queued"}"#, .line("status: queued")),
        ("thought", #"{"subject":"Reading","description":"long"}"#, .line("thinking: Reading")),
        ("tool_call", #"{"callId":"c1","toolName":"grep","status":"executing"}"#, .line("tool grep: executing")),
        ("tool_call", #"{"type":"tool_call","data":{"callId":"c2","toolName":"rm","status":"awaiting_approval"}}"#,
         .line("tool rm awaits approval: sigmic-archive approve T1 c2   (or --deny)")),
        ("tool_result", #"{"callId":"c1","status":"success","output":"x"}"#, .line("tool result: success")),
        ("content", #"{"text":"Hel","isPartial":true}"#, .streamed("Hel")),
        ("done", #"{"finalResponse":"Hello"}"#, .line("done")),
        ("error", #"{"message":"boom","code":"E1"}"#, .line("error: boom (E1)")),
        ("error", #"{"message":"boom"}"#, .line("error: boom")),
        ("history_message", #"{"id":"m1"}"#, nil),
        ("history_done", #"{"messageCount":2}"#, nil),
        ("subagent_start", #"{"name":"helper"}"#, nil),
        ("future_event", #"{"x":1}"#, nil),
        // Data that is not JSON is shown as it is, on one line.
        ("content", "not json\n<b>", .line(#"content: not json\n<b>"#)),
        ("mystery", "plain", .line("mystery: plain")),
        // Control characters from the server are shown, never obeyed.
        ("content", #"{"text":"\u001b[31mred\r\u0007"}"#, .streamed("␛[31mred␍␇")),
        ("status", #"{"status":"a\u009bb\u007f"}"#, .line("status: a�b␡")),
    ]

    @Test(arguments: 0..<lines.count)
    func eachEventReadsAsOneLineOrStreamedText(case index: Int) {
        let (type, data, expected) = Self.lines[index]
        #expect(StreamScreen.read(type: type, data: data, taskID: "T1") == expected)
    }

    @Test func streamedTextContinuesItsLineAndALineEndsIt() {
        var screen = StreamScreen(tagged: false)
        var out = ""
        for (type, data) in [("status", #"{"status":"processing"}"#), ("content", #"{"text":"Hel"}"#), ("content", #"{"text":"lo"}"#),
                             ("history_done", "{}"), ("done", "{}")] {
            out += screen.text(type: type, data: data, taskID: "T1")
        }
        #expect(out == "status: processing\nHello\ndone\n")
        #expect(!screen.endsMidLine)
        out = screen.text(type: "content", data: #"{"text":"more"}"#, taskID: "T1")
        #expect(out == "more" && screen.endsMidLine)
    }

    /// `watch` shows many tasks: each line is tagged, and another task's text starts a line of its own.
    @Test func taggedScreensNameTheTaskOfEachLine() {
        var screen = StreamScreen(tagged: true)
        let out = screen.text(type: "content", data: #"{"text":"one"}"#, taskID: "aaaaaaaa-1")
            + screen.text(type: "content", data: #"{"text":"two"}"#, taskID: "bbbbbbbb-2")
            + screen.text(type: "status", data: #"{"status":"done"}"#, taskID: "aaaaaaaa-1")
        #expect(out == "[aaaaaaaa] one\n[bbbbbbbb] two\n[aaaaaaaa] status: done\n")
    }

    @Test func toolCallsAreNamedForThePlayersMarks() {
        #expect(StreamScreen.toolName(type: "tool_call", data: #"{"toolName":"grep"}"#) == "grep")
        #expect(StreamScreen.toolName(type: "tool_call", data: #"{"type":"tool_call","data":{"toolName":"rm"}}"#) == "rm")
        #expect(StreamScreen.toolName(type: "tool_result", data: #"{"toolName":"grep"}"#) == nil)
        #expect(StreamScreen.toolName(type: "tool_call", data: "not json") == nil)
    }
}
