import AsyncHTTPClient
import Foundation
import SigmicAPI

/// The reference for the cost of recording a followed run: the same client creates a task and reads
/// its stream to `done`, parsing every event exactly as `sigmic-archive run` does, and records nothing.
/// Usage: SIGMIC_BASE_URL=… SIGMIC_API_KEY=… stream-read MESSAGE   → {"events": N, "seconds": S}
let environment = ProcessInfo.processInfo.environment
let started = ContinuousClock.now
let http = SigmicClient.makeHTTPClient()
let client = try SigmicClient(SigmicClient.Configuration(baseURL: environment["SIGMIC_BASE_URL"] ?? "", apiKey: environment["SIGMIC_API_KEY"] ?? ""),
                              httpClient: http)
let id = try await client.createTask(CreateTaskRequest(message: CommandLine.arguments.dropFirst().first ?? "benchmark"))
var events = 0
reading: for try await record in client.stream(id) {
    events += 1
    switch record.event {
    case .done, .error: break reading
    default: continue
    }
}
try await http.shutdown()
let elapsed = ContinuousClock.now - started
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print(#"{"events": \#(events), "seconds": \#(String(format: "%.3f", seconds))}"#)
