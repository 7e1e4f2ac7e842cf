import ArchiveStore
import Foundation
import SigmicAPI

extension SyncEngine {
    /// Follows a live task: each connection is an attach session whose events are recorded in arrival
    /// order; the history replay is deduplicated by message id (upserts); streamed text is kept as a
    /// provisional message until the final history replaces it. A dropped connection is retried with
    /// backoff. When `done`/`error` arrives the task settles to its final state; when `wait` runs out it
    /// is left `live` and picked up by the next sync.
    func follow(_ id: String, account: AccountID, options: Options, isNew: Bool) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int64(options.wait * 1000))
        let row = try ensureRow(id, account: account)
        try await archive.write { try $0.markLive(row) }
        var attempt = 0
        var settled = false
        while !settled && ContinuousClock.now < deadline {
            attempt += 1
            let session = try await archive.write { try $0.beginAttachSession(task: row) }
            let outcome = try await readSession(id, row: row, session: session, deadline: deadline)
            try await archive.write { try $0.endAttachSession(session, reason: outcome.reason) }
            switch outcome {
            case .finished, .idle:
                settled = true
            case .dropped:
                let delay = client.configuration.retry.delay(beforeRetry: min(attempt, 6), retryAfter: nil, unit: Double.random(in: 0..<1))
                try? await Task.sleep(nanoseconds: UInt64(min(delay, 5) * 1e9))
            case .deadline:
                break
            }
        }
        if settled {
            _ = try await fetch(id, listed: nil, account: account, options: { var copy = options; copy.wait = 0; return copy }())
            _ = await state.update { isNew ? ($0.new += 1) : ($0.updated += 1) }
        } else {
            _ = await state.update { $0.live += 1 }
        }
    }

    enum SessionOutcome {
        /// `done` or `error` arrived: the run is over.
        case finished
        /// The stream said the task is not running (`history_done {isStreaming: false}`).
        case idle
        /// The connection ended without either.
        case dropped
        case deadline

        var reason: String {
            switch self {
            case .finished: "finished"
            case .idle: "idle"
            case .dropped: "dropped"
            case .deadline: "detached"
            }
        }
    }

    /// Reads one connection until it ends or the deadline passes.
    func readSession(_ id: String, row: TaskRowID, session: AttachSessionID, deadline: ContinuousClock.Instant) async throws -> SessionOutcome {
        let recorder = SessionRecorder(archive: archive, task: row, session: session)
        let onEvent = self.onEvent
        let reader = Task { () throws -> SessionOutcome in
            for try await record in client.stream(id) {
                try await recorder.record(record)
                onEvent(id, record.event)
                switch record.event {
                case .done, .error: return .finished
                case .historyDone(_, let streaming) where !streaming: return .idle
                default: continue
                }
            }
            return .dropped
        }
        let timer = Task {
            try? await Task.sleep(until: deadline, clock: .continuous)
            reader.cancel()
        }
        defer { timer.cancel() }
        do {
            // Cancelling the sync (Ctrl-C in `watch`) ends the read; what arrived is already committed.
            let outcome = try await withTaskCancellationHandler {
                try await reader.value
            } onCancel: {
                reader.cancel()
            }
            let count = await recorder.count
            _ = await state.update { $0.events += count }
            return outcome
        } catch {
            let count = await recorder.count
            _ = await state.update { $0.events += count }
            if reader.isCancelled { return .deadline }
            if let error = error as? SigmicAPIError, error.isRetryable { return .dropped }
            throw error
        }
    }

    /// The task's row, creating it from a get when only its id is known (`--task`).
    func ensureRow(_ id: String, account: AccountID) throws -> TaskRowID {
        if let row = try archive.taskRow(remoteID: id, account: account) { return row }
        throw SigmicAPIError(kind: .notFound, message: "task \(id) is not in the archive yet")
    }
}

/// Writes one attach session's events as they arrive: the replay is collected and written with its
/// messages at `history_done`; each live event is committed on its own.
actor SessionRecorder {
    let archive: Archive
    let task: TaskRowID
    let session: AttachSessionID
    private var seq = 0
    private var pending: [StreamEventSnapshot] = []
    private var replayed: [MessageSnapshot] = []
    private var live = false
    private var text = ""
    private(set) var count = 0

    init(archive: Archive, task: TaskRowID, session: AttachSessionID) {
        self.archive = archive
        self.task = task
        self.session = session
    }

    func record(_ record: StreamRecord) async throws {
        seq += 1
        count += 1
        let event = StreamEventSnapshot(seq: seq, type: record.type, data: record.data, receivedAt: Timestamp.string(from: Date()))
        if !live {
            pending.append(event)
            if case .historyMessage(let message) = record.event { replayed.append(Snapshots.message(message)) }
            if case .historyDone = record.event {
                live = true
                let (events, messages, task, session) = (pending, replayed, self.task, self.session)
                pending = []
                try await archive.write { writer in
                    try writer.appendEvents(events, session: session)
                    try writer.upsertMessages(messages, task: task)
                }
            }
            return
        }
        let (task, session) = (self.task, self.session)
        var provisional: MessageSnapshot?
        if case .content(let delta, _) = record.event {
            text += delta
            provisional = MessageSnapshot(remoteID: "live-\(session.rawValue)", role: "assistant", content: text,
                                          createdAt: event.receivedAt, rawJSON: "{}")
        }
        let messages = provisional.map { replayed + [$0] }
        try await archive.write { writer in
            try writer.appendEvents([event], session: session)
            if let messages { try writer.upsertMessages(messages, task: task) }
        }
    }
}
