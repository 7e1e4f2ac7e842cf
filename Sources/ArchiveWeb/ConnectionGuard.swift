import ArchiveStore
import Foundation
import NIOConcurrencyHelpers
package import NIOCore
package import NIOHTTP1

/// Guards each connection of `serve` at the HTTP/1 level, before a request becomes a `Request`:
///
/// - its request head must arrive within `headTimeout` of the connection opening or of the last answer,
///   so a client sending a byte a second cannot hold a connection (and, with thousands, every file
///   descriptor) for ever;
/// - at most `ConnectionCount.limit` connections are served at once; one more is answered 503 and
///   closed, so the server never reaches the open-files limit, where it could only spin;
/// - a request must name its target in origin form (`/path`) and carry exactly one `Host` header;
///   an absolute-form line or a second `Host` could otherwise slip past the Host check.
///
/// Every refusal is a complete answer with `Connection: close`, then the connection closes. It also
/// notes when the client has gone (`presence`), so a search it asked for stops rather than run out.
package final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    package typealias InboundIn = HTTPServerRequestPart
    package typealias InboundOut = HTTPServerRequestPart
    package typealias OutboundIn = HTTPServerResponsePart
    package typealias OutboundOut = HTTPServerResponsePart

    let headTimeout: TimeAmount
    let connections: ConnectionCount
    let presence = ClientPresence()
    private var timer: Scheduled<Void>?
    private var counted = false
    /// The rest of a refused request is dropped.
    private var refusing = false

    package init(headTimeout: TimeAmount, connections: ConnectionCount) {
        self.headTimeout = headTimeout
        self.connections = connections
    }

    package func handlerAdded(context: ChannelHandlerContext) {
        counted = true
        if !connections.enter() { refusing = true }
        awaitHead(context)
    }

    package func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        if counted { connections.leave() }
        counted = false
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if case .head(let head) = part {
            timer?.cancel()
            timer = nil
            if refusing {
                return refuse(context, 503, "Too many connections are open; try again in a moment.")
            }
            if let problem = Self.problem(head) {
                refusing = true
                return refuse(context, 400, problem)
            }
        }
        guard !refusing else { return }
        context.fireChannelRead(data)
    }

    package func channelInactive(context: ChannelHandlerContext) {
        presence.leave()
        context.fireChannelInactive()
    }

    package func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // A client that closes its side (the page was closed, curl was stopped) asks for nothing more.
        if let event = event as? ChannelEvent, event == .inputClosed { presence.leave() }
        context.fireUserInboundEventTriggered(event)
    }

    package func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { awaitHead(context) }   // the next request's head has its own time
        context.write(data, promise: promise)
    }

    /// Why a request head is refused, or nil. Pure, so every case is a table test.
    package static func problem(_ head: HTTPRequestHead) -> String? {
        guard head.uri.hasPrefix("/") else { return "The request target must be a path (origin form), not \(head.uri.prefix(80))." }
        let hosts = head.headers["Host"].count
        guard hosts == 1 else { return hosts == 0 ? "A Host header is required." : "A request carries one Host header, not \(hosts)." }
        return nil
    }

    private func awaitHead(_ context: ChannelHandlerContext) {
        timer?.cancel()
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: headTimeout) { channel.close(promise: nil) }
    }

    private func refuse(_ context: ChannelHandlerContext, _ status: Int, _ reason: String) {
        var headers = HTTPHeaders()
        let body = reason + "\n"
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: String(body.utf8.count))
        headers.add(name: "Connection", value: "close")
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}

/// Whether a connection's client is still there, read from any thread; its leaving cancels the
/// searches it asked for.
final class ClientPresence: Sendable {
    let searches = SearchCancellation()

    var isGone: Bool { searches.isCancelled }
    func leave() { searches.cancel() }

    /// The presence of the client on `channel`, if its connection is guarded.
    static func of(_ channel: any Channel) async -> ClientPresence? {
        try? await channel.pipeline.handler(type: ConnectionGuard.self).map { $0.presence }.get()
    }
}

/// How many connections are open, shared by every connection's guard.
package final class ConnectionCount: Sendable {
    let limit: Int
    private let open = NIOLockedValueBox(0)

    package init(limit: Int) { self.limit = limit }

    /// Counts a new connection; false when it is one too many (it is still counted until it leaves).
    func enter() -> Bool { open.withLockedValue { $0 += 1; return $0 <= limit } }
    func leave() { open.withLockedValue { $0 -= 1 } }

    /// Below the open-files limit, with room for the archive's own files and the listening socket.
    static func limit(openFiles: Int) -> Int { max(16, min(1_024, openFiles - 64)) }
}

/// Added by Hummingbird after its HTTP codec; puts a `ConnectionGuard` before that codec, where the
/// raw request head (its target as sent, every `Host` header) is still seen. It passes everything on.
final class ConnectionGuardInstaller: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = Never
    let makeGuard: @Sendable () -> ConnectionGuard

    init(makeGuard: @escaping @Sendable () -> ConnectionGuard) { self.makeGuard = makeGuard }

    func handlerAdded(context: ChannelHandlerContext) {
        let pipeline = context.pipeline.syncOperations
        if let decoder = try? pipeline.context(handlerType: ByteToMessageHandler<HTTPRequestDecoder>.self) {
            try? pipeline.addHandler(makeGuard(), position: .after(decoder.handler))
        }
    }
}
