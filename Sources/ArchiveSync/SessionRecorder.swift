import ArchiveStore
import Foundation
import SigmicAPI
import Pacing

/// Writes one attach session's events, a batch per commit. The history replay is collected and written
/// with its messages at `history_done` (deduplicated by message id: upserts); live events are then
/// committed as they come. Streamed text is kept as a provisional message until the final history
/// replaces it; as it grows with every delta it is rewritten at most every `provisionalInterval`
/// (and at the session's end), not with each event: rewriting a long answer per token made recording a
/// long stream quadratic.
actor SessionRecorder {
    let archive: any WritableArchive
    let task: TaskRowID
    let session: AttachSessionID
    let now: @Sendable () -> Date
    /// What `provisionalInterval` is measured on.
    let clock: Stopwatch
    /// The archive's on-sync rule, applied to every event and message before it is written.
    let redaction: OnSyncRedaction
    /// How stale the provisional message may be while text streams in.
    static let provisionalInterval: Duration = .milliseconds(250)
    private var seq = 0
    private var pending: [StreamEventSnapshot] = []
    private var replayed: [MessageSnapshot] = []
    private var live = false
    private var text = ""
    private var textWritten = true
    private var lastProvisional: Duration?
    private(set) var count = 0
    /// The content events written lately (seq, data as written), for `OnSyncRedaction.acrossEvents`.
    private var recentContent: [(seq: Int, data: String)] = []

    init(archive: any WritableArchive, task: TaskRowID, session: AttachSessionID, now: @escaping @Sendable () -> Date, clock: Stopwatch,
         redaction: OnSyncRedaction = .none) {
        self.archive = archive
        self.redaction = redaction
        self.task = task
        self.session = session
        self.now = now
        self.clock = clock
    }

    /// Records events in arrival order, in one transaction for those after the replay.
    func record(_ records: [StreamRecord]) async throws {
        var events: [StreamEventSnapshot] = []
        for record in records {
            seq += 1
            count += 1
            let event = redaction.event(StreamEventSnapshot(seq: seq, type: record.type, data: record.data,
                                                            receivedAt: Timestamp.string(from: now())))
            if live {
                events.append(event)
                if case .content(let delta, _) = record.event {
                    text += delta
                    textWritten = false
                }
                continue
            }
            pending.append(event)
            if case .historyMessage(let message) = record.event { replayed.append(redaction.message(Snapshots.message(message))) }
            if case .historyDone = record.event {
                live = true
                let (replay, messages, task, session) = (pending, replayed, self.task, self.session)
                pending = []
                try await archive.write { writer in
                    try writer.appendEvents(replay, session: session)
                    try writer.upsertMessages(messages, task: task)
                }
            }
        }
        guard !events.isEmpty else { return }
        let (batch, mended) = redaction.acrossEvents(recent: recentContent, batch: events)
        remember(batch)
        let provisional = provisionalDue() ? provisionalMessage() : nil
        let (task, session) = (self.task, self.session)
        try await archive.write { writer in
            for (seq, data) in mended { try writer.rewriteEventData(session, seq: seq, to: data) }
            try writer.appendEvents(batch, session: session)
            if let provisional { try writer.upsertMessages(provisional, task: task) }
        }
    }

    /// Keeps the latest content events, about `OnSyncRedaction.streamWindowBytes` of them, when the
    /// archive redacts on sync.
    private func remember(_ batch: [StreamEventSnapshot]) {
        guard redaction.redactor != nil else { return }
        recentContent += batch.filter { $0.type == "content" }.map { ($0.seq, $0.data) }
        var kept = 0
        var first = recentContent.count
        while first > 0 && kept < OnSyncRedaction.streamWindowBytes {
            first -= 1
            kept += recentContent[first].data.utf8.count
        }
        recentContent.removeFirst(first)
    }

    /// Writes the streamed text if it changed since it was last written: at the session's end.
    func finish() async throws {
        guard live, !textWritten else { return }
        let (messages, task) = (provisionalMessage(), self.task)
        try await archive.write { try $0.upsertMessages(messages, task: task) }
    }

    private func provisionalDue() -> Bool {
        guard !textWritten else { return false }
        let instant = clock.now
        if let last = lastProvisional, instant - last < Self.provisionalInterval { return false }
        lastProvisional = instant
        return true
    }

    /// The replayed history plus the text streamed so far, as the message it will become.
    private func provisionalMessage() -> [MessageSnapshot] {
        textWritten = true
        return replayed + [MessageSnapshot(remoteID: "live-\(session.rawValue)", role: "assistant", content: redaction.text(text),
                                           createdAt: Timestamp.string(from: now()), rawJSON: "{}")]
    }
}
