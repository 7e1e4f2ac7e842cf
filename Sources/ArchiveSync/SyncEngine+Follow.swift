import ArchiveStore
import Foundation
import SigmicAPI

extension SyncEngine {
    /// Follows a live task: each connection is an attach session whose events are recorded in arrival
    /// order (`SessionRecorder`). A dropped connection is reconnected after the client's retrier has
    /// waited. When `done`/`error` arrives the task settles to its final state; when `wait` runs out it
    /// is committed as it is now (left `live`, or synced while it awaits approval) and picked up by the
    /// next sync.
    func follow(_ id: String, account: AccountID, options: Options, isNew: Bool) async throws {
        let deadline = ContinuousClock.now + options.waitDuration
        guard let row = try archive.taskRow(remoteID: id, account: account) else { throw SyncError.notInArchive(taskID: id) }
        try await archive.write { try $0.markLive(row) }
        var attempt = 0
        var ended = false
        reading: while !ended && ContinuousClock.now < deadline {
            attempt += 1
            let session = try await archive.write { try $0.beginAttachSession(task: row) }
            let outcome = try await readSession(id, row: row, session: session, deadline: deadline, detachAfter: options.detachAfter)
            try await archive.write { try $0.endAttachSession(session, reason: outcome.reason) }
            switch SessionOutcome.next(after: outcome) {
            case .settle:
                ended = true
            case .reconnect:
                // Capped at 5 s: a stream is worth reconnecting to quickly while its run goes on.
                do { try await client.retrier.wait(beforeRetry: min(attempt, 6), atMost: 5) } catch { break reading }
            case .detach:
                break reading
            }
        }
        // Ended or not, the task is fetched as it is now: when left running, the archive still shows
        // what it has done so far and what it waits for (a call awaiting approval).
        var settling = options
        settling.wait = 0
        guard case .committed(let settlement) = try await fetch(id, listed: nil, account: account, options: settling) else { return }
        await count(settlement, taskID: id, isNew: isNew)
    }

    enum SessionOutcome: Equatable {
        /// `done` or `error` arrived: the run is over.
        case finished
        /// The stream said the task is not running (`history_done {isStreaming: false}`).
        case idle
        /// The connection ended without either.
        case dropped
        /// The sync's wait ran out (or it was cancelled).
        case deadline

        var reason: AttachSessionEnd {
            switch self {
            case .finished: .finished
            case .idle: .idle
            case .dropped: .dropped
            case .deadline: .detached
            }
        }

        enum Next { case settle, reconnect, detach }

        /// What follows a session: settle a run that ended, reconnect a dropped stream, or detach.
        static func next(after outcome: SessionOutcome) -> Next {
            switch outcome {
            case .finished, .idle: .settle
            case .dropped: .reconnect
            case .deadline: .detach
            }
        }

        /// What the last event of a session says about it, if it ends it.
        static func ending(with event: TaskStreamEvent) -> SessionOutcome? {
            switch event {
            case .done, .error: .finished
            case .historyDone(_, let streaming) where !streaming: .idle
            default: nil
            }
        }
    }

    /// Reads one connection until it ends or the deadline passes. Reading and recording run side by
    /// side: the reader queues each event as it arrives, and the recorder commits whatever has queued
    /// while its previous commit ran, so a fast stream costs a commit per batch, not per event (a
    /// 20,000-event stream, see BENCHMARKS.md). `onEvent` sees each event once it is committed.
    func readSession(_ id: String, row: TaskRowID, session: AttachSessionID, deadline: ContinuousClock.Instant,
                     detachAfter: (@Sendable (TaskStreamEvent) -> Bool)? = nil) async throws -> SessionOutcome {
        let recorder = SessionRecorder(archive: archive, task: row, session: session, now: now)
        let queue = EventQueue()
        let (arrivals, arrived) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let onEvent = self.onEvent
        let reader = Task { () throws -> SessionOutcome in
            defer { arrived.finish() }
            for try await record in client.stream(id) {
                await queue.append(record)
                arrived.yield()
                if let end = SessionOutcome.ending(with: record.event) { return end }
                if detachAfter?(record.event) == true { return .deadline }
            }
            return .dropped
        }
        let writer = Task {
            do {
                for await _ in arrivals { try await Self.commit(await queue.takeAll(), to: recorder, taskID: id, onEvent: onEvent) }
                try await Self.commit(await queue.takeAll(), to: recorder, taskID: id, onEvent: onEvent)
                try await recorder.finish()
            } catch {
                reader.cancel()   // nothing more can be recorded: stop reading
                throw error
            }
        }
        let timer = Task {
            try? await Task.sleep(until: deadline, clock: .continuous)
            reader.cancel()
        }
        defer { timer.cancel() }
        let outcome: Result<SessionOutcome, any Error> = await withTaskCancellationHandler {
            // Cancelling the sync (Ctrl-C in `watch`) ends the read; what arrived is committed below.
            await reader.result
        } onCancel: {
            reader.cancel()
        }
        // Every event read is committed before the session ends (or the failure to commit is thrown).
        try await writer.value
        await countEvents(recorder)
        switch outcome {
        case .success(let outcome):
            return outcome
        case .failure(let error):
            if reader.isCancelled { return .deadline }
            if let error = error as? SigmicAPIError, error.isRetryable { return .dropped }
            throw error
        }
    }

    private static func commit(_ records: [StreamRecord], to recorder: SessionRecorder, taskID: String,
                               onEvent: @Sendable (String, TaskStreamEvent) -> Void) async throws {
        guard !records.isEmpty else { return }
        try await recorder.record(records)
        for record in records { onEvent(taskID, record.event) }
    }

    private func countEvents(_ recorder: SessionRecorder) async {
        let count = await recorder.count
        _ = await tally.update { $0.events += count }
    }
}

/// Events read but not yet committed, in arrival order.
actor EventQueue {
    private var records: [StreamRecord] = []

    func append(_ record: StreamRecord) {
        records.append(record)
    }

    func takeAll() -> [StreamRecord] {
        defer { records = [] }
        return records
    }
}
