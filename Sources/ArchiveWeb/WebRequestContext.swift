import Hummingbird
import NIOCore

/// Hummingbird's basic context plus the request's connection, so a search can stop when its client
/// has gone (`ClientPresence`).
struct WebRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
