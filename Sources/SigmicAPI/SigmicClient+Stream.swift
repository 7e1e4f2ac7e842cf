import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import Pacing

/// One event read from a task's stream: typed, with the raw SSE record it came from.
public struct StreamRecord: Sendable, Equatable {
    public var event: TaskStreamEvent
    /// The SSE event type as sent (`content`, `tool_call`, or a type this build does not know).
    public var type: String
    /// The data as sent, byte for byte.
    public var data: String
    public var json: JSONValue
}

extension SigmicClient {
    /// Attaches to a task's live stream. The sequence ends when the server closes the stream (after
    /// `done`/`error`, right after `history_done` for a finished task, or when the connection drops —
    /// the caller tells these apart by the last event it saw, and reconnects if it wants more).
    /// It throws for an error answer, a malformed event, an oversized line, or silence longer than
    /// `streamIdleTimeout` (no byte at all, not even a heartbeat).
    public func stream(_ id: String) -> AsyncThrowingStream<StreamRecord, any Error> {
        let path = "/api/v1/tasks/\(Self.segment(id))/stream"
        let label = Self.label(.GET, path)
        var request = makeRequest(.GET, path)
        request.headers.replaceOrAdd(name: "Accept", value: "text/event-stream")
        let streamRequest = request
        let idleTimeout = configuration.streamIdleTimeout
        let clock = self.clock
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let response = try await self.withRetries(idempotent: true) { () async throws(SigmicAPIError) -> HTTPClientResponse in
                        try await self.open(streamRequest, label: label, accepted: 200...200)
                    }
                    try await Self.pump(response.body, idleTimeout: idleTimeout, clock: clock, label: label) { record in
                        continuation.yield(record)
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Reads the body through the SSE parser, with a watchdog that ends the read after `idleTimeout`
    /// seconds without a byte, as `clock` measures it. (AsyncHTTPClient's own timeout covers only the
    /// wait for the headers.)
    static func pump(_ body: HTTPClientResponse.Body, idleTimeout: Double, clock: Stopwatch, label: String,
                     _ yield: @escaping @Sendable (StreamRecord) -> Void) async throws {
        let lastByte = LastActivity(clock: clock)
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                var parser = SSEParser()
                do {
                    for try await chunk in body {
                        lastByte.touch()
                        for event in try parser.feed(chunk.readableBytesView) {
                            let (typed, json) = try TaskStreamEvent.decode(event)
                            yield(StreamRecord(event: typed, type: event.type, data: event.data, json: json))
                        }
                    }
                } catch let error as SSEParseError {
                    throw SigmicAPIError(kind: .decoding, request: label, message: error.description)
                } catch let error as SigmicAPIError {
                    throw error
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    // A connection closed mid-stream: the sequence simply ends, and the caller reconnects.
                    return true
                }
                parser.finish()
                return true
            }
            group.addTask {
                let limit = Duration.milliseconds(Int64(min(idleTimeout, 86400 * 365) * 1000))
                while true {
                    // Wakes when the stream would be silent for the whole limit if no byte came meanwhile.
                    try await clock.sleep(for: limit - lastByte.idle)
                    if lastByte.idle >= limit {
                        throw SigmicAPIError(kind: .timeout, request: label, message: "stream silent for \(idleTimeout) s (no event, no heartbeat)")
                    }
                }
            }
            defer { group.cancelAll() }
            _ = try await group.next()
        }
    }
}

/// When the last byte arrived, shared between a stream's reader and its watchdog.
final class LastActivity: Sendable {
    private let clock: Stopwatch
    private let instant: Mutex<Duration>

    init(clock: Stopwatch) {
        self.clock = clock
        instant = Mutex(clock.now)
    }

    func touch() {
        let now = clock.now
        instant.withLock { $0 = now }
    }

    var idle: Duration {
        clock.now - instant.withLock { $0 }
    }
}
