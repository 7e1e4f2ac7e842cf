import Foundation
import Synchronization
public import Testing

/// A part of the machine that a test needs beyond Swift and this package: a PostgreSQL server, a Python
/// module, a Debian program, root. `tools/test` installs and starts every one of them. Where one is
/// missing, `require()` fails the test with one line naming what provides it, so that a plain
/// `swift test` never passes by skipping.
public enum MachinePart: Sendable {
    /// Modules of the `python3` on PATH (`tools/test` installs them with pip).
    case python([String])
    /// A program at a fixed path, and the Debian package that installs it.
    case program(String, debian: String)
    /// The PostgreSQL server named by SIGMIC_TEST_POSTGRES_URL (`tools/test` starts a throwaway one).
    case postgres
    /// Root, for a mount (`tools/test` runs as CI does, as root).
    case root(toDo: String)

    public static let testCommand = "tools/test"

    /// Fails the calling test, with one line, unless the part is there.
    public func require(sourceLocation: SourceLocation = #_sourceLocation) throws {
        if let missing = missing() {
            try #require(Bool(false), "\(missing)", sourceLocation: sourceLocation)
        }
    }

    /// Why the part is not there, in one line naming what provides it; nil when it is there.
    public func missing() -> String? {
        switch self {
        case .python(let modules):
            let absent = modules.filter { !Self.pythonHas($0) }
            guard !absent.isEmpty else { return nil }
            return "missing Python module\(absent.count == 1 ? "" : "s") \(absent.joined(separator: ", ")): run \(Self.testCommand), "
                + "which installs \(absent.count == 1 ? "it" : "them") (or python3 -m pip install \(absent.map(Self.pipName).joined(separator: " ")))"
        case .program(let path, let debian):
            guard !FileManager.default.isExecutableFile(atPath: path) else { return nil }
            return "missing \(path): run \(Self.testCommand), which installs it (or apt-get install \(debian))"
        case .postgres:
            guard ProcessInfo.processInfo.environment["SIGMIC_TEST_POSTGRES_URL"] == nil else { return nil }
            return "no PostgreSQL server for the tests: run \(Self.testCommand), which starts a throwaway one "
                + "(or set SIGMIC_TEST_POSTGRES_URL, see tools/postgres/throwaway-cluster)"
        case .root(let purpose):
            guard geteuid() != 0 else { return nil }
            return "\(purpose) needs root: run \(Self.testCommand) (or swift test) as root, as CI does"
        }
    }

    /// The PyPI name of a module where the two differ.
    public static func pipName(_ module: String) -> String {
        ["markdown_it": "markdown-it-py", "yaml": "pyyaml"][module] ?? module
    }

    /// Asked once per module per test process: starting Python costs tens of milliseconds.
    private static let known = Mutex<[String: Bool]>([:])

    private static func pythonHas(_ module: String) -> Bool {
        if let answer = known.withLock({ $0[module] }) { return answer }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import \(module)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let answer: Bool
        do {
            try process.run()
            process.waitUntilExit()
            answer = process.terminationStatus == 0
        } catch {
            answer = false
        }
        known.withLock { $0[module] = answer }
        return answer
    }
}
