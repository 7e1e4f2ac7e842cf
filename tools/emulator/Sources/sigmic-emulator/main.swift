import ArgumentParser
import Foundation
import SigmicEmulator

/// `sigmic-emulator`: serve an emulated Sigmic API on loopback. The first line on stdout is JSON —
/// `{"url": "http://127.0.0.1:PORT", "keys": ["sigmic_…"], …}` — then it serves until SIGINT/SIGTERM.
struct EmulatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sigmic-emulator",
        abstract: "Serve an emulated Sigmic AI Task API on 127.0.0.1, with a generated world and optional faults.")

    @Option(help: "Port to listen on (0 picks a free one; the first stdout line says which).")
    var port = 0
    @Option(help: "Seed for the generated world and for every fault decision.")
    var seed: UInt64 = 1
    @Option(help: "Generated tasks per key.")
    var tasks = 20
    @Option(help: "Number of API keys (each sees only its own tasks).")
    var keys = 1
    @Option(help: "Seconds between the steps of a live agent run.")
    var stepInterval = 0.5
    @Option(help: "Seconds before a new task's run starts (default: the step interval).")
    var startDelay: Double?
    @Option(help: "Seconds between :heartbeat comments on open streams.")
    var heartbeat = 15.0
    @Flag(help: "Keep generated running/pending tasks as they are instead of running them.")
    var noLiveRuns = false
    @Option(help: "Share of API requests answered 503.")
    var serverErrorRate = 0.0
    @Option(help: "Share of API requests answered 429 with Retry-After.")
    var rateLimitRate = 0.0
    @Option(help: "Close streams without `done` after this many events.")
    var dropStreamAfter: Int?
    @Option(help: "Share of downloads cut short after a full Content-Length.")
    var truncateDownloadRate = 0.0
    @Option(help: "Seconds before the first byte of each API response.")
    var slowFirstByte = 0.0
    @Flag(help: "Frame SSE with CRLF line ends.")
    var crlf = false
    @Option(help: "Write SSE in pieces of at most this many bytes.")
    var chunkBytes: Int?
    @Flag(help: "Give the first task of each key artifacts with hostile names (../x, /abs/x, …).")
    var hostileNames = false
    @Option(help: "Also give the first task of each key downloads/big.csv of this many bytes (streamed).")
    var bigArtifactBytes: Int?
    @Flag(help: "Generate only finished tasks (completed, failed, cancelled): a world that holds still.")
    var settled = false
    @Option(help: "Make each created task's run this many content events, then done (for stream benchmarks).")
    var longRunEvents: Int?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535") }
        guard tasks >= 0, keys >= 1 else { throw ValidationError("--tasks must be ≥ 0 and --keys ≥ 1") }
        for rate in [serverErrorRate, rateLimitRate, truncateDownloadRate] where !(0...1).contains(rate) {
            throw ValidationError("rates are shares between 0 and 1")
        }
    }

    func serve() async throws {
        var config = EmulatorConfiguration()
        config.seed = seed
        config.tasksPerKey = tasks
        config.keyCount = keys
        config.stepInterval = stepInterval
        config.startDelay = startDelay ?? stepInterval
        config.heartbeatInterval = heartbeat
        config.liveRuns = !noLiveRuns
        config.faults.serverErrorRate = serverErrorRate
        config.faults.rateLimitRate = rateLimitRate
        config.faults.dropStreamAfterEvents = dropStreamAfter
        config.faults.truncateDownloadRate = truncateDownloadRate
        config.faults.slowFirstByte = slowFirstByte
        config.wire.crlf = crlf
        config.wire.chunkBytes = chunkBytes
        config.hostileArtifactNames = hostileNames
        config.bigArtifactBytes = bigArtifactBytes
        config.longRunEvents = longRunEvents
        if settled { config.statusMix = [("completed", 0.8), ("failed", 0.1), ("cancelled", 0.1)] }
        let emulator = try await Emulator.start(config, port: port)
        let keyList = emulator.keys.map { "\"\($0)\"" }.joined(separator: ", ")
        let line = #"{"url": "\#(emulator.baseURL)", "keys": [\#(keyList)], "seed": \#(seed), "tasksPerKey": \#(tasks)}"#
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
        let stop = AsyncStream<Int32> { continuation in
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .main)
                source.setEventHandler { continuation.yield(signalNumber) }
                source.resume()
                Signals.keep(source)
            }
        }
        for await _ in stop { break }
        await emulator.shutdown()
    }
}

/// Keeps signal sources alive for the life of the process.
enum Signals {
    nonisolated(unsafe) static var sources: [any DispatchSourceSignal] = []
    static func keep(_ source: any DispatchSourceSignal) { sources.append(source) }
}

do {
    try await EmulatorCommand.parse().serve()
} catch {
    EmulatorCommand.exit(withError: error)
}
