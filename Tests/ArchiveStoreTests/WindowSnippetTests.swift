@testable import ArchiveStore
import Foundation
import Testing

/// Snippets of long entries, cut from a window by our own code: the same words marked as the word
/// index would match them, the window's place shown by ellipses.
@Suite struct WindowSnippetTests {
    static let cases: [(terms: [SearchQuery.Term], window: String, start: Int, length: Int, expected: String)] = [
        ([.word("alpha")], "one two alpha three", 1, 19, "one two [alpha] three"),
        ([.prefix("al")], "worker alpha allocated bytes at arena", 1, 37, "worker [alpha] [allocated] bytes at arena"),
        ([.word("cafe")], "au Café Noir", 1, 12, "au [Café] Noir"),
        ([.word("CAFÉ")], "au cafe noir", 1, 12, "au [cafe] noir"),
        ([.phrase("release notes")], "the release notes and release plan", 1, 34, "the [release notes] and release plan"),
        ([.word("gpt-4")], "ran gpt-4 today", 1, 15, "ran [gpt-4] today"),
        ([.word("beta")], "alpha gamma", 1, 11, "alpha gamma"),
        // The window starts inside the entry and ends before its end: ellipses on both sides.
        ([.word("alpha")], "x alpha y", 500, 10_000, "…x [alpha] y…"),
        // Sixteen words at most, starting three before the first match.
        ([.word("k")], "a b c d e f g h i j k l m n o p q r s t u v w x y z", 1, 51, "…h i j [k] l m n o p q r s t u v w…"),
    ]

    @Test(arguments: cases.indices)
    func marksTheWordsTheIndexWouldMatch(_ index: Int) {
        let c = Self.cases[index]
        let snippet = WindowSnippet.snippet(window: c.window, windowStart: c.start, entryLength: c.length, terms: c.terms, substrings: false)
        #expect(Self.readable(snippet) == c.expected)
    }

    @Test func substringTermsAreMarkedWhereverTheirTextOccurs() {
        let snippet = WindowSnippet.snippet(window: "数据分析报告", windowStart: 40, entryLength: 9000, terms: [.phrase("分析")], substrings: true)
        #expect(Self.readable(snippet) == "…数据[分析]报告…")
    }

    @Test func theLocatorIsTheFirstWordOfTheFirstTerm() throws {
        #expect(WindowSnippet.locator(try SearchQuery.parse("Alpha beta")) == "alpha")
        #expect(WindowSnippet.locator(try SearchQuery.parse("\"release notes\" x")) == "release")
        #expect(WindowSnippet.locator(try SearchQuery.parse("al*")) == "al")
        #expect(WindowSnippet.locator(try SearchQuery.parse("role:user")) == "")
    }

    static func readable(_ snippet: String) -> String {
        snippet.replacingOccurrences(of: "\u{2}", with: "[").replacingOccurrences(of: "\u{3}", with: "]")
    }
}
