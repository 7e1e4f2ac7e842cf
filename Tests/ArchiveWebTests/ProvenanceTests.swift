@testable import ArchiveWeb
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

/// What another site's page may make a browser ask of `serve`, and what a request head must look like.
struct ProvenanceTests {
    typealias P = RequestGuard.Provenance
    static let ours = RequestGuard(host: "127.0.0.1", port: 8080, token: nil)

    static let cases: [(String, P, WebRoute?, Bool)] = [
        ("a program (no metadata)", P(), .apiSearch, true),
        ("our own page's fetch", P(site: "same-origin", mode: "cors", destination: "empty"), .apiSearch, true),
        ("typed in the address bar", P(site: "none", mode: "navigate", destination: "document"), .search, true),
        ("a link from another site to a task", P(site: "cross-site", mode: "navigate", destination: "document"), .task(id: "3f2a"), true),
        ("a link from another site to a search page", P(site: "cross-site", mode: "navigate", destination: "document"), .search, true),
        ("another site's image of the search API", P(site: "cross-site", mode: "no-cors", destination: "image"), .apiSearch, false),
        ("another site's fetch of the task list", P(site: "cross-site", mode: "cors", destination: "empty"), .apiTasks, false),
        ("another site's frame of a task", P(site: "cross-site", mode: "navigate", destination: "iframe"), .task(id: "3f2a"), false),
        ("a navigation to JSON from another site", P(site: "cross-site", mode: "navigate", destination: "document"), .apiTasks, false),
        ("search results fetched by a sibling site", P(site: "same-site", mode: "cors", destination: "empty"), .searchResults, false),
        ("an older browser's foreign Origin", P(origin: "http://evil.example"), .apiSearch, false),
        ("our own Origin", P(origin: "http://127.0.0.1:8080"), .apiSearch, true),
        ("an opaque Origin", P(origin: "null"), .apiTasks, true),
    ]

    @Test(arguments: cases.indices)
    func foreignPagesGetNoData(_ index: Int) {
        let (label, provenance, route, allowed) = Self.cases[index]
        #expect((Self.ours.decide(provenance: provenance, route: route) == .allow) == allowed, "\(label)")
    }

    static let heads: [(String, [(String, String)], Bool)] = [
        ("/api/tasks", [("Host", "127.0.0.1:8080")], true),
        ("http://evil.example/api/tasks", [("Host", "127.0.0.1:8080")], false),
        ("/api/tasks", [("Host", "127.0.0.1:8080"), ("Host", "evil.example")], false),
        ("/api/tasks", [], false),
        ("*", [("Host", "127.0.0.1:8080")], false),
    ]

    @Test(arguments: heads.indices)
    func aRequestHeadNamesAPathAndOneHost(_ index: Int) {
        let (target, headers, accepted) = Self.heads[index]
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: target, headers: HTTPHeaders(headers))
        #expect((ConnectionGuard.problem(head) == nil) == accepted)
    }

    @Test func theConnectionLimitStaysBelowTheOpenFilesLimit() {
        #expect(ConnectionCount.limit(openFiles: 1_024) == 960)
        #expect(ConnectionCount.limit(openFiles: 100) == 36)
        #expect(ConnectionCount.limit(openFiles: 1 << 20) == 1_024)
        let count = ConnectionCount(limit: 2)
        #expect(count.enter() && count.enter() && !count.enter())
        count.leave()
        count.leave()
        #expect(count.enter())
    }
}

/// A connection's guard notes when its client has gone, so a search it asked for can stop.
struct ClientPresenceTests {
    @Test(arguments: ["input closed", "inactive"])
    func aClientThatClosesIsGone(_ how: String) throws {
        let channel = EmbeddedChannel()
        let guardian = ConnectionGuard(headTimeout: .seconds(10), connections: ConnectionCount(limit: 10))
        try channel.pipeline.syncOperations.addHandler(guardian)
        #expect(!guardian.presence.isGone)
        if how == "input closed" {
            channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        } else {
            channel.pipeline.fireChannelInactive()
        }
        #expect(guardian.presence.isGone)
        _ = try? channel.finish()
    }
}
