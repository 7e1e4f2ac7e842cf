/// An error answer in the documented envelope: `{"success":false,"error":{"message":…,"code":…}}`.
struct APIError: Error, Sendable {
    var status: Int
    var code: String
    var message: String
    var headers: [(String, String)] = []

    var body: JSON {
        .object([("success", .bool(false)), ("error", .object([("message", .string(message)), ("code", .string(code))]))])
    }

    static let authRequired = APIError(status: 401, code: "AUTH_REQUIRED", message: "Authentication required")
    static let invalidKey = APIError(status: 401, code: "INVALID_API_KEY", message: "Invalid API key")
    static let invalidFormat = APIError(status: 401, code: "INVALID_AUTH_FORMAT", message: "Invalid authorization format")
    static let invalidToken = APIError(status: 401, code: "INVALID_TOKEN", message: "Invalid or expired token")
    static let taskNotFound = APIError(status: 404, code: "NOT_FOUND", message: "Task not found")
    static let jwtNotConfigured = APIError(status: 501, code: "JWT_NOT_CONFIGURED", message: "JWT signing is not configured")

    static func notFound(_ message: String) -> APIError { APIError(status: 404, code: "NOT_FOUND", message: message) }
    static func validation(_ message: String) -> APIError { APIError(status: 400, code: "VALIDATION_ERROR", message: message) }
}
