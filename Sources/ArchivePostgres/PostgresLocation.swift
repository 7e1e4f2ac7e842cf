import ArchiveStore
import Foundation
import HostAddress

/// Where a PostgreSQL archive lives, from `postgres://USER@HOST[:PORT]/DATABASE[?sslmode=MODE]`
/// (`postgresql://` too). A password never goes in the URL — it would land in shell history, `ps` and
/// logs — but in `PGPASSWORD` or a libpq password file (`PasswordFile`).
public struct PostgresLocation: Sendable, Equatable {
    public enum TLSMode: String, Sendable {
        /// Plain TCP (the default on loopback).
        case disable
        /// TLS, and the server's certificate checked (the default anywhere else).
        case require
    }

    public let user: String
    public let host: String
    public let port: Int
    public let database: String
    public let tls: TLSMode

    /// Whether a `--archive` value names PostgreSQL rather than a folder.
    public static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses the URL; `defaultUser` stands in for a missing user, as libpq's login name does.
    public init(parsing text: String, defaultUser: String) throws {
        func problem(_ reason: String) -> ArchiveError { .cannotOpen(path: Self.redacted(text), reason: reason) }
        guard Self.isPostgresURL(text), let components = URLComponents(string: text) else {
            throw problem("not a PostgreSQL URL; use postgres://USER@HOST:PORT/DATABASE")
        }
        if components.password != nil {
            throw problem("the URL holds a password; put it in PGPASSWORD or ~/.pgpass instead (a URL lands in shell history and ps)")
        }
        guard let host = components.host, !host.isEmpty else { throw problem("the URL names no host") }
        let database = String(components.percentEncodedPath.drop { $0 == "/" }).removingPercentEncoding ?? ""
        guard !database.isEmpty, !database.contains("/") else { throw problem("the URL names no database (…/DATABASE)") }
        var tls: TLSMode = Self.isLoopback(host) ? .disable : .require
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode", let value = item.value else {
                throw problem("unknown URL parameter \(item.name); only sslmode=disable|require is understood")
            }
            guard let mode = TLSMode(rawValue: value) else { throw problem("sslmode must be disable or require, not \(value)") }
            tls = mode
        }
        self.user = components.user?.removingPercentEncoding.flatMap { $0.isEmpty ? nil : $0 } ?? defaultUser
        self.host = host
        self.port = components.port ?? 5432
        self.database = database
        self.tls = tls
    }

    /// The location as notes and errors show it: no password can be in it.
    public var display: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    static func isLoopback(_ host: String) -> Bool {
        HostAddress.isLoopback(host)
    }

    /// A URL for an error message, its password (if someone put one there) replaced.
    public static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "…"
        return components.string ?? "postgres://…"
    }
}
