public import Foundation

/// Runs the real `sigmic-archive` executable, as a user would.
public struct CommandResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

public enum CommandRunner {
    /// The built `sigmic-archive` next to the test bundle (`swift build` puts every product in one folder).
    public static func binary(_ name: String = "sigmic-archive") throws -> URL {
        var candidates: [URL] = []
        let argv0 = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = argv0.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(folder.appending(path: name))
            folder = folder.deletingLastPathComponent()
        }
        candidates.append(Bundle.main.bundleURL.appending(path: name))
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "\(name) (looked in \(candidates.map(\.path)))"])
        }
        return found
    }

    /// `run` on a thread of its own, for async tests: waiting for a child must not hold one of the few
    /// threads that Swift's concurrency runtime (and an in-process emulator) depends on.
    public static func runDetached(_ arguments: [String], executable: URL? = nil, environment: [String: String] = [:]) async throws -> CommandResult {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try run(arguments, executable: executable, environment: environment) })
            }.start()
        }
    }

    /// Starts the binary, SIGKILLs it after `seconds`, and waits for it. Returns true if it was still
    /// running when killed (false if it had already finished).
    public static func killAfter(_ seconds: Double, _ arguments: [String], environment: [String: String] = [:]) async throws -> Bool {
        let process = try process(arguments, environment: environment)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
        let pid = process.processIdentifier
        let running = process.isRunning
        if running { kill(pid, SIGKILL) }
        // Reaped with waitpid on a thread of its own: Foundation's waitUntilExit, called for hundreds
        // of short-lived children, was seen to wait for ever.
        let status = await withCheckedContinuation { (continuation: CheckedContinuation<Int32?, Never>) in
            Thread {
                var status: Int32 = 0
                continuation.resume(returning: waitpid(pid, &status, 0) == pid ? status : nil)
            }.start()
        }
        // Killed by a signal (the low 7 bits), or reaped by Foundation first (then it was killed if we sent it).
        return running && (status.map { $0 & 0x7f != 0 && $0 & 0x7f != 0x7f } ?? true)
    }

    /// Copies a program to run it from elsewhere. The copy is written through a close-on-exec
    /// descriptor: FileManager's copy is not, so a process another test started meanwhile inherited it
    /// open for writing, and running the copy failed with ETXTBSY ("Text file busy") while that
    /// process lived.
    public static func copyProgram(_ source: URL, to destination: URL) throws {
        let bytes = try Data(contentsOf: source)
        let fd = open(destination.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: destination.path]) }
        defer { close(fd) }
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                guard written > 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: destination.path]) }
                offset += written
            }
        }
    }

    /// A process of `executable` (the built `sigmic-archive` by default) with `arguments`, not started;
    /// its environment is the test's, minus anything that would point at a real archive or key, plus
    /// `environment`.
    public static func process(_ arguments: [String], executable: URL? = nil, environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = try executable ?? binary()
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for key in ["SIGMIC_ARCHIVE", "SIGMIC_API_KEY", "SIGMIC_BASE_URL", "XDG_DATA_HOME"] { env[key] = nil }
        env.merge(environment) { _, new in new }
        process.environment = env
        return process
    }

    /// Runs `executable` with `arguments` (see `process`) and collects its output.
    public static func run(_ arguments: [String], executable: URL? = nil, environment: [String: String] = [:],
                           stdin: Data? = nil) throws -> CommandResult {
        let process = try process(arguments, executable: executable, environment: environment)
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        // Read both pipes to the end before waiting, so a large output cannot block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus,
                             stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData, as: UTF8.self))
    }
}
