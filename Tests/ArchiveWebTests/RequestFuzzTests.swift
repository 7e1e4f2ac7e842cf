import Testing
import TestSupport

/// A bounded run of the request fuzzer in CI (tools/fuzz/run runs millions; see RELIABILITY.md).
@Suite struct RequestFuzzTests {
    @Test(arguments: ["http", "mcp"])
    func requestReadersHoldTheirPropertiesOnRandomInput(mode: String) throws {
        let result = try CommandRunner.run([mode, "--count", "20000", "--seed", "\(UInt32.random(in: 1...UInt32.max))"],
                                           executable: try CommandRunner.binary("fuzz-requests"))
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("20000 inputs, 0 failures"))
    }
}
