import AsyncHTTPClient
import SigmicAPI

/// The one HTTP client of a command run, shut down explicitly when the command ends.
final class HTTPClientBox: Sendable {
    let client: HTTPClient

    init(connectionsPerHost: Int) {
        client = SigmicClient.makeHTTPClient(connectionsPerHost: connectionsPerHost)
    }

    func shutdown() async {
        try? await client.shutdown()
    }

    /// Runs `body` with a client and always shuts it down.
    static func with<T>(connectionsPerHost: Int = SigmicClient.defaultConnectionsPerHost, _ body: (HTTPClientBox) async throws -> T) async throws -> T {
        let box = HTTPClientBox(connectionsPerHost: connectionsPerHost)
        do {
            let result = try await body(box)
            await box.shutdown()
            return result
        } catch {
            await box.shutdown()
            throw error
        }
    }
}
