import ArchiveStore
import ArchiveSync
import ArgumentParser
import Foundation
import SigmicAPI

extension TaskAction {
    /// What every acting command does with its request: sends it now; when the API cannot be reached,
    /// queues it in the outbox and exits 75 (`queue`); any other failure is one line. `archive` is
    /// opened only when it is needed to queue (`run` archives only once the task exists).
    static func sendOrQueue(_ request: TaskRequest, archive: () async throws -> any WritableArchive, client: SigmicClient,
                            connection: ConnectionOptions, json: Bool, describing what: String) async throws -> TaskRequest.Answer {
        do {
            return try await request.send(with: client)
        } catch where OutboxPlan.isOffline(error) {
            try await queue(request.outboxItem, uploads: request.files, archive: try await archive(), client: client,
                            because: error, json: json, describing: what)
        } catch {
            throw CLIError(description: Sync.explain(error, baseURL: connection.resolvedBaseURL))
        }
    }

    /// The API cannot be reached: the request goes into the outbox (files as blobs) to be sent by the
    /// next sync, and the command exits 75 (EX_TEMPFAIL). A request that may have reached the server
    /// (it timed out) is queued as `sending`, so that it is looked for there before it is sent again.
    static func queue(_ item: NewOutboxItem, uploads: [UploadFile] = [], archive: any WritableArchive, client: SigmicClient,
                      because error: SigmicAPIError, json: Bool, describing what: String) async throws -> Never {
        let lock = try archive.claimWriter(purpose: "queue")
        defer { withExtendedLifetime(lock) {} }
        var item = item
        for upload in uploads {
            item.files.append((upload.filename, upload.contentType, try archive.blobs.store(Data(upload.bytes))))
        }
        let (baseURL, fingerprint) = (client.configuration.baseURL, KeyFingerprint.of(client.configuration.apiKey))
        let (queued, sending) = (item, error.kind != .unreachable)
        let id = try await archive.write { writer in
            try writer.enqueue(queued, account: writer.account(baseURL: baseURL, fingerprint: fingerprint),
                               sending: sending)
        }
        if json {
            try Terminal.printJSON(Queued(queued: true, outboxId: id))
        } else {
            Terminal.print("queued: \(what) will be sent by the next sync (outbox #\(id); the API cannot be reached: \(error.message))")
        }
        throw ExitCode(75)
    }

    struct Queued: Encodable {
        var queued: Bool
        var outboxId: Int64
    }
}
