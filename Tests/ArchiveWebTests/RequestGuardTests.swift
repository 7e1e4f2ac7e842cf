@testable import ArchiveWeb
import Testing

struct RequestGuardTests {
    @Test(arguments: [
        ("127.0.0.1:8080", true), ("localhost:8080", true), ("LocalHost:8080", true), ("[::1]:8080", true),
        ("127.0.0.1:8081", false), ("evil.example:8080", false), ("localhost.evil.example:8080", false), ("127.0.0.1", false),
        ("", false), ("10.0.0.5:8080", false),
    ])
    func onLoopbackOnlyLocalNamesWithOurPortAreAccepted(host: String, accepted: Bool) {
        #expect(RequestGuard(host: "127.0.0.1", port: 8080, token: nil).accepts(hostHeader: host) == accepted)
    }

    @Test(arguments: [("10.0.0.5:8080", true), ("[fe80::1]:8080", true), ("printer.local:8080", false), ("10.0.0.5:9", false)])
    func onEveryAddressAnyAddressButNoNameIsAccepted(host: String, accepted: Bool) {
        #expect(RequestGuard(host: "0.0.0.0", port: 8080, token: "t").accepts(hostHeader: host) == accepted)
    }

    @Test func aTokenIsAskedForThenKeptInACookie() {
        let guardian = RequestGuard(host: "0.0.0.0", port: 8080, token: "secret-secret-secret")
        let host = "10.0.0.5:8080"
        #expect(guardian.decide(hostHeader: host, path: "/", query: FormQuery(nil), cookieHeader: nil)
                == .refuse(status: 401, reason: "Open the link with ?token=… that `sigmic-archive serve` printed."))
        #expect(guardian.decide(hostHeader: host, path: "/x", query: FormQuery("token=nope"), cookieHeader: nil)
                == .refuse(status: 403, reason: "The token is wrong."))
        #expect(guardian.decide(hostHeader: host, path: "/x", query: FormQuery("token=secret-secret-secret"), cookieHeader: nil)
                == .setCookie(location: "/x"))
        #expect(guardian.decide(hostHeader: host, path: "/", query: FormQuery(nil), cookieHeader: "a=b; sigmic_token=secret-secret-secret")
                == .allow)
        #expect(guardian.decide(hostHeader: "evil.example:8080", path: "/", query: FormQuery(nil), cookieHeader: "sigmic_token=secret-secret-secret")
                != .allow)
    }
}
