import ArchiveStore
import Foundation
import NIOCore
import SigmicAPI
import Pacing

/// Downloads a task's files into the blob store, each retried by the client's `retrier`. A file the
/// server lists but answers 404 for is reported as unavailable, not thrown: the fetch plan decides
/// how long it keeps asking (`FetchPlan.givingUpAfter`). Any other failure stops the task's files.
struct ArtifactDownloader: Sendable {
    let client: SigmicClient
    let blobs: BlobStore
    /// Names the account in resumable temp files (see `downloadStreamed`).
    let account: [String]

    enum Outcome: Sendable {
        case stored(StoredBlob)
        /// The server's answer to a listed file (404).
        case unavailable(error: String)
    }

    /// Artifacts up to this size are downloaded into memory and stored in one step: bytes already in
    /// the archive then cost no file at all. Larger ones stream through a resumable temp file.
    static let inMemoryLimit: Int64 = 1 << 20

    /// Downloads `artifacts`, up to `atOnce` at a time; the first failure stops the rest. Returns each
    /// file's outcome by its path's bytes.
    func downloadAll(_ artifacts: [APIArtifact], taskID: String, atOnce: Int) async throws -> [Data: Outcome] {
        try await withThrowingTaskGroup(of: (Data, Outcome).self) { group in
            var outcomes: [Data: Outcome] = [:]
            var pending = artifacts[...]
            while let artifact = pending.popFirst() {
                group.addTask { (Data(artifact.path.utf8), try await self.fetch(artifact, taskID: taskID)) }
                if artifacts.count - pending.count < max(1, atOnce) { continue }
                if let (path, outcome) = try await group.next() { outcomes[path] = outcome }
            }
            while let (path, outcome) = try await group.next() { outcomes[path] = outcome }
            return outcomes
        }
    }

    func fetch(_ artifact: APIArtifact, taskID: String) async throws -> Outcome {
        do {
            if let size = artifact.size, size <= Self.inMemoryLimit {
                return .stored(try await downloadSmall(artifact, taskID: taskID, size: size))
            }
            return .stored(try await downloadStreamed(artifact, taskID: taskID))
        } catch let error as SigmicAPIError where error.kind == .notFound {
            return .unavailable(error: error.description)
        }
    }

    /// A small file, whole into memory, retried from its start after an interruption. Bytes past the
    /// announced size are counted, not kept: a longer body is a mismatch, reported as such, and never
    /// grows memory.
    func downloadSmall(_ artifact: APIArtifact, taskID: String, size: Int64) async throws -> StoredBlob {
        let (bytes, received) = try await client.retrier.run(
            { (_: Int) async throws(SigmicAPIError) in try await client.downloadWhole(taskID, path: artifact.path, limit: Int(size)) },
            next: { $0.retry(idempotent: true) },
            cancelled: { SigmicAPIError(kind: .cancelled, message: "download cancelled") })
        guard received == size else {
            throw ArchiveError.contentMismatch(expected: "\(size) bytes", actual: "\(received) bytes")
        }
        return try blobs.store(bytes.withUnsafeReadableBytes { Data($0) })
    }

    /// Streams an artifact into the blob store: a temp file named after (account, task, path, size,
    /// time) — never after the server's path — resumed with Range after an interruption, checked for
    /// length and hashed on the way. A partial file that the server's file no longer fits (416 to a
    /// resumed request: the file changed) is dropped and the download starts over at once.
    func downloadStreamed(_ artifact: APIArtifact, taskID: String) async throws -> StoredBlob {
        let key = Digest.sha256((account + [taskID, artifact.path, String(artifact.size ?? -1), artifact.modifiedAt ?? ""])
            .joined(separator: "\u{0}"))
        let writer = try blobs.resumableWriter(key: key)
        // A crash can come after the last byte was written and before the blob was moved into place.
        if let size = artifact.size {
            if writer.size == size { return try writer.finish(expectedSize: size) }
            if writer.size > size { try writer.reset() }
        }
        var droppedStalePartial = false
        do {
            return try await client.retrier.run({ _ in
                droppedStalePartial = false
                do {
                    let result = try await client.download(taskID, path: artifact.path, resumeFrom: writer.size) { chunk, startsOver in
                        if startsOver { try writer.reset() }
                        try chunk.withUnsafeReadableBytes { try writer.append($0) }
                    }
                    return try writer.finish(expectedSize: artifact.size ?? result.totalBytes)
                } catch let error as SigmicAPIError where error.status == 416 && writer.size > 0 {
                    try writer.reset()
                    droppedStalePartial = true
                    throw error
                }
            }, next: { error in
                if droppedStalePartial { return .retryAtOnce }
                return (error as? SigmicAPIError)?.retry(idempotent: true) ?? .giveUp
            }, cancelled: { CancellationError() })
        } catch {
            try? writer.suspend()
            throw error
        }
    }

}
