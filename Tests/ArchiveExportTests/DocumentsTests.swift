@testable import ArchiveExport
import Foundation
import Testing

/// The search document's two hand-made fast paths: marking a snippet's matches byte-wise, and the
/// score's `%.6f` through C — both must give exactly what the character-wise and Foundation versions do.
@Suite struct DocumentsTests {
    @Test(arguments: [
        ("plain text", "plain text"),
        ("\u{2}deploy\u{3} failed", "[deploy] failed"),
        ("…e\u{301}\u{2}café\u{3}e\u{301}…", "…e\u{301}[café]e\u{301}…"),
        ("数据\u{2}分析\u{3}🇫🇷\u{2}x\u{3}", "数据[分析]🇫🇷[x]"),
        ("\u{2}\u{3}", "[]"),
        ("", ""),
    ])
    func marksMatchesAsCharactersWould(snippet: String, expected: String) {
        #expect(Documents.marked(snippet) == expected)
        #expect(Documents.marked(snippet, open: "<mark>", close: "</mark>")
            == expected.replacingOccurrences(of: "[", with: "<mark>").replacingOccurrences(of: "]", with: "</mark>"))
    }

    @Test(arguments: [0.0, -0.0, 1.0, -12.3456785, 0.0000005, 0.0000015, 123456789.123456789, -1e-9, 7.25e15, 0.1 + 0.2])
    func formatsScoresAsFoundationDoes(score: Double) {
        #expect(Documents.sixDecimals(score) == String(format: "%.6f", score))
    }
}
