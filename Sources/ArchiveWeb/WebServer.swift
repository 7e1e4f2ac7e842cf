public import ArchiveStore
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import UnixSignals

/// `serve`: the archive as pages and JSON over HTTP, read-only. Every request passes the
/// `RequestGuard` (Host, token) first; then `WebRoute` says what it asks for and `WebHandlers` answers.
public enum WebServer {
    public struct Options: Sendable {
        public var host: String
        public var port: Int
        public var token: String?

        public init(host: String = "127.0.0.1", port: Int = 8080, token: String? = nil) {
            self.host = host
            self.port = port
            self.token = token
        }
    }

    /// Serves until SIGINT or SIGTERM. `onReady` gets the URL once the port is bound.
    public static func run(archive: any ArchiveReader, options: Options, onReady: @escaping @Sendable (String) -> Void) async throws {
        var logger = Logger(label: "sigmic-archive-serve")
        logger.logLevel = .critical
        let boundPort = Mutex<Int?>(nil)
        let handlers = WebHandlers(archive: archive, searches: SearchGate(running: 1, waiting: 64))
        let responder = CallbackResponder<WebRequestContext> { request, context in
            guard let port = boundPort.withLock({ $0 }) else { return WebResponses.page(503, ErrorPage.render(title: "Starting", detail: "Try again in a moment.")) }
            let guardian = RequestGuard(host: options.host, port: port, token: options.token)
            return await handlers.respond(to: request, context: context, guardian: guardian)
        }
        let connections = ConnectionCount(limit: ConnectionCount.limit(openFiles: raiseOpenFilesLimit()))
        let app = Application(
            responder: responder,
            // A connection with no request for a minute is closed; a request head gets 10 s to arrive.
            server: .http1(configuration: .init(
                additionalChannelHandlers: [ConnectionGuardInstaller { ConnectionGuard(headTimeout: .seconds(10), connections: connections) }],
                idleTimeout: .seconds(60))),
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? options.port
                boundPort.withLock { $0 = port }
                onReady(url(host: options.host, port: port))
            },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// Raises this process's soft open-files limit to its hard limit and returns it: the server may then
    /// hold more connections, and keeps its own limit below it.
    static func raiseOpenFilesLimit() -> Int {
        var limits = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits) == 0 else { return 1_024 }
        if limits.rlim_cur < limits.rlim_max {
            var raised = limits
            raised.rlim_cur = min(limits.rlim_max, 65_536)
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limits = raised }
        }
        return Int(min(limits.rlim_cur, 1 << 20))
    }

    /// `http://HOST:PORT`, with an IPv6 address in brackets.
    public static func url(host: String, port: Int) -> String {
        "http://" + (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
    }
}
