import AsyncHTTPClient
import Foundation
import SigmicAPI
import SigmicEmulator

/// Starts an emulator and a client for its first key; records every retry delay instead of sleeping.
final class Delays: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Double] = []
    func add(_ value: Double) { lock.withLock { values.append(value) } }
    var all: [Double] { lock.withLock { values } }
}

func withClient<T>(_ configure: (inout EmulatorConfiguration) -> Void = { _ in },
                   client adjust: (inout SigmicClient.Configuration) -> Void = { _ in },
                   _ body: (SigmicClient, Emulator, Delays) async throws -> T) async throws -> T {
    var config = EmulatorConfiguration()
    config.tasksPerKey = 15
    config.keyCount = 2
    config.stepInterval = 0.005
    config.startDelay = 0.005
    configure(&config)
    let emulator = try await Emulator.start(config)
    let http = SigmicClient.makeHTTPClient()
    let delays = Delays()
    var settings = SigmicClient.Configuration(baseURL: emulator.baseURL, apiKey: emulator.keys[0])
    adjust(&settings)
    do {
        let client = try SigmicClient(settings, httpClient: http, sleep: { delays.add($0) }, unitRandom: { 0.5 })
        let result = try await body(client, emulator, delays)
        try await http.shutdown()
        await emulator.shutdown()
        return result
    } catch {
        try? await http.shutdown()
        await emulator.shutdown()
        throw error
    }
}

extension SigmicClient {
    /// Reads a task's stream to its end.
    func records(_ id: String) async throws -> [StreamRecord] {
        var out: [StreamRecord] = []
        for try await record in stream(id) { out.append(record) }
        return out
    }
}
