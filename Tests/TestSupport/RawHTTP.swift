public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A deliberately plain HTTP/1.1 client over a socket, for emulator tests: it shares nothing with the
/// product's API client and shows the exact bytes on the wire (line ends, chunk sizes, short bodies).
public struct RawResponse: Sendable {
    public let status: Int
    public let headers: [String: String]
    /// The body with chunked transfer-encoding removed.
    public let body: Data
    /// Sizes of the chunks of a chunked body, in order (empty otherwise).
    public let chunkSizes: [Int]
    /// True when the connection closed before the body was complete.
    public let truncated: Bool

    public var text: String { String(decoding: body, as: UTF8.self) }

    public func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw CocoaError(.propertyListReadCorrupt)
        }
        return object
    }

    /// `error.code` of an error envelope.
    public var errorCode: String? {
        ((try? json())?["error"] as? [String: Any])?["code"] as? String
    }
}

public enum RawHTTP {
    /// Sends one request (Connection: close) and reads the whole response.
    public static func request(_ method: String, _ url: String, headers: [String: String] = [:], body: Data = Data(),
                               readTimeout: Double = 60) async throws -> RawResponse {
        // Blocking socket calls get a thread of their own. Swift's cooperative pool (and, on Linux, GCD's
        // global queues beneath it) has about one thread per core; blocking there would starve the
        // emulator's own tasks in the same process.
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try send(method, url, headers: headers, body: body, readTimeout: readTimeout) })
            }
            thread.start()
        }
    }

    static func send(_ method: String, _ url: String, headers: [String: String], body: Data, readTimeout: Double) throws -> RawResponse {
        guard let components = URLComponents(string: url), let port = components.port else {
            throw URLError(.badURL)
        }
        let target = components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        let fd = try connectLoopback(port: port, readTimeout: Int(readTimeout))
        defer { close(fd) }
        // A test may send a Host of its own (a server's Host check is under test).
        let host = headers.keys.contains { $0.lowercased() == "host" } ? "" : "Host: 127.0.0.1:\(port)\r\n"
        var head = "\(method) \(target) HTTP/1.1\r\n\(host)Connection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        let request = Data(head.utf8) + body
        try request.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { throw URLError(.networkConnectionLost) }
                offset += written
            }
        }
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            // A signal (SIGCHLD, when another test's child process exits) interrupts the wait: it is
            // not the end of the answer.
            if count < 0 && errno == EINTR { continue }
            if count < 0 { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO, userInfo: [NSLocalizedDescriptionKey: "recv after \(received.count) bytes"]) }
            if count == 0 { break }
            received.append(contentsOf: buffer[0..<count])
        }
        guard !received.isEmpty else { throw URLError(.zeroByteResource) }
        return try parse(received, method: method)
    }

    static func parse(_ data: Data, method: String) throws -> RawResponse {
        guard let split = data.range(of: Data("\r\n\r\n".utf8)) else { throw URLError(.badServerResponse) }
        let headText = String(decoding: data[..<split.lowerBound], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw URLError(.badServerResponse) }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let bytes = [UInt8](data[split.upperBound...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            var body = Data()
            var sizes: [Int] = []
            var index = 0
            while let lineEnd = findCRLF(bytes, from: index) {
                let sizeText = String(decoding: bytes[index..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
                guard let size = Int(sizeText, radix: 16) else { break }
                index = lineEnd + 2
                if size == 0 {
                    return RawResponse(status: status, headers: headers, body: body, chunkSizes: sizes, truncated: false)
                }
                guard bytes.count >= index + size + 2 else { break }
                body.append(contentsOf: bytes[index..<(index + size)])
                sizes.append(size)
                index += size + 2
            }
            return RawResponse(status: status, headers: headers, body: body, chunkSizes: sizes, truncated: true)
        }
        let rest = Data(bytes)
        let expected = headers["content-length"].flatMap(Int.init)
        return RawResponse(status: status, headers: headers, body: rest, chunkSizes: [],
                           truncated: expected.map { rest.count < $0 } ?? false)
    }

    static func findCRLF(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == 13 && bytes[index + 1] == 10 { return index }
            index += 1
        }
        return nil
    }

    /// The events of an SSE body, parsed plainly (LF or CRLF), as (event, data) pairs; comments are
    /// returned as ("comment", text).
    public static func events(_ text: String) -> [(event: String, data: String)] {
        var out: [(String, String)] = []
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n")
        for block in normalised.components(separatedBy: "\n\n") where !block.isEmpty {
            var name = "message"
            var data: [String] = []
            for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix(":") { out.append(("comment", String(line.dropFirst()))); continue }
                if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data.append(String(line.dropFirst(6))) }
            }
            if !data.isEmpty { out.append((name, data.joined(separator: "\n"))) }
        }
        return out
    }
}

extension RawHTTP {
    /// Sends `request` exactly as given (any request line, any headers) to a loopback port and returns
    /// the response's status line, or "" when the server closed without answering.
    public static func statusLine(port: Int, _ request: String, readTimeout: Int = 30) throws -> String {
        let fd = try connectLoopback(port: port, readTimeout: readTimeout)
        defer { close(fd) }
        _ = request.utf8CString.withUnsafeBufferPointer { Glibc.send(fd, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL)) }
        var bytes = [UInt8](repeating: 0, count: 4096)
        var received: [UInt8] = []
        while !received.contains(13) {
            let count = recv(fd, &bytes, bytes.count, 0)
            guard count > 0 else { break }
            received += bytes[0..<count]
        }
        return String(decoding: received, as: UTF8.self).components(separatedBy: "\r\n").first ?? ""
    }

    /// A connected TCP socket to 127.0.0.1:`port` with a read timeout; the caller closes it.
    public static func connectLoopback(port: Int, readTimeout: Int = 30) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw URLError(.cannotConnectToHost) }
        var timeout = timeval(tv_sec: readTimeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        // An interrupted connect goes on in the background; the first send waits for it.
        guard connected == 0 || errno == EINTR else {
            close(fd)
            throw URLError(.cannotConnectToHost)
        }
        return fd
    }
}
