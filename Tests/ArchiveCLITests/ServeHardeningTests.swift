import ArchiveStore
import Foundation
import Testing
import TestSupport

/// `serve` against what a foreign page, a careless client or a slow attacker can send, through the real
/// server: every answer is a status that says what happened, and the archive keeps answering.
@Suite struct ServeHardeningTests {
    let folder: TempFolder

    init() throws {
        folder = try TempFolder("serve-hardening")
        try GoldenArchive.create(at: folder.path("a"))
    }

    @Test func requestsThatOnlyLookRightAreRefused() async throws {
        let server = try ServeProcess(archive: folder.path("a"))
        let host = "Host: 127.0.0.1:\(server.port)\r\n"
        let cases: [(String, String)] = [
            ("GET /api/tasks HTTP/1.1\r\n\(host)Connection: close\r\n\r\n", "HTTP/1.1 200"),
            ("GET /api/tasks HTTP/1.1\r\n\(host)Host: evil.example\r\nConnection: close\r\n\r\n", "HTTP/1.1 400"),
            ("GET http://evil.example/api/tasks HTTP/1.1\r\n\(host)Connection: close\r\n\r\n", "HTTP/1.1 400"),
            ("GET /api/tasks HTTP/1.1\r\nConnection: close\r\n\r\n", "HTTP/1.1 400"),
        ]
        for (request, expected) in cases {
            let line = try RawHTTP.statusLine(port: server.port, request)
            #expect(line.hasPrefix(expected), "\(request.prefix(60)): \(line)")
        }
        let post = try await RawHTTP.request("POST", server.url + "/api/tasks")
        #expect(post.status == 405 && post.headers["allow"] == "GET, HEAD", "\(post.headers)")
    }

    @Test func aForeignPageGetsNoDataButLinksStillOpen() async throws {
        let server = try ServeProcess(archive: folder.path("a"))
        let image = ["Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"]
        #expect(try await server.get("/api/search?q=budget", headers: image).status == 403)
        #expect(try await server.get("/search/results?q=budget", headers: image).status == 403)
        #expect(try await server.get("/api/tasks", headers: ["Origin": "http://evil.example"]).status == 403)
        let link = ["Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"]
        #expect(try await server.get("/", headers: link).status == 200)
        #expect(try await server.get("/api/search?q=budget", headers: ["Sec-Fetch-Site": "same-origin"]).status == 200)
        #expect(try await server.get("/api/search?q=budget&status=bogus").status == 400)
    }

    @Test func aClientSendingItsHeadersSlowlyIsCutOff() async throws {
        let server = try ServeProcess(archive: folder.path("a"))
        let fd = try RawHTTP.connectLoopback(port: server.port, readTimeout: 30)
        defer { close(fd) }
        // One header line every half second, never the blank line: the server's 10 s for a request head
        // runs out and it closes the connection, which the next send or read here sees.
        let started = ContinuousClock.now
        var closed = false
        for _ in 0..<80 where !closed {
            let line = Array("X-Slow: 1\r\n".utf8)
            closed = send(fd, line, line.count, Int32(MSG_NOSIGNAL)) < 0
            if !closed { try await Task.sleep(for: .milliseconds(500)) }
        }
        #expect(closed, "a slow client kept its connection for \(ContinuousClock.now - started)")
        #expect(try await server.get("/api/tasks").status == 200)
    }

    @Test func connectionsBeyondTheLimitAreAnswered503() async throws {
        // 100 open files: the server serves at most 36 connections at once.
        let server = try ServeProcess(archive: folder.path("a"), openFiles: 100)
        var idle: [Int32] = []
        defer { for fd in idle { close(fd) } }
        for _ in 0..<40 { idle.append(try RawHTTP.connectLoopback(port: server.port)) }
        let refused = try RawHTTP.statusLine(port: server.port, "GET /api/tasks HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nConnection: close\r\n\r\n")
        #expect(refused.hasPrefix("HTTP/1.1 503"), "\(refused)")
        for fd in idle { close(fd) }
        idle = []
        // Closed connections leave the count as the server notices them.
        var answer = ""
        for _ in 0..<50 where !answer.hasPrefix("HTTP/1.1 200") {
            answer = try RawHTTP.statusLine(port: server.port, "GET /api/tasks HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nConnection: close\r\n\r\n")
        }
        #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)")
    }
}
