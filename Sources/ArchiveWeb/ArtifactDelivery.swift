import Foundation
/// How an artifact's bytes are sent. Its type comes from the server that made it, so nothing that a
/// browser would run or render as a document is sent as such: images are shown, text is shown as
/// plain text (HTML, SVG and XML included), everything else is a download. Every artifact response
/// also carries `nosniff` and a sandboxing CSP (see `WebServer.artifactHeaders`).
struct ArtifactDelivery: Equatable, Sendable {
    let contentType: String
    /// `attachment` (download) or `inline`.
    let disposition: String

    static let imageTypes: Set<String> = ["image/png", "image/jpeg", "image/gif", "image/webp"]
    static let textExtensions: Set<String> = ["txt", "md", "csv", "tsv", "json", "log", "py", "swift", "js", "ts", "html", "htm",
                                               "svg", "xml", "yaml", "yml", "toml", "sql", "sh", "c", "h", "css"]

    static func decide(path: String, mimeType: String?) -> ArtifactDelivery {
        let type = (mimeType ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let ext = path.split(separator: "/").last.flatMap { name in name.contains(".") ? name.split(separator: ".").last : nil }
            .map { $0.lowercased() } ?? ""
        if imageTypes.contains(type), ["png", "jpg", "jpeg", "gif", "webp"].contains(ext) {
            return ArtifactDelivery(contentType: type, disposition: "inline")
        }
        if type.hasPrefix("text/") || type.hasSuffix("+xml") || type.hasSuffix("/xml") || type.hasSuffix("json") || textExtensions.contains(ext) {
            return ArtifactDelivery(contentType: "text/plain; charset=utf-8", disposition: "inline")
        }
        return ArtifactDelivery(contentType: "application/octet-stream", disposition: "attachment")
    }

    /// `Content-Disposition` with the file's name, RFC 6266 / RFC 5987 encoded: a server-supplied name
    /// can carry quotes, semicolons or line breaks, and none of them reach the header as such.
    func header(fileName: String) -> String {
        let ascii = String(fileName.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" && $0 != ";" ? Character($0) : "_" })
        return "\(disposition); filename=\"\(ascii)\"; filename*=UTF-8''\(HTML.urlComponent(fileName))"
    }
}
