/// How retryable failures are retried: a bounded number of attempts, exponential backoff with full
/// jitter, and the server's `Retry-After` when it gives one.
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int
    public var baseDelay: Double
    public var maxDelay: Double

    public init(maxAttempts: Int = 6, baseDelay: Double = 0.25, maxDelay: Double = 20) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// No retries: every failure is returned at once.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// Seconds to wait before retry number `attempt` (1 = the first retry).
    ///
    /// Without `Retry-After` it is "full jitter" (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/):
    /// a uniform draw from 0 up to `min(maxDelay, baseDelay × 2^(attempt−1))`. With the defaults the
    /// ceilings run 0.25 s, 0.5 s, 1 s, 2 s, 4 s, … up to 20 s. `unit` is the draw in [0, 1), injected
    /// so the schedule is testable. A server's `Retry-After` is honoured as given (capped at 5 minutes),
    /// plus up to 10 % jitter so that many clients do not return at the same instant.
    public func delay(beforeRetry attempt: Int, retryAfter: Double?, unit: Double) -> Double {
        if let retryAfter, retryAfter >= 0 {
            return min(retryAfter, 300) * (1 + 0.1 * unit)
        }
        let exponent = Double(max(0, attempt - 1))
        let ceiling = min(maxDelay, baseDelay * pow2(exponent))
        return ceiling * unit
    }

    private func pow2(_ exponent: Double) -> Double {
        exponent >= 60 ? Double.greatestFiniteMagnitude : Double(UInt64(1) << UInt64(exponent))
    }
}
