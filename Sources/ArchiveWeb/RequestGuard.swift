import Foundation

/// Who may read: decided from the `Host` header and, off loopback, a token. Pure, so every case is a
/// table test.
///
/// - The `Host` must name the address we listen on, or `localhost`/`127.0.0.1`/`[::1]`: a page on another
///   site that rebinds its own name to 127.0.0.1 (DNS rebinding) sends its own name and is refused.
/// - With a token (required off loopback), a visit with `?token=` sets a cookie and redirects to the same
///   page without the token, so it does not stay in the address bar or history; then the cookie is enough.
package struct RequestGuard: Sendable {
    let host: String
    let port: Int
    let token: String?

    package init(host: String, port: Int, token: String?) {
        self.host = host
        self.port = port
        self.token = token
    }

    static let cookieName = "sigmic_token"

    package enum Decision: Equatable {
        case allow
        /// The token was right: set the cookie and send the browser to `location`.
        case setCookie(location: String)
        case refuse(status: Int, reason: String)
    }

    package func decide(hostHeader: String?, path: String, query: FormQuery, cookieHeader: String?) -> Decision {
        guard let hostHeader, accepts(hostHeader: hostHeader) else {
            return .refuse(status: 421, reason: "This server answers only to \(host):\(port) and localhost.")
        }
        guard let token else { return .allow }
        if let given = query["token"] {
            guard Self.same(given, token) else { return .refuse(status: 403, reason: "The token is wrong.") }
            return .setCookie(location: path)
        }
        guard let cookie = Self.cookie(Self.cookieName, in: cookieHeader), Self.same(cookie, token) else {
            return .refuse(status: 401, reason: "Open the link with ?token=… that `sigmic-archive serve` printed.")
        }
        return .allow
    }

    /// Where a browser says a request comes from: Fetch Metadata (`Sec-Fetch-Site`, `-Mode`, `-Dest`)
    /// and `Origin`. Programs (curl, scripts) send none of them.
    package struct Provenance: Equatable {
        var site: String?
        var mode: String?
        var destination: String?
        var origin: String?

        package init(site: String? = nil, mode: String? = nil, destination: String? = nil, origin: String? = nil) {
            self.site = site
            self.mode = mode
            self.destination = destination
            self.origin = origin
        }
    }

    /// A page on another site can make the browser send requests here — an image, a frame, a script,
    /// a `fetch` — and each search it sends costs this machine work. Data (JSON, search results) is
    /// answered to this origin and to programs only; another site may only link to a page, which the
    /// person then opens themselves (a top-level navigation). `Origin`, sent by older browsers without
    /// Fetch Metadata, must be ours when present.
    package func decide(provenance: Provenance, route: WebRoute?) -> Decision {
        if let origin = provenance.origin, origin != "null" {
            let authority = origin.hasPrefix("http://") ? String(origin.dropFirst("http://".count)) : ""
            guard !authority.isEmpty, accepts(hostHeader: authority) else {
                return .refuse(status: 403, reason: "Requests from other sites are not answered.")
            }
        }
        switch provenance.site?.lowercased() {
        case nil, "same-origin", "none":
            return .allow
        default:
            let isData = route.map { $0.isAPI || $0 == .searchResults } ?? false
            let isNavigation = provenance.mode?.lowercased() == "navigate" && provenance.destination?.lowercased() == "document"
            return !isData && isNavigation ? .allow : .refuse(status: 403, reason: "Requests from other sites are not answered; open the page itself.")
        }
    }

    func accepts(hostHeader: String) -> Bool {
        let lowered = hostHeader.lowercased()
        // An explicit port must be ours; a Host without one is accepted only on port 80.
        if let colon = lowered.lastIndex(of: ":"), !lowered.hasSuffix("]") {
            return accepts(name: String(lowered[..<colon])) && lowered[lowered.index(after: colon)...] == Substring(String(port))
        }
        return port == 80 && accepts(name: lowered)
    }

    /// Listening on every address (`0.0.0.0`, `::`), any address literal is ours; a name never is,
    /// except `localhost` — a rebound name is exactly what DNS rebinding sends.
    private func accepts(name: String) -> Bool {
        if Set([host.lowercased(), "localhost", "127.0.0.1", "[::1]", "[\(host.lowercased())]"]).contains(name) { return true }
        guard host == "0.0.0.0" || host == "::" else { return false }
        let isIPv4 = name.split(separator: ".").count == 4 && name.allSatisfy { $0.isNumber || $0 == "." }
        let isIPv6 = name.hasPrefix("[") && name.hasSuffix("]") && name.dropFirst().dropLast().allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        return isIPv4 || isIPv6
    }

    static func cookie(_ name: String, in header: String?) -> String? {
        for part in (header ?? "").split(separator: ";") {
            let pair = part.trimmingCharacters(in: .whitespaces)
            if pair.hasPrefix(name + "=") { return String(pair.dropFirst(name.count + 1)) }
        }
        return nil
    }

    /// Compares in time that does not depend on where the strings differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
