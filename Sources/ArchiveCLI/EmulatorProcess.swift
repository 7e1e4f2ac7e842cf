import Foundation
import SigmicAPI

/// The `sigmic-emulator` program, started for `demo`. It is a program of its own rather than a
/// library linked in, so that no other command carries the test double (its web server and
/// multipart parser) in its size and start-up.
final class EmulatorProcess {
    let baseURL: String
    let keys: [String]
    private let process: Process

    /// Where the emulator is looked for: `SIGMIC_EMULATOR`, else beside this executable (where
    /// `swift build` puts every product of the package).
    static func location(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let path = environment["SIGMIC_EMULATOR"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return ownFolder.appending(path: "sigmic-emulator")
    }

    static var ownFolder: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// The package this executable was built from, when it runs from its build folder
    /// (`<package>/.build/<triple>/<configuration>/`): `swift run sigmic-archive demo` on a fresh clone
    /// builds only this product, so the demo builds the emulator there first.
    static func sourcePackage() -> (root: URL, configuration: String)? {
        let configuration = ownFolder.lastPathComponent
        var folder = ownFolder
        for _ in 0..<3 {
            folder = folder.deletingLastPathComponent()
            if folder.lastPathComponent == ".build" {
                let root = folder.deletingLastPathComponent()
                guard let manifest = try? String(contentsOf: root.appending(path: "Package.swift"), encoding: .utf8),
                      manifest.contains(#"name: "sigmic-emulator""#) else { return nil }
                return (root, configuration)
            }
        }
        return nil
    }

    /// Builds the emulator beside this executable with `swift build` in its source package.
    static func build(in root: URL, configuration: String) throws {
        FileHandle.standardError.write(Data("Building the API emulator first (swift build --product sigmic-emulator)…\n".utf8))
        let swift = Process()
        swift.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        swift.arguments = ["swift", "build", "--product", "sigmic-emulator", "-c", configuration, "--package-path", root.path]
        swift.standardOutput = FileHandle.standardError
        try swift.run()
        var status: Int32 = 0
        _ = waitpid(swift.processIdentifier, &status, 0)
        guard status == 0 else { throw notReady("`swift build --product sigmic-emulator` failed") }
    }

    /// The emulator to run: the one found, else (in a source tree) one built now.
    static func locateOrBuild() throws -> URL {
        let found = location()
        if FileManager.default.isExecutableFile(atPath: found.path) { return found }
        if ProcessInfo.processInfo.environment["SIGMIC_EMULATOR"] == nil, let package = sourcePackage() {
            try build(in: package.root, configuration: package.configuration)
        }
        return found
    }

    static func missing(_ path: String) -> CLIError {
        CLIError(description: "demo needs the sigmic-emulator program, which is not at \(path): build it beside sigmic-archive with `swift build --product sigmic-emulator` (or run `swift run sigmic-archive demo` in the source tree), or name it with SIGMIC_EMULATOR")
    }

    static func notReady(_ detail: String) -> CLIError {
        CLIError(description: "the API emulator did not start: \(detail)")
    }

    /// Starts the emulator on a free loopback port and waits for its first line, which names its URL
    /// and keys (never a sleep).
    init(arguments: [String], at executable: URL) throws {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else { throw Self.missing(executable.path) }
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
