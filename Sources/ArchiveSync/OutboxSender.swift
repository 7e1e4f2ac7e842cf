public import ArchiveStore
public import Foundation
public import SigmicAPI

/// Sends one account's outbox, in the order it was queued, each item exactly once: an item is marked
/// `sending` in a committed write before its request goes out and `sent` in the write that records
/// the answer; one found `sending` (after a crash or a timeout) is looked for on the server first
/// (`OutboxPlan`). The decisions are `OutboxPlan`'s; this carries them out.
public struct OutboxSender: Sendable {
    public struct Report: Sendable, Equatable, Codable {
        /// Items sent now, or found to have arrived before.
        public var sent: [Int64] = []
        public var stale: [Int64] = []
        public var failed: [Int64] = []
        public var expired: [Int64] = []
        /// Items still waiting: queued, or interrupted mid-send.
        public var waiting = 0
        /// Why sending stopped before the end (the API could not be reached, or answered with a
        /// timeout or a server error); nil when every item was tried or held.
        public var stoppedBecause: String?
        /// Items interrupted mid-send whose request may still reach the server, each with the items of
        /// its task that wait behind it.
        public var held: [Held] = []

        public struct Held: Sendable, Equatable, Codable {
            public var id: Int64
            /// When it is looked for on the server (and sent again if absent): a timestamp.
            public var lookedForAfter: String
            /// The items of the same task queued after it, which wait until then.
            public var holding: [Int64] = []
        }

        public init() {}
    }

    let archive: any WritableArchive
    let client: SigmicClient
    let now: @Sendable () -> Date
    public var expiry = OutboxPlan.defaultExpiry
    /// How long an interrupted request may still be handled by the server: the client's request timeout.
    public var inFlight: Double

    public init(archive: any WritableArchive, client: SigmicClient, now: @escaping @Sendable () -> Date = { Date() }) {
        self.archive = archive
        self.client = client
        self.now = now
        self.inFlight = client.configuration.requestTimeout
    }

    /// Sends what waits. Throws only when the key is refused (or the send is cancelled); anything else
    /// is in the report and in each item's state.
    public func send(includeExpired: Bool = false) async throws -> Report {
        let baseURL = client.configuration.baseURL
        let fingerprint = KeyFingerprint.of(client.configuration.apiKey)
        guard let account = try await archive.existingAccount(baseURL: baseURL, fingerprint: fingerprint) else { return Report() }
        var report = Report()
        /// Items waiting out an interrupted send; later items that depend on one wait behind it.
        var held: [OutboxItem] = []
        let items = try await archive.outbox(account: account, states: [.queued, .sending, .expired])
        // A task forgotten on purpose is left alone for good: nothing queued for it is sent.
        let forgotten = Set(try await archive.tombstones().filter { $0.account == account }.map(\.remoteID))
        for item in items {
            if let task = item.taskID, forgotten.contains(task) {
                try await archive.write { try $0.markOutbox(item.id, .stale, note: "its task was forgotten (`forget`); not sent") }
                report.stale.append(item.id)
                continue
            }
            let step = OutboxPlan.step(for: item, now: now(), expiry: expiry, includeExpired: includeExpired, inFlight: inFlight)
            if step != .skip && step != .expire, let blocker = held.first(where: { OutboxPlan.mustWait(item, behind: $0) }),
               let entry = report.held.firstIndex(where: { $0.id == blocker.id }) {
                report.held[entry].holding.append(item.id)
                continue
            }
            switch step {
            case .skip:
                continue
            case .wait:
                held.append(item)
                let after = OutboxPlan.lookedForAfter(item, inFlight: inFlight) ?? now()
                report.held.append(Report.Held(id: item.id, lookedForAfter: Timestamp.string(from: after)))
                continue
            case .expire:
                try await archive.write { try $0.markOutbox(item.id, .expired, note: "queued more than \(Int(expiry / 86400)) days ago") }
                report.expired.append(item.id)
                continue
            case .reconcile:
                if let remoteID = try await arrived(item) {
                    try await archive.write { try $0.markOutbox(item.id, .sent, remoteID: remoteID.isEmpty ? nil : remoteID,
                                                                note: "found on the server after an interrupted send") }
                    report.sent.append(item.id)
                    continue
                }
            case .send:
                break
            }
            do {
                try await deliver(item, into: &report)
            } catch {
                switch OutboxPlan.afterFailure(error) {
                case .stop:
                    throw error
                case .fail(let note):
                    try await archive.write { try $0.markOutbox(item.id, .failed, note: note) }
                    report.failed.append(item.id)
                case .queueAgainAndStop:
                    try await archive.write { try $0.markOutbox(item.id, .queued, note: String(describing: error)) }
                    report.stoppedBecause = "the API cannot be reached"
                    return try await finished(report, account: account)
                case .keepSendingAndStop:
                    report.stoppedBecause = "#\(item.id) may have reached the API: \(error)"
                    return try await finished(report, account: account)
                }
            }
        }
        return try await finished(report, account: account)
    }

    private func finished(_ report: Report, account: AccountID) async throws -> Report {
        // A write ends by indexing every search entry left unindexed, also those of a writer killed
        // between a group commit and its closing write (see `CommitQueue`): after a send, even one
        // that had nothing left to do, `verify` finds the indexes complete.
        try await archive.write { _ in }
        var report = report
        report.waiting = try await archive.outbox(account: account, states: [.queued, .sending]).count
        return report
    }

    /// Marks the item `sending`, sends it, and marks it `sent` (or stale) with the answer.
    func deliver(_ item: OutboxItem, into report: inout Report) async throws {
        if item.kind == .approve, let taskID = item.taskID, let callID = item.callID {
            // An approval is sent only while its call still awaits one.
            guard OutboxPlan.awaitsApproval(callID, in: try await client.getTask(taskID)) else {
                try await archive.write { try $0.markOutbox(item.id, .stale, note: "the call no longer awaits approval; not sent") }
                report.stale.append(item.id)
                return
            }
        }
        try await archive.write { try $0.markOutbox(item.id, .sending) }
        let answer = try await TaskRequest(item, files: try uploads(item)).send(with: client)
        let created: String? = if case .created(let taskID) = answer { taskID } else { nil }
        try await archive.write { try $0.markOutbox(item.id, .sent, remoteID: created) }
        report.sent.append(item.id)
    }

    /// For an item whose send was interrupted: its trace on the server, if any — the created task's id,
    /// or "" for a follow-up, approval or cancel that is known to have arrived or to need no resend.
    func arrived(_ item: OutboxItem) async throws -> String? {
        switch item.kind {
        case .create:
            let claimed = Set(try await archive.outbox(account: nil, states: nil).compactMap(\.remoteID))
            let recent = try await client.listTasks(limit: 100, offset: 0).tasks
            return OutboxPlan.createdTask(for: item, among: recent, claimed: claimed)
        case .followUp:
            let history = try await client.history(item.taskID ?? "")
            return OutboxPlan.followUpArrived(item, history: history.messages) ? "" : nil
        case .approve:
            // Answered already (by this send or by someone else): an approval is never sent twice.
            let task = try await client.getTask(item.taskID ?? "")
            return OutboxPlan.awaitsApproval(item.callID ?? "", in: task) ? nil : ""
        case .cancel:
            return nil   // cancelling twice is harmless: send again
        }
    }

    func uploads(_ item: OutboxItem) async throws -> [UploadFile] {
        var uploads: [UploadFile] = []
        for file in item.files {
            var bytes: [UInt8] = []
            try await archive.readBlob(file.blob) { bytes.append(contentsOf: $0) }
            uploads.append(UploadFile(filename: file.filename, contentType: file.contentType, bytes: bytes))
        }
        return uploads
    }
}
