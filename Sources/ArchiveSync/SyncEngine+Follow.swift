import ArchiveStore
import Foundation
import SigmicAPI
import Pacing

extension SyncEngine {
    /// Follows a live task (`FollowMachine` decides, `StreamFollower` acts): each connection is an
    /// attach session whose events are recorded in arrival order. When `done`/`error` arrives the task
    /// settles to its final state; when `wait` runs out it is committed as it is now (left `live`, or
    /// synced while it awaits approval) and picked up by the next sync.
    func follow(_ id: String, account: AccountID, options: Options, isNew: Bool) async throws {
        let deadline = clock.now + options.waitDuration
        guard let row = try await archive.taskRow(remoteID: id, account: account) else { throw SyncError.notInArchive(taskID: id) }
        try await archive.write { try $0.markLive(row) }
        let pending = options.approvals == .ignore ? [] : await pendingApprovals(of: id)
        let machine = FollowMachine(deadline: deadline, approvals: options.approvals, pending: pending)
        let recording = ArchivedFollow(engine: self, taskID: id, row: row)
        let ending = try await StreamFollower(client: client).follow(id, machine: machine, recording: recording, ask: options.askAbout)
        // Ended or not, the task is fetched as it is now: when left running, the archive still shows
        // what it has done so far and what it waits for (a call awaiting approval).
        var settling = options
        settling.wait = 0
        let fetched = try await fetch(id, listed: nil, account: account, options: settling)
        options.followEnded?(id, ending)
        guard case .committed(let settlement) = fetched else { return }
        await count(settlement, taskID: id, isNew: isNew)
    }

    /// The calls the task awaited when it was last fetched (just before it is followed).
    private func pendingApprovals(of taskID: String) async -> [FollowMachine.Call] {
        guard let text = try? await archive.task(matching: taskID).pendingApprovalsJSON,
              let calls = try? JSONValue.parse(Data(text.utf8)).array else { return [] }
        return calls.compactMap(FollowMachine.Call.init(pending:))
    }
}

/// Records a followed stream in the archive: an attach session per connection, its events through a
/// `SessionRecorder`, each batch shown (`onEvent`) once it is committed.
actor ArchivedFollow: FollowRecording {
    private let engine: SyncEngine
    private let taskID: String
    private let row: TaskRowID
    private var session: (id: AttachSessionID, recorder: SessionRecorder)?

    init(engine: SyncEngine, taskID: String, row: TaskRowID) {
        (self.engine, self.taskID, self.row) = (engine, taskID, row)
    }

    func sessionBegan() async throws {
        let row = self.row
        let id = try await engine.archive.write { try $0.beginAttachSession(task: row) }
        session = (id, SessionRecorder(archive: engine.archive, task: row, session: id, now: engine.now, clock: engine.clock,
                                          redaction: engine.onSync))
    }

    func record(_ records: [StreamRecord]) async throws {
        guard let recorder = session?.recorder else { return }
        try await recorder.record(records)
        for record in records { engine.onEvent(taskID, record) }
    }

    func sessionEnded(_ reason: AttachSessionEnd) async throws {
        guard let (id, recorder) = session else { return }
        session = nil
        try await recorder.finish()
        let count = await recorder.count
        _ = await engine.tally.update { $0.events += count }
        try await engine.archive.write { try $0.endAttachSession(id, reason: reason) }
    }
}
