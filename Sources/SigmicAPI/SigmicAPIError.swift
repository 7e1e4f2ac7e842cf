public import Pacing
/// A failed API call, with its context: which request, the HTTP status and the API's error code and
/// message. Never a flattened string, and never the key. `kind` tells the sync engine what to do.
public struct SigmicAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// 401/403: the key is wrong, malformed or expired. Stop at once; retrying cannot help.
        case auth
        case notFound
        case validation
        /// 429: retry after `retryAfter`.
        case rateLimited
        /// 5xx: retry with backoff.
        case server
        /// Connection reset or closed early: retry with backoff.
        case transport
        /// Nothing listens there (connection refused, unknown host): reported at once, not retried.
        case unreachable
        /// No response, or a stream silent past its idle timeout: retry.
        case timeout
        /// The caller cancelled the request (Ctrl-C, a deadline of its own): never retried.
        case cancelled
        /// The server's answer does not have the documented shape.
        case decoding
        /// A request this client refuses to make (e.g. plain http to a remote host).
        case refused
        /// Any other HTTP status.
        case http
    }

    public var kind: Kind
    /// "GET /api/v1/tasks/…": the method and path, without query secrets or headers.
    public var request: String
    public var status: Int?
    public var code: String?
    public var message: String
    /// Seconds the server asked us to wait (429 `Retry-After`).
    public var retryAfter: Double?

    public init(kind: Kind, request: String = "", status: Int? = nil, code: String? = nil, message: String, retryAfter: Double? = nil) {
        self.kind = kind
        self.request = request
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    static func decoding(_ message: String) -> SigmicAPIError { SigmicAPIError(kind: .decoding, message: message) }

    /// Worth trying again (after a backoff or `retryAfter`).
    public var isRetryable: Bool {
        switch kind {
        case .rateLimited, .server, .transport, .timeout: return true
        default: return false
        }
    }

    /// What a retry loop does after this failure. A request that is not idempotent (create, follow-up,
    /// approve) is retried only after a 429, which the server promises it did not act on.
    public func retry(idempotent: Bool) -> Retrier.Next {
        let retryable = idempotent ? isRetryable : kind == .rateLimited
        return retryable ? .backOff(retryAfter: retryAfter) : .giveUp
    }

    public var description: String {
        var parts: [String] = []
        if !request.isEmpty { parts.append(request) }
        if let status { parts.append("HTTP \(status)") }
        if let code { parts.append(code) }
        let head = parts.joined(separator: " ")
        return (head.isEmpty ? "" : head + ": ") + message
    }

    /// Maps an HTTP status and error envelope to an error.
    static func from(status: Int, code: String?, message: String?, request: String, retryAfter: Double?) -> SigmicAPIError {
        let kind: Kind = switch status {
        case 401, 403: .auth
        case 404: .notFound
        case 400, 409, 413, 422: .validation
        case 429: .rateLimited
        case 500...599: .server
        default: .http
        }
        return SigmicAPIError(kind: kind, request: request, status: status, code: code,
                              message: message ?? "the server answered HTTP \(status)", retryAfter: retryAfter)
    }
}
