import Foundation
import Testing
import TestSupport

/// `--version` says what VERSION says, and the commit the binary was built from (the checkout's HEAD,
/// since the build re-stamps whenever HEAD moves); outside a git checkout, the version alone. `mcp`
/// reports the same version to the official client (`MCPTests`).
@Suite struct VersionTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func version() throws -> String {
        try String(contentsOf: repository.appending(path: "VERSION"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func versionNamesVERSIONAndTheCommit() throws {
        let version = try Self.version()
        let head = try? CommandRunner.run(["git", "-c", "safe.directory=*", "-C", Self.repository.path, "rev-parse", "--short=10", "HEAD"],
                                          executable: URL(fileURLWithPath: "/usr/bin/env"))
        let commit = head.flatMap { $0.status == 0 ? $0.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil }
        let result = try CommandRunner.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == (commit.map { "\(version) (commit \($0))" } ?? version) + "\n", "\(result.stdout)")
    }
}
