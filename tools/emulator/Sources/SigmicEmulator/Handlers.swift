import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The endpoints whose requests need more than a single world call.
struct Handlers: Sendable {
    let world: World
    let config: EmulatorConfiguration

    // MARK: - Create and follow-up

    func create(_ request: Request, _ context: EmulatorContext) async throws -> Response {
        var request = request
        let contentType = request.headers[.contentType] ?? ""
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        var create: CreateRequest
        if let form = try FormData.parseForm(body, contentType: contentType) {
            if form.names.contains("env") || form.names.contains("secrets") {
                throw APIError.validation("env and secrets need a JSON body; files need multipart: send them in separate requests")
            }
            create = CreateRequest(message: try Self.requiredMessage(form.fields["message"]))
            create.systemPrompt = form.fields["systemPrompt"].flatMap { $0.isEmpty ? nil : $0 }
            create.autoExecute = try Self.bool(form.fields["autoExecute"], name: "autoExecute", default: true)
            create.showInHistory = try Self.bool(form.fields["showInHistory"], name: "showInHistory", default: true)
            create.files = form.files
        } else if contentType.lowercased().hasPrefix("application/json") {
            let object = try Self.jsonObject(body)
            create = CreateRequest(message: try Self.requiredMessage(object["message"] as? String))
            create.systemPrompt = object["systemPrompt"] as? String
            create.autoExecute = try Self.bool(object["autoExecute"], name: "autoExecute", default: true)
            create.showInHistory = try Self.bool(object["showInHistory"], name: "showInHistory", default: true)
            let env = try Self.variables(object["env"], name: "env")
            let secrets = try Self.variables(object["secrets"], name: "secrets")
            // Secrets are injected into the sandbox and never stored; env is stored and returned.
            if let env {
                let secretNames = Set((secrets ?? []).map(\.0))
                create.env = env.filter { !secretNames.contains($0.0) }
            }
        } else {
            throw APIError.validation("Content-Type must be multipart/form-data or application/json")
        }
        return Responses.json(try await world.create(key: context.keyIndex, create), status: config.createStatus)
    }

    func followUp(_ request: Request, _ context: EmulatorContext) async throws -> Response {
        var request = request
        let id = try context.parameters.require("id")
        let contentType = request.headers[.contentType] ?? ""
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let message: String
        var files: [Upload] = []
        if let form = try FormData.parseForm(body, contentType: contentType) {
            message = try Self.requiredMessage(form.fields["message"])
            files = form.files
        } else if contentType.lowercased().hasPrefix("application/json") {
            message = try Self.requiredMessage(try Self.jsonObject(body)["message"] as? String)
        } else {
            throw APIError.validation("Content-Type must be application/json or multipart/form-data")
        }
        return Responses.json(try await world.followUp(key: context.keyIndex, id: id, message: message, files: files))
    }

    func approve(_ request: Request, _ context: EmulatorContext) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 1 << 20)
        let outcome = (try? Self.jsonObject(body))?["outcome"] as? String
        return Responses.json(try await world.approve(
            key: context.keyIndex, id: try context.parameters.require("id"),
            callId: try context.parameters.require("callId"), outcome: outcome))
    }

    // MARK: - List

    func list(_ request: Request, _ context: EmulatorContext) async throws -> Response {
        let query = request.uri.queryParameters
        // [I] §9.10: limit defaults to 50 and is clamped to 100; zero, negative or non-numeric is an error.
        var limit = 50
        if let text = query["limit"] {
            guard let value = Int(text), value > 0 else { throw APIError.validation("limit must be a positive number") }
            limit = min(value, 100)
        }
        var offset = 0
        if let text = query["offset"] {
            guard let value = Int(text), value >= 0 else { throw APIError.validation("offset must be a number ≥ 0") }
            offset = value
        }
        return Responses.json(await world.list(key: context.keyIndex, limit: limit, offset: offset))
    }

    // MARK: - Stream

    func stream(_ request: Request, _ context: EmulatorContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let attachment = try await world.attach(key: context.keyIndex, id: id)
        let dropAfter: Int? = if let limit = config.faults.dropStreamAfterEvents,
                                 await world.roll("drop " + request.uri.string, rate: config.faults.dropStreamRate) { limit } else { nil }
        let framing = SSEFraming(wire: config.wire)
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        headers[.connection] = "keep-alive"
        let body = ResponseBody { writer in
            var sent = 0
            func send(_ event: StreamEvent) async throws {
                if let dropAfter, sent >= dropAfter { throw StreamDropped() }
                for piece in framing.frame(event) { try await writer.write(piece) }
                sent += 1
            }
            for event in attachment.replay { try await send(event) }
            if let live = attachment.live {
                for await item in live {
                    switch item {
                    case .event(let event): try await send(event)
                    case .heartbeat: for piece in framing.heartbeat() { try await writer.write(piece) }
                    }
                }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    // MARK: - Download

    func download(_ request: Request, _ context: EmulatorContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let file = try await world.file(key: context.keyIndex, id: id, path: Self.formValue("path", in: request.uri.query))
        // Only very large files stream (small ones keep the fault injection of `send`).
        if file.isStreamable && file.size > 8 << 20 { return streamedDownload(file, request: request) }
        let bytes = file.content()
        var start = 0
        var status = HTTPResponse.Status.ok
        var headers = HTTPFields()
        headers[.contentType] = file.mimeType
        headers[.contentDisposition] = "attachment; filename=\"\(file.name.replacingOccurrences(of: "\"", with: "\\\""))\""
        headers[.acceptRanges] = "bytes"
        if let range = request.headers[.range] {
            // [I] §9.46: `bytes=N-` (and `bytes=N-M`) answered with 206, so downloads can resume.
            guard let parsed = Self.byteRange(range, size: bytes.count) else {
                headers[.contentRange] = "bytes */\(bytes.count)"
                return Response(status: .rangeNotSatisfiable, headers: headers)
            }
            start = parsed.lowerBound
            let end = parsed.upperBound
            headers[.contentRange] = "bytes \(start)-\(end - 1)/\(bytes.count)"
            status = .partialContent
            let slice = Array(bytes[start..<end])
            return try await send(slice, status: status, headers: headers, request: request)
        }
        return try await send(bytes, status: status, headers: headers, request: request)
    }

    /// A generated file sent 1 MiB at a time, made as it goes (Range requests are honoured).
    private func streamedDownload(_ file: EmulatedFile, request: Request) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = file.mimeType
        headers[.acceptRanges] = "bytes"
        var range = 0..<file.size
        var status = HTTPResponse.Status.ok
        if let header = request.headers[.range] {
            guard let parsed = Self.byteRange(header, size: file.size) else {
                headers[.contentRange] = "bytes */\(file.size)"
                return Response(status: .rangeNotSatisfiable, headers: headers)
            }
            range = parsed
            status = .partialContent
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(file.size)"
        }
        headers[.contentLength] = String(range.count)
        let sending = range
        let body = ResponseBody(contentLength: sending.count) { writer in
            var offset = sending.lowerBound
            while offset < sending.upperBound {
                let end = min(sending.upperBound, offset + (1 << 20))
                try await writer.write(ByteBuffer(bytes: file.content(in: offset..<end)))
                offset = end
            }
            try await writer.finish(nil)
        }
        return Response(status: status, headers: headers, body: body)
    }

    private func send(_ bytes: [UInt8], status: HTTPResponse.Status, headers: HTTPFields, request: Request) async throws -> Response {
        var headers = headers
        headers[.contentLength] = String(bytes.count)
        let rolled = await world.roll("truncate " + request.uri.string, rate: config.faults.truncateDownloadRate)
        let truncate = rolled && bytes.count > 1
        let body = ResponseBody(contentLength: bytes.count) { writer in
            if truncate {
                // The full Content-Length was promised; send half and break the connection.
                try await writer.write(ByteBuffer(bytes: bytes[0..<(bytes.count / 2)]))
                throw StreamDropped()
            }
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + 64 * 1024)
                try await writer.write(ByteBuffer(bytes: bytes[offset..<end]))
                offset = end
            }
            try await writer.finish(nil)
        }
        return Response(status: status, headers: headers, body: body)
    }

    /// A query parameter decoded as HTML forms encode it: `+` is a space, then percent-escapes. (The
    /// vendor's Python client, through `requests`, sends `uploads/photo+1.png` for `photo 1.png`.)
    static func formValue(_ name: String, in query: String?) -> String? {
        guard let query else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == name else { continue }
            return formDecode(parts[1])
        }
        return nil
    }

    /// `+` as a space and `%XX` as a byte; nil for a malformed escape or bytes that are not UTF-8.
    static func formDecode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    static func byteRange(_ header: String, size: Int) -> Range<Int>? {
        guard header.hasPrefix("bytes="), !header.contains(",") else { return nil }
        let spec = header.dropFirst(6).split(separator: "-", omittingEmptySubsequences: false)
        guard spec.count == 2, let first = Int(spec[0]), first >= 0, first < size else { return nil }
        let last = spec[1].isEmpty ? size - 1 : min(Int(spec[1]) ?? -1, size - 1)
        guard last >= first else { return nil }
        return first..<(last + 1)
    }

    // MARK: - Body helpers

    static func jsonObject(_ body: ByteBuffer) throws(APIError) -> [String: Any] {
        let data = Data(body.readableBytesView)
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw .validation("Malformed JSON body")
        }
        return object
    }

    static func requiredMessage(_ value: String?) throws(APIError) -> String {
        guard let value, !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw .validation("message is required")
        }
        return value
    }

    /// Booleans arrive as JSON booleans or, from multipart, as the strings "true" / "false".
    static func bool(_ value: Any?, name: String, default fallback: Bool) throws(APIError) -> Bool {
        switch value {
        case nil: return fallback
        case let text as String where text == "true": return true
        case let text as String where text == "false": return false
        // JSONSerialization boxes booleans as NSNumber of type char ("c"), numbers as other types.
        case let number as NSNumber where String(cString: number.objCType) == "c": return number.boolValue
        default: throw .validation("\(name) must be true or false")
        }
    }

    /// `^[A-Za-z_][A-Za-z0-9_]*$`
    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCII, first == "_" || first.properties.isAlphabetic else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0)) }
    }

    static func variables(_ value: Any?, name: String) throws(APIError) -> [(String, String)]? {
        guard let value, !(value is NSNull) else { return nil }
        guard let object = value as? [String: Any] else {
            throw APIError(status: 400, code: "INVALID_ENV", message: "\(name) must be an object of strings")
        }
        var pairs: [(String, String)] = []
        for key in object.keys.sorted() {
            guard isVariableName(key) else {
                throw APIError(status: 400, code: "INVALID_ENV", message: "Invalid environment variable name: \(key)")
            }
            guard let text = object[key] as? String else {
                throw APIError(status: 400, code: "INVALID_ENV", message: "Environment variable \(key) must be a string")
            }
            pairs.append((key, text))
        }
        return pairs
    }
}

struct StreamDropped: Error {}

/// SSE framing as the official example parsers need it: `event:` first, one `data:` line, one space
/// after each colon, heartbeats as their own `:heartbeat` block, no `id:` or `retry:` (§5.1).
struct SSEFraming: Sendable {
    let wire: EmulatorConfiguration.Wire

    func frame(_ event: StreamEvent) -> [ByteBuffer] {
        let newline = wire.crlf ? "\r\n" : "\n"
        return pieces("event: \(event.name)\(newline)data: \(event.data.encoded())\(newline)\(newline)")
    }

    func heartbeat() -> [ByteBuffer] {
        let newline = wire.crlf ? "\r\n" : "\n"
        return pieces(":heartbeat\(newline)\(newline)")
    }

    /// Splits at byte boundaries, even inside a UTF-8 character or between CR and LF.
    private func pieces(_ text: String) -> [ByteBuffer] {
        let bytes = Array(text.utf8)
        guard let size = wire.chunkBytes, size > 0 else { return [ByteBuffer(bytes: bytes)] }
        return stride(from: 0, to: bytes.count, by: size).map { ByteBuffer(bytes: bytes[$0..<min(bytes.count, $0 + size)]) }
    }
}
