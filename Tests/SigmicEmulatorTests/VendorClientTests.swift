import Foundation
import SigmicEmulator
import Testing
import TestSupport

/// The vendor's own Python client, unmodified, against the emulator: if it works, the emulator speaks
/// the API the way the vendor's code expects.
enum VendorClient {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let examples = repository.deletingLastPathComponent().appending(path: "shared/reference/sigmic_examples.py")
    static let checker = repository.appending(path: "tools/emulator/check_vendor_client.py")
    /// The first `python3` on PATH (the one `tools/test` installs `requests` for).
    static let python = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin")
        .split(separator: ":").map { "\($0)/python3" }
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The vendor's file is kept beside the project, not in it; a clone elsewhere runs without it.
    static var beside: Bool { FileManager.default.fileExists(atPath: examples.path) }
}

@Suite struct VendorClientTests {
    @Test(.enabled(if: VendorClient.beside, "the vendor's example client is not beside this clone (../shared/reference/sigmic_examples.py)"))
    func theVendorsExampleClientRunsUnmodified() async throws {
        try MachinePart.python(["requests"]).require()
        // The vendor's client attaches to a stream right after creating a task; a one-second start
        // delay lets it attach before the run begins, so it sees the whole run.
        try await withEmulator({ $0.tasksPerKey = 30; $0.startDelay = 1; $0.stepInterval = 0.01 }) { emulator in
            let result = try await CommandRunner.runDetached(
                [VendorClient.checker.path, VendorClient.examples.path],
                executable: URL(fileURLWithPath: try #require(VendorClient.python, "no python3 on PATH")),
                environment: ["SIGMIC_BASE_URL": emulator.baseURL, "SIGMIC_API_KEY": emulator.keys[0]])
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("7 passed, 0 failed"), "\(result.stdout)")
        }
    }
}
