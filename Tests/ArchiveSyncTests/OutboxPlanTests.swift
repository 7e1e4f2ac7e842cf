import ArchiveStore
import ArchiveSync
import Foundation
import SigmicAPI
import Testing

@Suite struct OutboxPlanTests {
    static let now = Timestamp.parse("2026-12-06T12:00:00.000Z")!

    static func item(_ state: OutboxItem.State, kind: OutboxItem.Kind = .create, queued: String = "2026-12-06T11:00:00.000Z",
                     sending: String? = nil, message: String? = "Summarise q3", systemPrompt: String? = nil) -> OutboxItem {
        OutboxItem(id: 1, kind: kind, taskID: kind == .create ? nil : "t1", message: message, systemPrompt: systemPrompt, autoExecute: nil,
                   callID: kind == .approve ? "call_1" : nil, outcome: nil, state: state, queuedAt: queued, sendingAt: sending,
                   sentAt: nil, remoteID: nil, note: nil, files: [])
    }

    @Test(arguments: [
        ("queued an hour ago", item(.queued), false, OutboxPlan.Step.send),
        ("queued 8 days ago", item(.queued, queued: "2026-11-28T12:00:00.000Z"), false, .expire),
        ("expired, asked for", item(.expired, queued: "2026-11-28T12:00:00.000Z"), true, .send),
        ("expired, not asked for", item(.expired, queued: "2026-11-28T12:00:00.000Z"), false, .skip),
        ("interrupted while sending, 60 s ago", item(.sending, sending: "2026-12-06T11:59:00.000Z"), false, .reconcile),
        ("interrupted while sending, 10 s ago: may still land", item(.sending, sending: "2026-12-06T11:59:50.000Z"), false, .wait),
        ("sent", item(.sent), false, .skip),
        ("stale", item(.stale), false, .skip),
        ("failed", item(.failed), false, .skip),
    ])
    func eachItemIsSentExpiredReconciledOrLeft(_ label: String, item: OutboxItem, includeExpired: Bool, expected: OutboxPlan.Step) {
        #expect(OutboxPlan.step(for: item, now: Self.now, expiry: OutboxPlan.defaultExpiry, includeExpired: includeExpired, inFlight: 30) == expected,
                "\(label)")
    }

    static func task(_ id: String, message: String, systemPrompt: String? = nil, created: String) throws -> APITask {
        var object = #"{"id":"\#(id)","status":"pending","message":"\#(message)","createdAt":"\#(created)""#
        if let systemPrompt { object += #","systemPrompt":"\#(systemPrompt)""# }
        return try APITask(JSONValue.parse(Data((object + "}").utf8)), context: "test")
    }

    @Test func aCreateIsFoundByItsTextSinceItsSendBeganAndNotTwice() throws {
        let item = Self.item(.sending, sending: "2026-12-06T11:59:00.000Z", message: "Summarise q3", systemPrompt: "Be brief")
        let tasks = [
            try Self.task("old", message: "Summarise q3", systemPrompt: "Be brief", created: "2026-12-05T09:00:00.000Z"),
            try Self.task("other", message: "Summarise q4", systemPrompt: "Be brief", created: "2026-12-06T11:59:01.000Z"),
            try Self.task("no-prompt", message: "Summarise q3", created: "2026-12-06T11:59:01.000Z"),
            try Self.task("ours", message: "Summarise q3", systemPrompt: "Be brief", created: "2026-12-06T11:59:01.000Z"),
        ]
        #expect(OutboxPlan.createdTask(for: item, among: tasks, claimed: []) == "ours")
        #expect(OutboxPlan.createdTask(for: item, among: tasks, claimed: ["ours"]) == nil, "a task another item claimed is not ours")
        #expect(OutboxPlan.createdTask(for: item, among: Array(tasks.prefix(3)), claimed: []) == nil, "not sent yet: send it")
    }

    @Test func aFollowUpIsFoundInTheHistoryEvenWithTheUploadListBeforeIt() throws {
        let item = Self.item(.sending, kind: .followUp, sending: "2026-12-06T11:59:00.000Z", message: "Now chart it")
        func message(_ role: String, _ content: String, at time: String) throws -> APIMessage {
            try APIMessage(JSONValue.parse(Data(#"{"id":"m","role":"\#(role)","content":"\#(content)","createdAt":"\#(time)"}"#.utf8)),
                           context: "test")
        }
        #expect(OutboxPlan.followUpArrived(item, history: [try message("user", "Uploaded: uploads/a.csv\\nNow chart it", at: "2026-12-06T11:59:02.000Z")]))
        #expect(!OutboxPlan.followUpArrived(item, history: [try message("user", "Now chart it", at: "2026-12-01T10:00:00.000Z")]),
                "the same words days before are an earlier message")
        #expect(!OutboxPlan.followUpArrived(item, history: [try message("assistant", "Now chart it", at: "2026-12-06T11:59:02.000Z")]))
    }

    @Test(arguments: [
        (SigmicAPIError(kind: .unreachable, message: "refused"), OutboxPlan.AfterFailure.queueAgainAndStop),
        (SigmicAPIError(kind: .timeout, message: "timed out"), .keepSendingAndStop),
        (SigmicAPIError(kind: .server, status: 503, message: "busy"), .keepSendingAndStop),
        (SigmicAPIError(kind: .auth, status: 401, message: "bad key"), .stop),
        (SigmicAPIError(kind: .cancelled, message: "cancelled"), .stop),
        (SigmicAPIError(kind: .validation, request: "POST /x", status: 400, message: "Task is running"), .fail(note: "POST /x HTTP 400: Task is running")),
    ])
    func aFailedSendIsQueuedAgainKeptForReconcilingOrRecorded(error: SigmicAPIError, expected: OutboxPlan.AfterFailure) {
        #expect(OutboxPlan.afterFailure(error) == expected)
    }

    @Test func onlyAnUnreachableOrSilentAPIIsQueuedByTheCommands() {
        #expect(OutboxPlan.isOffline(SigmicAPIError(kind: .unreachable, message: "")))
        #expect(OutboxPlan.isOffline(SigmicAPIError(kind: .transport, message: "")))
        #expect(!OutboxPlan.isOffline(SigmicAPIError(kind: .auth, status: 401, message: "")), "a wrong key is never queued")
        #expect(!OutboxPlan.isOffline(SigmicAPIError(kind: .validation, status: 400, message: "")), "nor a request the API refused")
    }
}

/// Which items wait behind one whose interrupted send may still reach the server: only its own task's.
@Suite struct OutboxHoldTests {
    static func item(_ kind: OutboxItem.Kind, task: String?, state: OutboxItem.State = .queued, sendingAt: String? = nil) -> OutboxItem {
        OutboxItem(id: 1, accountBaseURL: "", kind: kind, taskID: task, message: "m", systemPrompt: nil, autoExecute: nil, callID: nil,
                   outcome: nil, state: state, queuedAt: "2026-12-06T11:00:00.000Z", sendingAt: sendingAt, sentAt: nil, remoteID: nil,
                   note: nil, files: [])
    }

    @Test(arguments: [
        ("a reply behind a reply to the same task", item(.followUp, task: "a"), item(.followUp, task: "a"), true),
        ("a cancel behind a reply to the same task", item(.cancel, task: "a"), item(.followUp, task: "a"), true),
        ("an approval behind a cancel of the same task", item(.approve, task: "a"), item(.cancel, task: "a"), true),
        ("a reply to another task", item(.followUp, task: "b"), item(.followUp, task: "a"), false),
        ("a new run behind a reply", item(.create, task: nil), item(.followUp, task: "a"), false),
        ("a new run behind a new run", item(.create, task: nil), item(.create, task: nil), false),
        ("a reply behind a new run", item(.followUp, task: "a"), item(.create, task: nil), false),
    ])
    func onlyTheSameTaskWaits(_ label: String, item: OutboxItem, held: OutboxItem, waits: Bool) {
        #expect(OutboxPlan.mustWait(item, behind: held) == waits, "\(label)")
    }

    @Test func anItemBeingSentIsLookedForAfterItsWindow() throws {
        let sending = Self.item(.followUp, task: "a", state: .sending, sendingAt: "2026-12-06T11:00:00.000Z")
        let after = try #require(OutboxPlan.lookedForAfter(sending, inFlight: 60))
        #expect(Timestamp.string(from: after) == "2026-12-06T11:01:00.000Z")
        #expect(OutboxPlan.lookedForAfter(Self.item(.followUp, task: "a"), inFlight: 60) == nil, "a queued item is not being sent")
    }
}

/// An action kept in the outbox is the same action when it is read back to be sent.
@Suite struct TaskRequestTests {
    @Test(arguments: [
        TaskRequest.create(message: "Summarise q3", systemPrompt: "Be brief", autoExecute: false, files: []),
        .followUp(taskID: "t1", message: "And q4?", files: []),
        .approve(taskID: "t1", callID: "call_7", outcome: .cancel),
        .cancel(taskID: "t1"),
    ])
    func anActionSurvivesTheOutbox(_ request: TaskRequest) {
        let kept = request.outboxItem
        let stored = OutboxItem(id: 1, kind: kept.kind, taskID: kept.taskID, message: kept.message, systemPrompt: kept.systemPrompt,
                                autoExecute: kept.autoExecute, callID: kept.callID, outcome: kept.outcome, state: .queued,
                                queuedAt: "2026-12-06T11:00:00.000Z", sendingAt: nil, sentAt: nil, remoteID: nil, note: nil, files: [])
        let again = TaskRequest(stored, files: []).outboxItem
        #expect(again.kind == kept.kind && again.taskID == kept.taskID && again.message == kept.message
                && again.systemPrompt == kept.systemPrompt && again.autoExecute == kept.autoExecute
                && again.callID == kept.callID && again.outcome == kept.outcome, "\(request)")
    }
}
