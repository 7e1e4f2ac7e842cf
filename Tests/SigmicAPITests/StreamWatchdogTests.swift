import AsyncHTTPClient
import NIOCore
@testable import SigmicAPI
import Synchronization
import TestSupport
import Testing
import Pacing

/// The stream's idle watchdog on a clock the test moves: a body fed chunk by chunk, and a clock that
/// moves only when told. Nothing waits on the wall clock; a stream "silent for 45 s" takes no time.
@Suite struct StreamWatchdogTests {
    /// A response body the test feeds, which says each time its reader asks for the next chunk (so
    /// the test knows the previous one was read, its bytes seen by the watchdog).
    struct FedBody: AsyncSequence, Sendable {
        let chunks: AsyncStream<ByteBuffer>
        let asked: AsyncStream<Void>.Continuation

        struct AsyncIterator: AsyncIteratorProtocol {
            var inner: AsyncStream<ByteBuffer>.AsyncIterator
            let asked: AsyncStream<Void>.Continuation

            mutating func next() async -> ByteBuffer? {
                asked.yield()
                return await inner.next()
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(inner: chunks.makeAsyncIterator(), asked: asked) }
    }

    /// A pump reading a fed body with the API's documented timing (45 s idle limit) on `clock`.
    struct Pumping {
        let clock = TestClock()
        let feed: AsyncStream<ByteBuffer>.Continuation
        var asks: AsyncStream<Void>.AsyncIterator
        let seen = Box()
        let task: Task<Void, any Error>

        init() {
            let (chunks, feed) = AsyncStream<ByteBuffer>.makeStream()
            let (asks, asked) = AsyncStream<Void>.makeStream()
            let body = HTTPClientResponse.Body.stream(FedBody(chunks: chunks, asked: asked))
            let (clock, seen) = (self.clock, self.seen)
            self.feed = feed
            self.asks = asks.makeAsyncIterator()
            task = Task {
                defer { asked.finish() }   // a pump that stopped asks for nothing more: `send` returns
                try await SigmicClient.pump(body, idleTimeout: 45, clock: Stopwatch(clock), label: "GET /api/v1/tasks/t/stream") { record in
                    seen.append(record.type)
                }
            }
        }

        /// A pump whose reader waits for its first chunk.
        static func started() async -> Pumping {
            var pumping = Pumping()
            await pumping.asks.next()
            return pumping
        }

        /// Feeds `text` and returns once the reader has read it and asks for more.
        mutating func send(_ text: String) async {
            feed.yield(ByteBuffer(string: text))
            await asks.next()
        }
    }

    final class Box: Sendable {
        private let values = Mutex<[String]>([])
        func append(_ value: String) { values.withLock { $0.append(value) } }
        var all: [String] { values.withLock { $0 } }
    }

    @Test func heartbeatsKeepAQuietStreamAliveForAnyLength() async throws {
        var pumping = await Pumping.started()
        // Ten minutes of heartbeats every 15 s and nothing else: the watchdog wakes and sleeps again.
        for _ in 1...40 {
            pumping.clock.advance(by: .seconds(15))
            await pumping.send(":heartbeat\n\n")
        }
        await pumping.send("event: status\ndata: {\"status\":\"processing\"}\n\n")
        pumping.feed.finish()
        try await pumping.task.value   // the stream ended as the server closed it, not by the watchdog
        #expect(pumping.seen.all == ["status"])
    }

    @Test func silenceForTheWholeLimitEndsTheStream() async throws {
        var pumping = await Pumping.started()
        await pumping.send("event: status\ndata: {\"status\":\"processing\"}\n\n")
        await pumping.clock.sleepers(atLeast: 1)
        pumping.clock.advance(by: .seconds(30))
        await pumping.send(":heartbeat\n\n")   // the last sign of life, at 30 s
        pumping.clock.advance(by: .milliseconds(44_999))
        await pumping.clock.sleepers(atLeast: 1)   // 44.999 s of silence: the watchdog sleeps on
        pumping.clock.advance(by: .milliseconds(1))
        await #expect {
            try await pumping.task.value
        } throws: { error in
            let error = error as? SigmicAPIError
            return error?.kind == .timeout && error?.isRetryable == true
        }
        #expect(pumping.seen.all == ["status"])
    }
}
