// fuzz-requests: a property-based fuzzer for what `serve` and `mcp` read from the network and stdin.
// Inputs come from a seeded generator biased towards each format's special bytes, so runs are
// reproducible (`--seed`) and any failure prints the input that caused it.
//
//   fuzz-requests [http|mcp|all] [--count N] [--seed S]
//
// http, per input (raw bytes of one or more requests): NIO's HTTP decoder and our ConnectionGuard
// never crash; every request head the guard lets through names a path (origin form) and carries
// exactly one Host; its route parses to ids of the allowed characters only; with a token, the request
// guard never allows a request whose cookie lacks it.
// mcp, per input (bytes of JSON-ish lines): LineReader gives the same lines whether the bytes come
// whole or in random pieces, none longer than its limit; JSONRPCGate never crashes, and each answer it
// makes is a JSON-RPC 2.0 error with id null or the request's own id.
import ArchiveMCP
import ArchiveWeb
import Foundation
import FuzzSupport
import NIOCore
import NIOEmbedded
import NIOHTTP1
import SeededRandom

typealias Generator = SeededRandom

extension SeededRandom {
    /// Fragments joined, now and then a random byte between them.
    mutating func bytes(from fragments: [[UInt8]], pieces: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<(1 + below(pieces)) {
            bytes += fragments[below(fragments.count)]
            if below(8) == 0 { bytes.append(UInt8(truncatingIfNeeded: next())) }
        }
        return bytes
    }
}

func report(_ failures: inout Int, _ what: String, _ input: [UInt8]) {
    failures += 1
    if failures <= 5 { print("\(what): \(String(reflecting: String(decoding: input, as: UTF8.self)).prefix(400))") }
}

// MARK: HTTP

let httpFragments: [[UInt8]] = [
    "GET ", "POST ", "HEAD ", "OPTIONS ", "/", "/api/tasks", "/api/search?q=", "/api/tasks/3f2a", "/tasks/3f2a", "/tasks/3f2a/artifacts/",
    "/search/results?q=a*", "/static/app.js", "%2F", "%2e%2e", "..", "?", "&", "=", "+", "q=", "token=", " HTTP/1.1", " HTTP/1.0",
    "\r\n", "\n", "\r\n\r\n", "Host: 127.0.0.1:8080", "Host: localhost:8080", "Host: evil.example", "Host: [::1]:8080", "Host:",
    "Cookie: sigmic_token=secret-secret-secret", "Cookie: sigmic_token=x", "Sec-Fetch-Site: cross-site", "Sec-Fetch-Mode: navigate",
    "Origin: http://evil.example", "Content-Length: 5", "Transfer-Encoding: chunked", ":", " ", "\0", "é", "\u{202E}",
    "http://evil.example/", "*", "abcde",
].map { Array($0.utf8) }
let targets = ["/", "/api/tasks", "/api/search?q=a*", "/tasks/3f2a", "/tasks/3f2a/artifacts/a%2F..%2Fb", "/search/results?q=x&token=secret-secret-secret",
               "http://evil.example/api/tasks", "*", "/api/tasks/..%2F..", "/tasks/é", "//", "/static/app.js"]
let headerLines = ["Host: 127.0.0.1:8080", "Host: localhost:8080", "Host: evil.example", "Host: [::1]:8080", "Host:", "Cookie: sigmic_token=secret-secret-secret",
                   "Cookie: sigmic_token=x; sigmic_token=secret-secret-secret", "Cookie: a=b", "Sec-Fetch-Site: cross-site", "Origin: http://evil.example",
                   "Content-Length: 5", "Transfer-Encoding: chunked", "Connection: close", "X: \u{202E}"]

/// Mostly well-formed requests (so many reach the guard and the routes), now and then broken by a
/// random fragment or byte at a random place.
func httpInput(_ generator: inout Generator) -> [UInt8] {
    var bytes: [UInt8] = []
    for _ in 0..<(1 + generator.below(2)) {
        var request = ["GET ", "HEAD ", "POST ", "BREW "][generator.below(4)] + targets[generator.below(targets.count)]
        if generator.below(3) == 0 { request += String(decoding: httpFragments[generator.below(httpFragments.count)], as: UTF8.self) }
        request += [" HTTP/1.1", " HTTP/1.1", " HTTP/1.0", " HTTP/2"][generator.below(4)] + "\r\n"
        if generator.below(3) > 0 { request += ["Host: 127.0.0.1:8080", "Host: localhost:8080"][generator.below(2)] + "\r\n" }
        for _ in 0..<generator.below(4) { request += headerLines[generator.below(headerLines.count)] + "\r\n" }
        bytes += Array((request + "\r\n").utf8)
    }
    if generator.below(4) == 0 {
        let noise = generator.below(2) == 0 ? httpFragments[generator.below(httpFragments.count)] : [UInt8(truncatingIfNeeded: generator.next())]
        bytes.insert(contentsOf: noise, at: generator.below(bytes.count + 1))
    }
    return bytes
}

/// Collects the request heads that reach Hummingbird's side of the pipeline.
final class HeadSink: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    var heads: [HTTPRequestHead] = []
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) { heads.append(head) }
    }
}

func fuzzHTTP(count: Int, seed: UInt64) -> Int {
    var generator = Generator(seed: seed)
    var failures = 0
    let guardian = RequestGuard(host: "127.0.0.1", port: 8080, token: "secret-secret-secret")
    let idCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
    var passed = 0
    for _ in 0..<count {
        let input = httpInput(&generator)
        let channel = EmbeddedChannel()
        let sink = HeadSink()
        do {
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder()))
            try channel.pipeline.syncOperations.addHandler(ConnectionGuard(headTimeout: .seconds(10), connections: ConnectionCount(limit: 100)))
            try channel.pipeline.syncOperations.addHandler(sink)
        } catch {
            report(&failures, "http: pipeline \(error)", input)
            continue
        }
        var buffer = channel.allocator.buffer(capacity: input.count)
        buffer.writeBytes(input)
        _ = try? channel.writeInbound(buffer)   // a parse error is a refusal, not a failure
        passed += sink.heads.count
        for head in sink.heads {
            guard head.uri.hasPrefix("/"), head.headers["Host"].count == 1 else {
                report(&failures, "http: the guard let through \(head.uri.prefix(40)) with \(head.headers["Host"].count) Host", input)
                continue
            }
            let (path, query) = head.uri.firstIndex(of: "?").map { (String(head.uri[..<$0]), String(head.uri[head.uri.index(after: $0)...])) }
                ?? (head.uri, nil)
            switch WebRoute.parse(path) {
            case .task(let id), .apiTask(let id), .artifact(let id, _):
                if !id.allSatisfy(idCharacters.contains) { report(&failures, "http: id \(id) has other characters", input) }
            default:
                break
            }
            let cookie = head.headers["Cookie"].first
            let decision = guardian.decide(hostHeader: head.headers["Host"].first, path: path, query: FormQuery(query), cookieHeader: cookie)
            if decision == .allow, !(cookie ?? "").contains("sigmic_token=secret-secret-secret") {
                report(&failures, "http: allowed without the token", input)
            }
        }
        _ = try? channel.finish()
    }
    print("http: \(passed) request heads passed the guard and were checked")
    return failures
}

// MARK: MCP

let mcpFragments: [[UInt8]] = [
    "{", "}", "[", "]", ",", ":", "\"", "\"jsonrpc\"", "\"2.0\"", "\"id\"", "\"method\"", "\"params\"", "\"tools/call\"",
    "\"initialize\"", "\"resources/read\"", "\"tools/list\"", "1", "-1", "1e400", "null", "true", "{}", "[]", "{\"a\":1}",
    "\n", "\r\n", " ", "\\", "\\u0000", "é", "\0", String(repeating: "x", count: 300),
].map { Array($0.utf8) }

func fuzzMCP(count: Int, seed: UInt64) -> Int {
    var generator = Generator(seed: seed)
    var failures = 0
    var answered = 0
    for _ in 0..<count {
        let input = generator.bytes(from: mcpFragments, pieces: 40)
        var whole = LineReader(limit: 512)
        let expected = whole.feed(Data(input))
        var pieces = LineReader(limit: 512)
        var items: [LineReader.Item] = []
        var offset = 0
        while offset < input.count {
            let end = min(input.count, offset + 1 + generator.below(64))
            items += pieces.feed(Data(input[offset..<end]))
            offset = end
        }
        if items != expected { report(&failures, "mcp: pieces read differently", input) }
        for case .line(let line) in expected {
            if line.count > 512 { report(&failures, "mcp: a line over the limit", input) }
            guard case .answer(let reply) = JSONRPCGate.check(line) else { continue }
            answered += 1
            guard let answer = try? JSONSerialization.jsonObject(with: reply) as? [String: Any],
                  answer["jsonrpc"] as? String == "2.0", let error = answer["error"] as? [String: Any],
                  let code = error["code"] as? Int, [-32700, -32600, -32602].contains(code) else {
                report(&failures, "mcp: an answer that is not a JSON-RPC error", Array(line))
                continue
            }
            let request = try? JSONSerialization.jsonObject(with: line, options: [.fragmentsAllowed]) as? [String: Any]
            let id = answer["id"]
            if !(id is NSNull), "\(id ?? "")" != "\(request?["id"] ?? "")" {
                report(&failures, "mcp: an answer with another id", Array(line))
            }
        }
    }
    print("mcp: \(answered) lines answered by the gate and checked")
    return failures
}

// MARK: Main

try await runFuzzModes("fuzz-requests", [("http", fuzzHTTP), ("mcp", fuzzMCP)])
