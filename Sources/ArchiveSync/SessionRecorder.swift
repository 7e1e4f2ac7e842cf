import ArchiveStore
import Foundation
import SigmicAPI

/// Writes one attach session's events as they arrive. The history replay is collected and written
/// with its messages at `history_done` (deduplicated by message id: upserts); each live event is then
/// committed on its own, and streamed text is kept as a provisional message until the final history
/// replaces it.
actor SessionRecorder {
    let archive: Archive
    let task: TaskRowID
    let session: AttachSessionID
    let now: @Sendable () -> Date
    private var seq = 0
    private var pending: [StreamEventSnapshot] = []
    private var replayed: [MessageSnapshot] = []
    private var live = false
    private var text = ""
    private(set) var count = 0

    init(archive: Archive, task: TaskRowID, session: AttachSessionID, now: @escaping @Sendable () -> Date) {
        self.archive = archive
        self.task = task
        self.session = session
        self.now = now
    }

    func record(_ record: StreamRecord) async throws {
        seq += 1
        count += 1
        let event = StreamEventSnapshot(seq: seq, type: record.type, data: record.data, receivedAt: Timestamp.string(from: now()))
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
