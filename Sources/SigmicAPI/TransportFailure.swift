import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// What went wrong below HTTP, told apart by the error's type and errno, never by its text.
enum TransportFailure: Equatable {
    case cancelled
    case timedOut
    /// Nothing answers there: the connection was refused, there is no route, or the host is unknown.
    case unreachable
    /// A connection was made and then broke (reset, closed early, TLS failure, …).
    case broken

    init(_ error: any Error) {
        switch error {
        case is CancellationError:
            self = .cancelled
        case let client as HTTPClientError:
            switch client {
            case .cancelled: self = .cancelled
            case .readTimeout, .deadlineExceeded, .connectTimeout, .writeTimeout: self = .timedOut
            default: self = .broken
            }
        case let connection as NIOConnectionError:
            // Every address tried failed; DNS failing first means the host is unknown.
            if connection.dnsAError != nil || connection.dnsAAAAError != nil {
                self = .unreachable
            } else if !connection.connectionErrors.isEmpty,
                      connection.connectionErrors.allSatisfy({ TransportFailure($0.error) == .unreachable }) {
                self = .unreachable
            } else {
                self = connection.connectionErrors.contains { TransportFailure($0.error) == .timedOut } ? .timedOut : .broken
            }
        case is SocketAddressError:
            self = .unreachable
        case let io as IOError:
            self = Self.unreachableErrnos.contains(io.errnoCode) ? .unreachable : .broken
        case let channel as ChannelError:
            self = if case .connectTimeout = channel { .timedOut } else { .broken }
        default:
            self = .broken
        }
    }

    /// Connection refused, network or host unreachable: no server is there to have seen the request.
    private static let unreachableErrnos: Set<Int32> = [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH]
}

extension TransportFailure {
    /// An error below HTTP as a message may quote it: never a header's value. AsyncHTTPClient's header
    /// errors carry the values they refused (the whole `Authorization` header among them) and show them
    /// when reflected, so only their description is used; in any text a bearer token, should one slip
    /// in, is replaced.
    static func describe(_ error: any Error) -> String {
        if let client = error as? HTTPClientError {
            // Its description names the kind of failure only; its debug form and its cases carry values.
            return redactingBearerTokens(client.description)
        }
        return redactingBearerTokens(String(describing: error))
    }

    /// `Bearer X` becomes `Bearer [redacted]`, up to the next quote, comma, bracket or space.
    static func redactingBearerTokens(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let range = rest.range(of: "Bearer ", options: .caseInsensitive) {
            result += rest[..<range.upperBound] + "[redacted]"
            rest = rest[range.upperBound...].drop { !"\"', ]\n)".contains($0) }
        }
        return result + rest
    }
}
