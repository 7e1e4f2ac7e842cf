import Foundation
import Testing
import TestSupport

/// `--version` says what VERSION says, and the commit the binary was built from (the checkout's HEAD,
/// since the build re-stamps whenever HEAD moves); outside a git checkout, the version alone.
@Suite struct VersionTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func versionNamesVERSIONAndTheCommit() throws {
        let version = try String(contentsOf: Self.repository.appending(path: "VERSION"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let head = try? CommandRunner.run(["git", "-c", "safe.directory=*", "-C", Self.repository.path, "rev-parse", "--short=10", "HEAD"],
                                          executable: URL(fileURLWithPath: "/usr/bin/env"))
        let commit = head.flatMap { $0.status == 0 ? $0.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil }
        let result = try CommandRunner.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == (commit.map { "\(version) (commit \($0))" } ?? version) + "\n", "\(result.stdout)")
    }

    @Test func mcpReportsTheSameVersion() throws {
        // The MCP server's `initialize` answer carries the version without the commit.
        let request = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
        let folder = try TempFolder("version-mcp")
        try GoldenArchive.create(at: folder.path("archive"))
        let result = try CommandRunner.run(["mcp", "--archive", folder.path("archive").path], stdin: Data((request + "\n").utf8))
        let version = try String(contentsOf: Self.repository.appending(path: "VERSION"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(result.stdout.contains(#""version":"\#(version)""#), "\(result.stdout) \(result.stderr)")
    }
}
