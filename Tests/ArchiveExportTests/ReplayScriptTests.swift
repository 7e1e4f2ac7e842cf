import ArchiveExport
import ArchiveStore
import Foundation
import Testing

/// A recorded stream made ready to show again: the text of each event (StreamScreen) at its time
/// (ReplayTimeline), sessions one after another, a start point, one session, and asciicast.
@Suite struct ReplayScriptTests {
    static let start = Date(timeIntervalSince1970: 1_780_000_000)

    /// Events of (session, seconds after start, type, data).
    static func events(_ list: [(Int, Double, String, String)]) -> [StoredEvent] {
        var seqs: [Int: Int] = [:]
        return list.map { session, at, type, data in
            defer { seqs[session, default: 0] += 1 }
            return StoredEvent(session: AttachSessionID(rawValue: Int64(session)), seq: seqs[session, default: 0], type: type, data: data,
                               receivedAt: Timestamp.string(from: start.addingTimeInterval(at)))
        }
    }

    static let twoSessions = events([
        (7, 0, "status", #"{"status":"processing"}"#),
        (7, 1, "content", #"{"text":"Hel"}"#),
        (7, 1.5, "content", #"{"text":"lo"}"#),
        (9, 3_601.5, "tool_call", #"{"callId":"c1","toolName":"grep","status":"executing"}"#),
        (9, 3_610, "done", "{}"),
    ])

    @Test func sessionsPlayOneAfterAnotherWithTheUnwatchedTimeBetween() throws {
        let script = try ReplayScript(events: Self.twoSessions, taskID: "T1")
        #expect(script.frames.map(\.at) == [0, 1, 1.5, 3.5, 3.5, 5.5])
        #expect(script.frames.map(\.text) == ["status: processing\n", "Hel", "lo",
                                               "\n── session 2 · not watched for 1 h ──\n", "tool grep: executing\n", "done\n"])
        #expect(script.frames.map(\.session) == [1, 1, 1, 2, 2, 2])
        #expect(script.frames.map(\.toolName) == [nil, nil, nil, nil, "grep", nil])
        #expect(script.sessionCount == 2 && script.duration == 5.5 && script.startedAt == 1_780_000_000)
    }

    /// (options, expected frame times)
    static let pacing: [(speed: Double, idle: Double, session: Int?, from: Double, times: [Double])] = [
        (2, 2, nil, 0, [0, 0.5, 0.75, 1.75, 1.75, 2.75]),
        (0, 2, nil, 0, [0, 0, 0, 0, 0, 0]),
        (1, 10, nil, 0, [0, 1, 1.5, 11.5, 11.5, 20]),
        (1, 2, nil, 1.5, [0, 0, 0, 2, 2, 4]),          // what came before 1.5 s is shown at once
        (2, 2, nil, 1.5, [0, 0, 0, 1, 1, 2]),          // `from` is a time at 1×, whatever the speed
        (1, 2, 2, 0, [0, 2]),                          // the second session alone
    ]

    @Test(arguments: 0..<pacing.count)
    func speedIdleLimitSessionAndStart(case index: Int) throws {
        let row = Self.pacing[index]
        var options = ReplayScript.Options()
        (options.speed, options.idleLimit, options.session, options.from) = (row.speed, row.idle, row.session, row.from)
        let script = try ReplayScript(events: Self.twoSessions, taskID: "T1", options: options)
        #expect(script.frames.map(\.at) == row.times)
    }

    @Test func aSessionOutOfRangeIsRefused() {
        var options = ReplayScript.Options()
        options.session = 3
        #expect(throws: ReplayScript.Problem.noSuchSession(asked: 3, sessions: 2)) {
            try ReplayScript(events: Self.twoSessions, taskID: "T1", options: options)
        }
        #expect(throws: ReplayScript.Problem.self) { try ReplayScript(events: [], taskID: "T1", options: options) }
        #expect(throws: Never.self) { try ReplayScript(events: [], taskID: "T1") }
    }

    @Test func aStreamCutMidLineEndsWithANewline() throws {
        let script = try ReplayScript(events: Self.events([(1, 0, "content", #"{"text":"cut"}"#)]), taskID: "T1")
        #expect(script.text == "cut\n")
    }

    @Test func theAsciicastIsTheReplayWithTerminalNewlines() throws {
        let script = try ReplayScript(events: Self.twoSessions, taskID: "T1")
        let cast = script.asciicast(title: "Replay \"me\"", idleLimit: 2)
        let lines = cast.split(separator: "\n").map { Data($0.utf8) }
        let header = try #require(try JSONSerialization.jsonObject(with: lines[0]) as? [String: Any])
        #expect(header["version"] as? Int == 2 && header["timestamp"] as? Int == 1_780_000_000 && header["title"] as? String == "Replay \"me\"")
        let outputs = try lines.dropFirst().map { try #require(try JSONSerialization.jsonObject(with: $0) as? [Any]) }
        #expect(outputs.map { $0[0] as? Double } == [0, 1, 1.5, 3.5, 3.5, 5.5])
        let text = outputs.map { $0[2] as? String ?? "" }.joined()
        #expect(text == script.text.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(script.asciicast(title: "Replay \"me\"", idleLimit: 2) == cast, "deterministic")
    }

    @Test(arguments: [(45.0, "45 s"), (192, "3 min 12 s"), (180, "3 min"), (7_500, "2 h 5 min"), (3_600, "1 h"),
                      (86_400, "1 day"), (273_600, "3 days 4 h"), (0.4, "0 s")])
    func spansReadAsPeopleSayThem(seconds: Double, text: String) {
        #expect(ReplayScript.span(seconds) == text)
    }

    /// The digit-by-digit reading of canonical timestamps agrees with the date parser.
    @Test func timestampsAreReadAsTheParserReadsThem() {
        for text in ["1970-01-01T00:00:00.000Z", "2026-02-28T23:59:59.999Z", "2024-02-29T12:00:00.500Z", "2000-03-01T00:00:00.001Z",
                     "1969-12-31T23:59:59.000Z", "2100-12-31T01:02:03.004Z", "2026-01-26T15:50:54.870Z"] {
            let parsed = Timestamp.parse(text)?.timeIntervalSince1970
            #expect(Timestamp.seconds(text).map { ($0 * 1_000).rounded() } == parsed.map { ($0 * 1_000).rounded() }, "\(text)")
        }
        #expect(Timestamp.seconds("2026-01-26T16:50:54+01:00") == Timestamp.seconds("2026-01-26T15:50:54.000Z"))
        #expect(Timestamp.seconds("yesterday") == nil)
    }
}
