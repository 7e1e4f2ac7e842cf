import Testing
import TestSupport

/// A bounded run of the request fuzzer in CI (tools/fuzz/run runs millions; see RELIABILITY.md).
@Suite struct RequestFuzzTests {
    @Test(arguments: ["http", "mcp"])
    func requestReadersHoldTheirPropertiesOnRandomInput(mode: String) throws {
        try FuzzRun.expectNoFailures("fuzz-requests", mode: mode)
    }
}
