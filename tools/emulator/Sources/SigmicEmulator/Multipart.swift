import Foundation
import MultipartKit
import NIOCore

/// A multipart/form-data body split into text fields and files.
struct FormData {
    var fields: [String: String] = [:]
    var files: [Upload] = []
    /// Field names seen, in order (to reject fields that need a JSON body).
    var names: [String] = []

    static func parse(_ body: ByteBuffer, contentType: String) throws(APIError) -> FormData {
        guard let boundary = parameter("boundary", in: contentType) else {
            throw .validation("multipart/form-data without a boundary")
        }
        let parser = MultipartParser(boundary: boundary)
        var parts: [(headers: [(String, String)], body: [UInt8])] = []
        var headers: [(String, String)] = []
        var bytes: [UInt8] = []
        parser.onHeader = { name, value in headers.append((name.lowercased(), value)) }
        parser.onBody = { buffer in bytes += buffer.readBytes(length: buffer.readableBytes) ?? [] }
        parser.onPartComplete = {
            parts.append((headers, bytes))
            headers = []
            bytes = []
        }
        do {
            try parser.execute(body)
        } catch {
            throw .validation("Malformed multipart body")
        }
        var form = FormData()
        for part in parts {
            guard let disposition = part.headers.first(where: { $0.0 == "content-disposition" })?.1,
                  let name = parameter("name", in: disposition) else { continue }
            form.names.append(name)
            if let filename = parameter("filename", in: disposition) {
                form.files.append(Upload(filename: filename, bytes: part.body))
            } else {
                form.fields[name] = String(decoding: part.body, as: UTF8.self)
            }
        }
        return form
    }

    /// An `application/x-www-form-urlencoded` body: the vendor's Python example sends its create
    /// request this way when it has no files (requests' `data=` without `files=`), so it is accepted as
    /// the multipart form without files.
    static func parseURLEncoded(_ body: ByteBuffer) -> FormData {
        var form = FormData()
        let text = String(decoding: body.readableBytesView, as: UTF8.self)
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (raw: Substring) in
                String(raw).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(raw)
            }
            let name = decode(parts[0])
            form.names.append(name)
            form.fields[name] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return form
    }

    /// Either form encoding, by Content-Type; nil for anything else.
    static func parseForm(_ body: ByteBuffer, contentType: String) throws(APIError) -> FormData? {
        let type = contentType.lowercased()
        if type.hasPrefix("multipart/form-data") { return try parse(body, contentType: contentType) }
        if type.hasPrefix("application/x-www-form-urlencoded") { return parseURLEncoded(body) }
        return nil
    }

    /// `name="value"` or `name=value` from a header such as Content-Type or Content-Disposition.
    static func parameter(_ key: String, in header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == key else { continue }
            var value = pair[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
            }
            return value
        }
        return nil
    }
}
