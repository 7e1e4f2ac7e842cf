import Foundation
import SigmicAPI

/// The `sigmic-emulator` program (a `SiblingProgram`), started for `demo`.
final class EmulatorProcess {
    let baseURL: String
    let keys: [String]
    private let process: Process

    static func notReady(_ detail: String) -> CLIError {
        CLIError(description: "the API emulator did not start: \(detail)")
    }

    /// Starts the emulator on a free loopback port and waits for its first line, which names its URL
    /// and keys (never a sleep).
    init(arguments: [String], at executable: URL) throws {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else { throw SiblingProgram.emulator.missing(executable.path) }
        let process = Process()
        process.executableURL = executable
        process.arguments = ["--port", "0"] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line.append(byte)
        }
        let first = try? JSONValue.parse(line)
        guard let url = first?["url"]?.string, let keys = first?["keys"]?.array?.compactMap(\.string), !keys.isEmpty else {
            Self.stop(process)
            throw Self.notReady(line.isEmpty ? "it exited before saying where it listens" : "its first line was not the expected JSON")
        }
        self.process = process
        self.baseURL = url
        self.keys = keys
    }

    /// Asks it to stop (SIGTERM: it shuts down cleanly) and reaps it.
    func stop() {
        Self.stop(process)
    }

    private static func stop(_ process: Process) {
        let pid = process.processIdentifier
        kill(pid, SIGTERM)
        var status: Int32 = 0
        // Plain waitpid: Foundation's waitUntilExit spins a run loop, which on a concurrency thread
        // can wait forever.
        _ = waitpid(pid, &status, 0)
    }
}
