public import Foundation

/// The real `sigmic-archive serve --port 0`, started for a test: its URL is read from its first line
/// of output (never a sleep), and it is killed and reaped with plain system calls when released.
public final class ServeProcess: @unchecked Sendable {
    public let url: String
    public let port: Int
    private let process: Process

    public convenience init(archive: URL, arguments: [String] = [], openFiles: Int? = nil) throws {
        try self.init(archive: archive.path, arguments: arguments, openFiles: openFiles)
    }

    /// `archive`: a folder's path or a `postgres://` URL. `openFiles`: run it with this open-files limit
    /// (soft and hard, through prlimit).
    public init(archive: String, arguments: [String] = [], openFiles: Int? = nil) throws {
        let process = try CommandRunner.process(["serve", "--port", "0", "--archive", archive] + arguments)
        if let openFiles, let binary = process.executableURL {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
            process.arguments = ["--nofile=\(openFiles):\(openFiles)", binary.path] + (process.arguments ?? [])
        }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line.append(byte)
        }
        self.process = process
        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any], let url = object["url"] as? String,
              let port = URL(string: url)?.port else {
            kill(process.processIdentifier, SIGKILL)
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "serve did not print its URL: \(String(decoding: line, as: UTF8.self))"])
        }
        self.url = url
        self.port = port
    }

    public func get(_ path: String, headers: [String: String] = [:]) async throws -> RawResponse {
        try await RawHTTP.request("GET", url + path, headers: headers)
    }

    deinit {
        let pid = process.processIdentifier
        kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
    }
}
