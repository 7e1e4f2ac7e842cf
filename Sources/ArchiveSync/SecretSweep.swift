public import ArchiveStore
public import Foundation
public import Redaction
import Synchronization

/// `redact`, written once above the engines: reads every text the archive keeps from the server and
/// every stored file up to 64 MiB, and either lists what the `Redactor` finds (`scan`) or replaces it
/// everywhere in one transaction and then purges the old bytes (`apply`).
public struct SecretSweep: Sendable {
    public let redactor: Redactor

    /// Files are read whole, in memory; larger ones are named as not scanned.
    public static let largestFile: Int64 = 64 << 20

    public init(redactor: Redactor) {
        self.redactor = redactor
    }

    /// One finding and where it is (the text itself is not kept).
    public struct Located: Sendable {
        public let place: ArchivedText
        public let finding: SecretFinding
    }

    public struct Result: Sendable {
        public var findings: [Located] = []
        /// Texts and bytes of text read.
        public var texts = 0
        public var bytes = 0
        /// Stored files larger than `largestFile`, by path.
        public var notScanned: [String] = []
        /// What `apply` changed: texts rewritten, text files stored anew, binary files dropped (paths).
        public var textsRewritten = 0
        public var filesRewritten = 0
        public var filesDropped: [String] = []
        /// Bytes of secrets replaced, plus the size of each dropped file.
        public var bytesRemoved: Int64 = 0
        public var purge: PurgeReport?

        public var tasks: Int { Set(findings.map(\.place.taskID)).count }
        public var rules: [String] { Set(findings.map(\.finding.rule.rawValue)).sorted() }
    }

    /// What a rewrite changes: a text's new value, or a file's.
    private enum Change: Sendable {
        case text(ArchivedText.Place, TaskRowID?, String)
        case file(ArtifactRowID, StoredBlob)
        case dropFile(ArtifactRowID, reason: String)
    }

    /// Lists every finding; changes nothing.
    public func scan(_ archive: some ArchiveReader) async throws -> Result {
        try await sweep(archive, store: nil).result
    }

    /// Replaces every finding in one transaction (a run cut short changes nothing; run again), records
    /// it in the audit, sets or clears the on-sync rule when `onSync` says so, then purges.
    public func apply(to archive: some WritableArchive, command: String, onSync: Bool?) async throws -> Result {
        var (result, changes) = try await sweep(archive, store: archive.blobs)
        let changed = !changes.isEmpty
        let audit = AuditRecord(command: command, tasks: result.tasks,
                               findings: result.findings.count, bytes: result.bytesRemoved, rules: result.rules,
                               detail: result.filesDropped.isEmpty ? nil : "dropped \(result.filesDropped.count) binary file(s)")
        let pending = try await archive.write { [changes] writer in
            for change in changes {
                switch change {
                case .text(let place, let task, let text): try writer.rewriteText(at: place, of: task, to: text)
                case .file(let artifact, let blob): try writer.recordArtifactBlob(artifact, blob: blob)
                case .dropFile(let artifact, let reason): try writer.dropArtifactBytes(artifact, reason: reason)
                }
            }
            let unlinked = try writer.dropUnlinkedBlobs()
            if let onSync { try writer.setSetting(.redactOnSync, to: onSync ? OnSyncRedaction.secretsValue : nil) }
            try writer.recordAudit(audit)
            return changed || !unlinked.isEmpty
        }
        changes = []   // the new texts can be large: not kept through the purge
        let purgeDue = try await archive.settings()[ArchiveSetting.purgePending.rawValue] != nil
        if pending || purgeDue { result.purge = try await archive.purge() }
        return result
    }

    /// What the sweep has gathered so far: findings and counts, the changes to make, and the content
    /// events of the task it is reading.
    private struct Gathered {
        var result = Result()
        var changes: [Change] = []
        /// The task whose content events `pieces` holds, until the sweep reaches the next task.
        var streamTask: TaskRowID?
        var pieces: [ArchivedText] = []
    }

    /// Reads the gathered task's content events joined, session by session (`StreamedText`). An event
    /// that held part of a spanning secret is rewritten with that part removed and then redacted as
    /// itself; the change is appended after any the event got alone, so it is the one that lands.
    private func flushStream(_ gathered: inout Gathered, rewrite: Bool) {
        var sessions: [Int64: [(seq: Int, text: ArchivedText)]] = [:]
        for piece in gathered.pieces {
            guard let event = piece.event else { continue }
            sessions[event.session, default: []].append((event.seq, piece))
        }
        gathered.pieces = []
        for (_, pieces) in sessions.sorted(by: { $0.key < $1.key }) {
            let ordered = pieces.sorted { $0.seq < $1.seq }.map(\.text)
            let (data, found) = StreamedText.redactAcrossPieces(ordered.map(\.text), with: redactor)
            guard let first = found.isEmpty ? nil : ordered.indices.first(where: { data[$0] != nil }) else { continue }
            let place = ArchivedText(taskID: ordered[first].taskID, task: ordered[first].task, place: ordered[first].place, text: "")
            gathered.result.findings += found.map { Located(place: place, finding: $0) }
            gathered.result.bytesRemoved += Int64(found.reduce(0) { $0 + $1.range.count })
            guard rewrite else { continue }
            for (piece, new) in zip(ordered, data) {
                guard let new else { continue }
                gathered.result.textsRewritten += 1
                gathered.changes.append(.text(piece.place, piece.task, redactor.redact(new).text))
            }
        }
    }

    /// Reads everything once. With a `store`, also works out each change (a rewritten file's new bytes
    /// are stored there, ready for the commit to link).
    private func sweep(_ archive: some ArchiveReader, store: BlobStore?) async throws -> (result: Result, changes: [Change]) {
        let rewrite = store != nil
        let collected = Mutex(Gathered())
        try await archive.eachText { text in
            let (redacted, found) = rewrite ? redactor.redact(text.text) : (text.text, redactor.findings(in: text.text))
            collected.withLock { gathered in
                gathered.result.texts += 1
                gathered.result.bytes += text.text.utf8.count
                if case .event(_, _, _, "content") = text.place {
                    // A secret split between content events: each task's are read joined once all are in.
                    if let previous = gathered.streamTask, previous != text.task { flushStream(&gathered, rewrite: rewrite) }
                    gathered.streamTask = text.task
                    gathered.pieces.append(text)
                }
                guard !found.isEmpty else { return }
                let place = ArchivedText(taskID: text.taskID, task: text.task, place: text.place, text: "")
                gathered.result.findings += found.map { Located(place: place, finding: $0) }
                gathered.result.bytesRemoved += Int64(found.reduce(0) { $0 + $1.range.count })
                if rewrite {
                    gathered.result.textsRewritten += 1
                    gathered.changes.append(.text(text.place, text.task, redacted))
                }
            }
        }
        var (result, changes) = collected.withLock { gathered in
            flushStream(&gathered, rewrite: rewrite)
            return (gathered.result, gathered.changes)
        }
        for file in try await archive.storedFiles() {
            guard let hash = file.artifact.blobHash else { continue }
            guard (file.artifact.size ?? 0) <= Self.largestFile else {
                result.notScanned.append(file.artifact.path)
                continue
            }
            var bytes: [UInt8] = []
            try await archive.readBlob(hash) { bytes.append(contentsOf: $0) }
            let place = ArchivedText(taskID: file.taskID, task: file.task,
                                     place: .artifact(row: file.artifact.rowID.rawValue, path: file.artifact.path), text: "")
            let outcome = redactor.redact(file: bytes)
            switch outcome {
            case .unchanged:
                break
            case .text(let redacted, let found):
                result.findings += found.map { Located(place: place, finding: $0) }
                result.bytesRemoved += Int64(found.reduce(0) { $0 + $1.range.count })
                if let store {
                    changes.append(.file(file.artifact.rowID, try store.store(Data(redacted))))
                    result.filesRewritten += 1
                }
            case .binary(let found):
                result.findings += found.map { Located(place: place, finding: $0) }
                if store != nil {
                    changes.append(.dropFile(file.artifact.rowID, reason: OnSyncRedaction.droppedReason(found)))
                    result.filesDropped.append(file.artifact.path)
                    result.bytesRemoved += Int64(bytes.count)
                }
            }
            result.texts += 1
            result.bytes += bytes.count
        }
        return (result, changes)
    }
}
