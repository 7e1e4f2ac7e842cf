import SigmicAPI
import Testing
import Pacing

@Suite struct RetryPolicyTests {
    @Test func backoffDoublesUpToItsCeilingWithFullJitter() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: 0.25, maxDelay: 20)
        let ceilings = (1...9).map { policy.delay(beforeRetry: $0, retryAfter: nil, unit: 0.999_999) }
        let expected = [0.25, 0.5, 1, 2, 4, 8, 16, 20, 20]
        for (got, want) in zip(ceilings, expected) { #expect(abs(got - want) < 0.001, "\(ceilings)") }
        #expect(policy.delay(beforeRetry: 5, retryAfter: nil, unit: 0) == 0)
        #expect(policy.delay(beforeRetry: 3, retryAfter: nil, unit: 0.5) == 0.5)
    }

    @Test func retryAfterIsHonouredWithALittleJitterAndACap() {
        let policy = RetryPolicy()
        #expect(policy.delay(beforeRetry: 1, retryAfter: 3, unit: 0) == 3)
        #expect(abs(policy.delay(beforeRetry: 1, retryAfter: 3, unit: 1) - 3.3) < 1e-9)
        #expect(policy.delay(beforeRetry: 1, retryAfter: 100_000, unit: 0) == 300)
    }
}
