import ArchiveStore
import Testing
import TestSupport

/// A bounded run of the parser fuzzer in CI (tools/fuzz/run runs millions by hand; see RELIABILITY.md).
@Suite struct FuzzTests {
    @Test(arguments: ["sse", "query"])
    func parsersHoldTheirPropertiesOnRandomInput(mode: String) throws {
        let result = try CommandRunner.run([mode, "--count", "20000", "--seed", "\(UInt32.random(in: 1...UInt32.max))"],
                                           executable: try CommandRunner.binary("fuzz-parsers"))
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("20000 inputs, 0 failures"))
    }

    @Test func controlCharactersSeparateWords() throws {
        #expect(try SearchQuery.parse("a\u{0}b\u{7F}c\u{1B}d").groups == [[.word("a")], [.word("b")], [.word("c")], [.word("d")]])
    }
}
