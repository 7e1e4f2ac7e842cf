import ArchiveStore
import Testing
import TestSupport

/// A bounded run of the parser fuzzer in CI (tools/fuzz/run runs millions by hand; see RELIABILITY.md).
@Suite struct FuzzTests {
    @Test(arguments: ["sse", "query"])
    func parsersHoldTheirPropertiesOnRandomInput(mode: String) throws {
        try FuzzRun.expectNoFailures("fuzz-parsers", mode: mode)
    }

    @Test func controlCharactersSeparateWords() throws {
        #expect(try SearchQuery.parse("a\u{0}b\u{7F}c\u{1B}d").groups == [[.word("a")], [.word("b")], [.word("c")], [.word("d")]])
    }
}
