import SigmicAPI
import Testing

@Suite struct TaskStreamEventTests {
    func decode(_ type: String, _ data: String) throws -> TaskStreamEvent {
        try TaskStreamEvent.decode(SSEEvent(type: type, data: data)).0
    }

    @Test func toolCallsAreAcceptedBareAndWrapped() throws {
        let bare = try decode("tool_call", #"{"callId":"call_456","toolName":"write_file","status":"executing","args":{"path":"output.csv"}}"#)
        let wrapped = try decode("tool_call", #"{"type":"tool_call","data":{"callId":"call_456","toolName":"write_file","status":"executing","args":{"path":"output.csv"}}}"#)
        #expect(bare == wrapped)
        guard case .toolCall(let callId, let toolName, let status, let args) = bare else { Issue.record("not a tool call"); return }
        #expect(callId == "call_456" && toolName == "write_file" && status == "executing")
        #expect(args?["path"]?.string == "output.csv")
    }

    @Test func unknownEventTypesArePassedThroughWithTheirData() throws {
        let (event, json) = try TaskStreamEvent.decode(SSEEvent(type: "usage_report", data: #"{"tokens":42}"#))
        #expect(event == .unknown(type: "usage_report"))
        #expect(json["tokens"]?.int == 42)
        let (plain, raw) = try TaskStreamEvent.decode(SSEEvent(type: "note", data: "not json"))
        #expect(plain == .unknown(type: "note"))
        #expect(raw == .string("not json"))
    }

    @Test func unknownFieldsAreKeptInTheRawJSON() throws {
        let (event, json) = try TaskStreamEvent.decode(SSEEvent(type: "history_message",
            data: #"{"id":"msg-1","role":"user","content":"hi","createdAt":"2026-01-26T15:50:54.870Z","reactions":["👍"],"future":{"x":1}}"#))
        guard case .historyMessage(let message) = event else { Issue.record("not a message"); return }
        #expect(message.raw["reactions"]?.array?.first?.string == "👍")
        #expect(json.canonicalText.contains(#""future":{"x":1}"#))
    }

    @Test func missingOptionalFieldsAreFine() throws {
        #expect(try decode("content", #"{"text":"x"}"#) == .content(text: "x", isPartial: false))
        #expect(try decode("error", #"{"message":"boom"}"#) == .error(message: "boom", code: nil))
        #expect(try decode("done", "{}") == .done(finalResponse: ""))
    }

    @Test func malformedJSONInAKnownEventIsAnError() {
        #expect(throws: SigmicAPIError.self) { try decode("content", "{\"text\":") }
    }
}
