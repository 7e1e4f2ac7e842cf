import Foundation
import SigmicAPI
import Synchronization
import Testing
import Pacing

/// The retrier waits through an injected sleep: these tests record the waits instead of waiting.
@Suite struct RetrierTests {
    final class Waits: Sendable {
        let seconds = Mutex<[Double]>([])
        var all: [Double] { seconds.withLock { $0 } }
        func sleep(_ value: Double) { seconds.withLock { $0.append(value) } }
    }

    struct Failure: Error, Equatable { var attempt: Int; var retryAfter: Double? }

    func retrier(_ waits: Waits, maxAttempts: Int = 4) -> Retrier {
        Retrier(policy: RetryPolicy(maxAttempts: maxAttempts, baseDelay: 1, maxDelay: 100), sleep: { waits.sleep($0) }, unitRandom: { 0.5 })
    }

    @Test func failuresAreRetriedOnThePolicysScheduleUntilOneSucceeds() async throws {
        let waits = Waits()
        let value = try await retrier(waits).run({ (attempt: Int) async throws(Failure) -> Int in
            guard attempt == 3 else { throw Failure(attempt: attempt) }
            return attempt
        }, next: { _ in .backOff(retryAfter: nil) }, cancelled: { Failure(attempt: -1) })
        #expect(value == 3)
        #expect(waits.all == [0.5, 1.0])   // half of 1 s, then of 2 s
    }

    @Test func theLastFailureIsThrownWhenAttemptsRunOut() async {
        let waits = Waits()
        await #expect(throws: Failure(attempt: 4)) {
            try await retrier(waits).run({ (attempt: Int) async throws(Failure) -> Int in throw Failure(attempt: attempt) },
                                         next: { _ in .backOff(retryAfter: nil) }, cancelled: { Failure(attempt: -1) })
        }
        #expect(waits.all.count == 3)
    }

    @Test func giveUpStopsAtOnceAndRetryAtOnceDoesNotWait() async {
        let waits = Waits()
        await #expect(throws: Failure(attempt: 1)) {
            try await retrier(waits).run({ (attempt: Int) async throws(Failure) -> Int in throw Failure(attempt: attempt) },
                                         next: { _ in .giveUp }, cancelled: { Failure(attempt: -1) })
        }
        await #expect(throws: Failure(attempt: 4)) {
            try await retrier(waits).run({ (attempt: Int) async throws(Failure) -> Int in throw Failure(attempt: attempt) },
                                         next: { _ in .retryAtOnce }, cancelled: { Failure(attempt: -1) })
        }
        #expect(waits.all.isEmpty)
    }

    @Test func aServersRetryAfterIsWaitedWithALittleJitter() async throws {
        let waits = Waits()
        _ = try await retrier(waits).run({ (attempt: Int) async throws(Failure) -> Int in
            if attempt == 1 { throw Failure(attempt: 1, retryAfter: 7) }
            return attempt
        }, next: { .backOff(retryAfter: $0.retryAfter) }, cancelled: { Failure(attempt: -1) })
        #expect(waits.all == [7 * 1.05])
    }

    @Test func cancellationWhileWaitingIsThrownAsCancelledNotRetried() async {
        let tries = Mutex(0)
        let retrier = Retrier(policy: RetryPolicy(maxAttempts: 10), sleep: { _ in throw CancellationError() }, unitRandom: { 0 })
        await #expect(throws: Failure(attempt: -1)) {
            try await retrier.run({ (attempt: Int) async throws(Failure) -> Int in
                tries.withLock { $0 += 1 }
                throw Failure(attempt: attempt)
            }, next: { _ in .backOff(retryAfter: nil) }, cancelled: { Failure(attempt: -1) })
        }
        #expect(tries.withLock { $0 } == 1)
    }

    @Test func aLoopOfItsOwnWaitsAtMostItsCap() async throws {
        let waits = Waits()
        try await retrier(waits).wait(beforeRetry: 6, atMost: 5)   // half of 32 s, capped
        try await retrier(waits).wait(beforeRetry: 1, atMost: 5)
        #expect(waits.all == [5, 0.5])
    }

    @Test func aCancelledRequestIsNeverRetriedEvenWhenIdempotent() {
        let cancelled = SigmicAPIError(kind: .cancelled, message: "cancelled")
        #expect(!cancelled.isRetryable)
        #expect(cancelled.retry(idempotent: true) == .giveUp)
        #expect(SigmicAPIError(kind: .server, status: 503, message: "x").retry(idempotent: false) == .giveUp)
        #expect(SigmicAPIError(kind: .rateLimited, status: 429, message: "x", retryAfter: 2).retry(idempotent: false) == .backOff(retryAfter: 2))
    }
}
