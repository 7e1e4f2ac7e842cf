import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Responses with the headers every answer carries: a strict CSP (only our own script and style, no
/// inline code, no framing), `nosniff`, and no referrer (task ids stay on this machine).
enum WebResponses {
    static let pagePolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    /// Artifacts are the server's bytes: sandboxed, so even a file a browser chose to render could run nothing.
    static let artifactPolicy = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"

    static func headers(contentType: String, policy: String = pagePolicy) -> HTTPFields {
        var fields = HTTPFields()
        fields[.contentType] = contentType
        fields[.contentSecurityPolicy] = policy
        fields[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        fields[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        fields[HTTPField.Name("X-Frame-Options")!] = "DENY"
        fields[.cacheControl] = "no-store"
        return fields
    }

    static func page(_ status: Int, _ html: String) -> Response {
        text(status, html, contentType: "text/html; charset=utf-8")
    }

    static func json(_ status: Int, _ text: String) -> Response {
        self.text(status, text, contentType: "application/json; charset=utf-8")
    }

    /// An API error as `{"error": "…"}`.
    static func jsonError(_ status: Int, _ message: String) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: ["error": message], options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return json(status, String(decoding: data, as: UTF8.self) + "\n")
    }

    static func text(_ status: Int, _ text: String, contentType: String, policy: String = pagePolicy) -> Response {
        Response(status: .init(code: status), headers: headers(contentType: contentType, policy: policy),
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(to location: String, cookie: String? = nil) -> Response {
        var fields = headers(contentType: "text/plain; charset=utf-8")
        fields[.location] = location
        if let cookie { fields[.setCookie] = cookie }
        return Response(status: .seeOther, headers: fields)
    }
}
