import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The Sigmic API emulator as a library: start it on a loopback port (0 picks a free one), use its
/// `baseURL` and `keys`, and shut it down. The standalone `sigmic-emulator` wraps exactly this.
public final class Emulator: Sendable {
    public let baseURL: String
    public let port: Int
    public let world: World
    public var keys: [String] { world.keys }
    private let group: ServiceGroup
    private let runTask: Task<Void, any Error>

    private init(port: Int, world: World, group: ServiceGroup, runTask: Task<Void, any Error>) {
        self.port = port
        self.baseURL = "http://127.0.0.1:\(port)"
        self.world = world
        self.group = group
        self.runTask = runTask
    }

    /// Starts serving and returns once the port is bound (no sleeps: the server reports its port).
    public static func start(_ config: EmulatorConfiguration = EmulatorConfiguration(), port: Int = 0) async throws -> Emulator {
        let world = World(config: config)
        await world.startLiveRuns()
        var logger = Logger(label: "sigmic-emulator")
        logger.logLevel = .critical
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: makeRouter(world: world, config: config),
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "sigmic-emulator"),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let runTask = Task {
            defer { portContinuation.finish() }
            try await group.run()
        }
        var iterator = portStream.makeAsyncIterator()
        guard let bound = await iterator.next(), bound > 0 else {
            runTask.cancel()
            _ = try await runTask.value
            throw EmulatorError.couldNotBind(port: port)
        }
        return Emulator(port: bound, world: world, group: group, runTask: runTask)
    }

    /// Ends every run and stream, then stops the server.
    public func shutdown() async {
        await world.shutdown()
        await group.triggerGracefulShutdown()
        _ = try? await runTask.value
    }

    /// Waits until the server stops (for the standalone program).
    public func wait() async throws {
        try await runTask.value
    }
}

public enum EmulatorError: Error, CustomStringConvertible {
    case couldNotBind(port: Int)

    public var description: String {
        switch self {
        case .couldNotBind(let port): return "could not listen on 127.0.0.1:\(port)"
        }
    }
}
