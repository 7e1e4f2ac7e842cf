import AsyncHTTPClient
public import Foundation
public import NIOCore
import NIOHTTP1
import Pacing

/// What a download delivered.
public struct DownloadResult: Sendable, Equatable {
    /// The file's full size, from Content-Length (or Content-Range when resuming).
    public var totalBytes: Int64
    /// Bytes written by this call.
    public var receivedBytes: Int64
    /// True when the server ignored the Range asked for and sent the file from its start: whatever
    /// the sink had before must be discarded.
    public var restarted: Bool
    public var contentType: String?
}

extension SigmicClient {
    /// Downloads one artifact, streaming it to `sink` chunk by chunk (never whole into memory).
    ///
    /// With `resumeFrom > 0` it asks for `Range: bytes=N-`; a 206 continues where the sink stopped, a
    /// 200 starts over: its first chunk comes with `startsOver`, and the sink drops what it had. A body
    /// shorter than its Content-Length is a retryable transport error: what arrived stays with the sink,
    /// so the next call can resume from there.
    ///
    /// Throws a `SigmicAPIError` for the transfer, or whatever the sink threw, as it was thrown (a full
    /// disk is not a network failure and must not be retried as one).
    public func download(_ id: String, path artifactPath: String, resumeFrom offset: Int64 = 0,
                         into sink: (_ chunk: ByteBuffer, _ startsOver: Bool) async throws -> Void) async throws -> DownloadResult {
        let path = "/api/v1/tasks/\(Self.segment(id))/artifacts/download"
        let label = Self.label(.GET, path)
        var request = makeRequest(.GET, path, query: [("path", artifactPath)])
        request.headers.replaceOrAdd(name: "Accept", value: "*/*")
        if offset > 0 { request.headers.add(name: "Range", value: "bytes=\(offset)-") }
        let response = try await open(request, label: label, accepted: 200...206)
        let status = Int(response.status.code)
        guard status == 200 || status == 206 else {
            throw SigmicAPIError(kind: .http, request: label, status: status, message: "unexpected status for a download")
        }
        let length = response.headers.first(name: "Content-Length").flatMap(Int64.init)
        var total = length
        var restarted = false
        if status == 206 {
            // Content-Range: bytes START-END/TOTAL — it must start where we asked.
            guard let range = response.headers.first(name: "Content-Range"), range.hasPrefix("bytes "),
                  let start = Int64(range.dropFirst(6).split(separator: "-").first ?? ""), start == offset else {
                throw SigmicAPIError(kind: .decoding, request: label, status: status, message: "a partial answer that does not start at byte \(offset)")
            }
            total = range.split(separator: "/").last.flatMap { Int64($0) }
        } else if offset > 0 {
            restarted = true
        }
        var received: Int64 = 0
        var body = response.body.makeAsyncIterator()
        while true {
            let next: ByteBuffer?
            do {
                next = try await body.next()
            } catch {
                if TransportFailure(error) != .cancelled, let length, received < length {
                    throw SigmicAPIError(kind: .transport, request: label, message: "download ended after \(received) of \(length) bytes")
                }
                throw Self.transportError(error, label: label)
            }
            guard let chunk = next else { break }
            try await sink(chunk, restarted && received == 0)
            received += Int64(chunk.readableBytes)
        }
        if let length, received != length {
            throw SigmicAPIError(kind: .transport, request: label, message: "download ended after \(received) of \(length) bytes")
        }
        let start = status == 206 ? offset : 0
        return DownloadResult(totalBytes: total ?? (start + received), receivedBytes: received, restarted: restarted,
                              contentType: response.headers.first(name: "Content-Type"))
    }

    /// Downloads a small artifact whole into memory, read on the event loop (see `readWhole`). At most
    /// `limit` bytes are kept; more are only counted, so a file longer than announced shows as
    /// `received > limit`. A body cut short of its Content-Length is a retryable transport error.
    public func downloadWhole(_ id: String, path artifactPath: String, limit: Int) async throws(SigmicAPIError) -> (bytes: ByteBuffer, received: Int64) {
        let path = "/api/v1/tasks/\(Self.segment(id))/artifacts/download"
        let label = Self.label(.GET, path)
        var request = makeRequest(.GET, path, query: [("path", artifactPath)])
        request.headers.replaceOrAdd(name: "Accept", value: "*/*")
        let response = try await readWhole(request, label: label, limit: limit, beyondLimit: .count)
        let status = Int(response.head.status.code)
        guard status == 200 else {
            _ = try Self.reply(status: status, headers: response.head.headers, body: response.body, label: label)
            throw SigmicAPIError(kind: .http, request: label, status: status, message: "unexpected status for a download")
        }
        return (response.body, response.received)
    }

    /// Downloads an artifact into `file`, resuming from the bytes already there, retrying interrupted
    /// transfers (each retry resumes with Range). Returns the file's final size.
    @discardableResult
    public func download(_ id: String, path artifactPath: String, to file: URL) async throws -> Int64 {
        try await retrier.run({ _ in try await self.downloadAttempt(id, path: artifactPath, to: file) },
                              next: { ($0 as? SigmicAPIError)?.retry(idempotent: true) ?? .giveUp },
                              cancelled: { CancellationError() })
    }

    /// One try of `download(_:path:to:)`: resumes from the file's length. The file's own errors are
    /// thrown as they are (they are not the network's, and are not retried).
    private func downloadAttempt(_ id: String, path artifactPath: String, to file: URL) async throws -> Int64 {
        if !FileManager.default.fileExists(atPath: file.path) {
            _ = FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        let handle = try FileHandle(forUpdating: file)
        defer { try? handle.close() }
        let existing = Int64(try handle.seekToEnd())
        let result = try await download(id, path: artifactPath, resumeFrom: existing) { chunk, startsOver in
            if startsOver { try handle.truncate(atOffset: 0) }
            try handle.write(contentsOf: Data(chunk.readableBytesView))
        }
        return result.totalBytes
    }
}
