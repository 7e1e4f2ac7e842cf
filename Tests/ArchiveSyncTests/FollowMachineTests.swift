import ArchiveStore
import ArchiveSync
import SigmicAPI
import Testing

/// The follow machine's decisions, one row per path a followed stream can take. Times are seconds on
/// the follower's stopwatch; nothing here waits.
@Suite struct FollowMachineTests {
    enum Input: Sendable {
        case start(at: Double)
        case event(TaskStreamEvent)
        case ended(at: Double)
        case failed(FollowMachine.StreamFailure, at: Double)
        case deadlinePassed
        case detached(reading: Bool)
        case backoffElapsed(at: Double)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var approvals = FollowMachine.Approvals.ignore
        var pending: [FollowMachine.Call] = []
        /// Seconds.
        var deadline = 10.0
        var steps: [(Input, FollowMachine.Action)]
        var testDescription: String { name }
    }

    static let call = FollowMachine.Call(callID: "call_1", toolName: "write_file", args: .object(JSONObject(["path": JSONValue.string("a.txt")])))
    static let parked = FollowMachine.Call(callID: "call_0", toolName: "list_directory")
    static let awaiting = TaskStreamEvent.toolCall(callId: "call_1", toolName: "write_file", status: "awaiting_approval",
                                                   args: .object(JSONObject(["path": JSONValue.string("a.txt")])))
    static let live = TaskStreamEvent.historyDone(messageCount: 1, isStreaming: true)
    static let text = TaskStreamEvent.content(text: "hel", isPartial: true)

    static let cases: [Case] = [
        Case(name: "normal end: done settles with its answer", steps: [
            (.start(at: 0), .connect), (.event(live), .keepReading), (.event(text), .keepReading),
            (.event(.done(finalResponse: "hello")), .endSession(.finished, then: .settle(.finished(finalResponse: "hello")))),
        ]),
        Case(name: "an error event ends the run too", steps: [
            (.start(at: 0), .connect), (.event(live), .keepReading),
            (.event(.error(message: "boom", code: "AGENT_ERROR")), .endSession(.finished, then: .settle(.finished(finalResponse: nil)))),
        ]),
        Case(name: "a task that is not running: the replay ends it", steps: [
            (.start(at: 0), .connect),
            (.event(.historyDone(messageCount: 3, isStreaming: false)), .endSession(.idle, then: .settle(.finished(finalResponse: nil)))),
        ]),
        Case(name: "drop and reconnect, backing off longer each time", steps: [
            (.start(at: 0), .connect), (.event(live), .keepReading),
            (.ended(at: 1), .endSession(.dropped, then: .reconnect(retry: 1))), (.backoffElapsed(at: 2), .connect),
            (.ended(at: 3), .endSession(.dropped, then: .reconnect(retry: 2))), (.backoffElapsed(at: 4), .connect),
            (.event(.done(finalResponse: "ok")), .endSession(.finished, then: .settle(.finished(finalResponse: "ok")))),
        ]),
        Case(name: "the backoff stops growing after six retries", deadline: 1000, steps:
            [(.start(at: 0), .connect)] + (1...8).flatMap { retry -> [(Input, FollowMachine.Action)] in
                [(.ended(at: Double(retry)), .endSession(.dropped, then: .reconnect(retry: min(retry, 6)))),
                 (.backoffElapsed(at: Double(retry)), .connect)]
            }),
        Case(name: "idle timeout: a silent stream is a retryable failure, so it reconnects", steps: [
            (.start(at: 0), .connect), (.event(live), .keepReading),
            (.failed(.retryable, at: 5), .endSession(.dropped, then: .reconnect(retry: 1))), (.backoffElapsed(at: 6), .connect),
        ]),
        Case(name: "the wait runs out while reading", steps: [
            (.start(at: 0), .connect), (.event(live), .keepReading), (.deadlinePassed, .endSession(.detached, then: .settle(.detached))),
        ]),
        Case(name: "the wait runs out during a backoff", steps: [
            (.start(at: 0), .connect), (.ended(at: 9), .endSession(.dropped, then: .reconnect(retry: 1))),
            (.backoffElapsed(at: 10), .settle(.detached)),
        ]),
        Case(name: "a stream that drops after the wait is not reconnected", steps: [
            (.start(at: 0), .connect), (.ended(at: 10.5), .endSession(.dropped, then: .settle(.detached))),
        ]),
        Case(name: "no wait at all (--wait 0, --detach): settled without connecting", deadline: 0, steps: [
            (.start(at: 0), .settle(.detached)),
        ]),
        Case(name: "awaiting approval, asked: the question goes out once and reading goes on", approvals: .ask, steps: [
            (.start(at: 0), .connect), (.event(live), .keepReading), (.event(awaiting), .ask([call])), (.event(awaiting), .keepReading),
            (.event(.toolResult(callId: "call_1", status: "success", output: nil)), .keepReading),
            (.event(.done(finalResponse: "written")), .endSession(.finished, then: .settle(.finished(finalResponse: "written")))),
        ]),
        Case(name: "awaiting approval off a terminal: stop there", approvals: .stop, steps: [
            (.start(at: 0), .connect), (.event(live), .keepReading),
            (.event(awaiting), .endSession(.detached, then: .settle(.awaitingApproval(call)))),
        ]),
        Case(name: "awaiting approval during a sync: recorded, not acted on", steps: [
            (.start(at: 0), .connect), (.event(live), .keepReading), (.event(awaiting), .keepReading),
        ]),
        Case(name: "a call pending before we attached is raised at the end of the replay, once", approvals: .ask, pending: [parked], steps: [
            (.start(at: 0), .connect), (.event(live), .ask([parked])),
            (.ended(at: 1), .endSession(.dropped, then: .reconnect(retry: 1))), (.backoffElapsed(at: 2), .connect),
            (.event(live), .keepReading),
        ]),
        Case(name: "a call pending before we attached stops a follow off a terminal", approvals: .stop, pending: [parked], steps: [
            (.start(at: 0), .connect), (.event(live), .endSession(.detached, then: .settle(.awaitingApproval(parked)))),
        ]),
        Case(name: "detach on Ctrl-C while reading", steps: [
            (.start(at: 0), .connect), (.event(text), .keepReading), (.detached(reading: true), .endSession(.detached, then: .settle(.detached))),
        ]),
        Case(name: "detach on Ctrl-C between connections", steps: [
            (.start(at: 0), .connect), (.ended(at: 1), .endSession(.dropped, then: .reconnect(retry: 1))),
            (.detached(reading: false), .settle(.detached)),
        ]),
        Case(name: "session expired (410): settle what the server has, no reconnect", steps: [
            (.start(at: 0), .connect), (.failed(.sessionExpired, at: 1), .endSession(.dropped, then: .settle(.sessionExpired))),
        ]),
        Case(name: "a malformed event or a refused key: close the session and fail", steps: [
            (.start(at: 0), .connect), (.event(live), .keepReading), (.failed(.fatal, at: 1), .endSession(.dropped, then: .fail)),
        ]),
    ]

    @Test(arguments: cases)
    func eachPathOfAFollow(_ row: Case) {
        var machine = FollowMachine(deadline: .seconds(row.deadline), approvals: row.approvals, pending: row.pending)
        for (index, (input, expected)) in row.steps.enumerated() {
            let action: FollowMachine.Action = switch input {
            case .start(let at): machine.start(at: .seconds(at))
            case .event(let event): machine.received(event)
            case .ended(let at): machine.streamEnded(at: .seconds(at))
            case .failed(let failure, let at): machine.streamFailed(failure, at: .seconds(at))
            case .deadlinePassed: machine.deadlinePassed()
            case .detached(let reading): machine.detached(reading: reading)
            case .backoffElapsed(let at): machine.backoffElapsed(at: .seconds(at))
            }
            #expect(action == expected, "step \(index + 1) of “\(row.name)”")
        }
    }

    @Test(arguments: [
        (SigmicAPIError(kind: .http, status: 410, message: "session expired"), FollowMachine.StreamFailure.sessionExpired),
        (SigmicAPIError(kind: .timeout, message: "stream silent for 45 s"), .retryable),
        (SigmicAPIError(kind: .transport, message: "connection reset"), .retryable),
        (SigmicAPIError(kind: .server, status: 503, message: "unavailable"), .retryable),
        (SigmicAPIError(kind: .decoding, message: "stream event content: data is not JSON"), .fatal),
        (SigmicAPIError(kind: .auth, status: 401, message: "invalid key"), .fatal),
        (SigmicAPIError(kind: .notFound, status: 404, message: "no such task"), .fatal),
    ])
    func streamFailuresAreClassified(_ error: SigmicAPIError, expected: FollowMachine.StreamFailure) {
        #expect(FollowMachine.StreamFailure(error) == expected, "\(error)")
    }

    @Test func aFailureThatIsNotTheAPIsIsFatal() {
        struct DiskFull: Error {}
        #expect(FollowMachine.StreamFailure(DiskFull()) == .fatal)
    }
}
