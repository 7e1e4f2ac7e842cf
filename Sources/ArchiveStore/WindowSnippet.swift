import Foundation

/// Snippets of long entries, cut by our own code from a bounded window of the text.
///
/// FTS5's snippet() scores every candidate fragment against every match in the row, so its work grows
/// with the square of the matches: `a*` over one 1 MB log message ran for minutes. PostgreSQL's
/// ts_headline parses the whole text. An entry longer than `longEntry` bytes is therefore read only as
/// a window — `windowLength` characters starting `lead` characters before the first occurrence of the
/// query's first word, found by the database's plain substring search (linear, in C) — and the words
/// matching the query are marked here, as the word index would match them: letters and digits make
/// words, compared without case or diacritics, a prefix term matching a word's start.
package enum WindowSnippet {
    /// Entries of more UTF-8 bytes than this are cut here; shorter ones by the engine's own snippet.
    package static let longEntry = 8192
    /// Characters of a long entry read to cut its snippet.
    package static let windowLength = 4096
    /// Characters of the window before the located word, so the snippet can start a little before it.
    package static let lead = 128
    /// Words in a snippet, as FTS5's snippet() is asked for.
    static let snippetWords = 16

    /// What a long entry's snippet marks, and the text that places its window: the query's terms as
    /// words; or, for trigram and substring matches, `substrings` (each marked wherever it occurs).
    /// Both engines ask here, so they cut long entries alike.
    package static func marking(_ query: SearchQuery, substrings: [String]?) -> (terms: [SearchQuery.Term], locator: String) {
        guard let substrings else { return (query.groups.flatMap { $0 }, locator(query)) }
        return (substrings.map(SearchQuery.Term.phrase), (substrings.first ?? "").lowercased())
    }

    /// What the database looks for (lowercased, `instr`/`strpos` on the lowercased text) to place the
    /// window: the first word of the query's first term. Empty when the query has no terms; the window
    /// then starts at the entry's start.
    package static func locator(_ query: SearchQuery) -> String {
        guard let term = query.groups.first?.first, let word = words(in: term.text).first else { return "" }
        return String(term.text.unicodeScalars[word]).lowercased()
    }

    /// The snippet of a long entry from its window: `windowStart` is the window's first character's
    /// position in the entry (1-based), `entryLength` the entry's length in characters. The terms are
    /// marked as words, or with `substrings` wherever their text occurs (trigram and LIKE matches).
    package static func snippet(window: String, windowStart: Int, entryLength: Int, terms: [SearchQuery.Term],
                                substrings: Bool) -> String {
        guard substrings else { return wordSnippet(window: window, windowStart: windowStart, entryLength: entryLength, terms: terms) }
        var text = SnippetCutter.snippet(window, terms: terms.map(\.text))
        if windowStart > 1 && !text.hasPrefix("…") { text = "…" + text }
        if windowStart - 1 + window.unicodeScalars.count < entryLength && !text.hasSuffix("…") { text += "…" }
        return text
    }

    private static func wordSnippet(window: String, windowStart: Int, entryLength: Int, terms: [SearchQuery.Term]) -> String {
        let scalars = window.unicodeScalars
        let words = Self.words(in: window)
        let folded = words.map { fold(scalars[$0]) }
        let patterns = terms.map(Pattern.init).filter { !$0.words.isEmpty }

        var matches: [(first: Int, last: Int)] = []
        var position = 0
        while position < folded.count {
            if let length = patterns.lazy.compactMap({ $0.length(matchingAt: position, in: folded) }).max() {
                matches.append((position, position + length - 1))
                position += length
            } else {
                position += 1
            }
        }
        let windowEndsEarly = windowStart - 1 + scalars.count < entryLength
        guard !words.isEmpty else { return (windowStart > 1 ? "…" : "") + String(window.prefix(64)) + "…" }

        let first = max(0, (matches.first?.first ?? 0) - 3)
        let last = min(words.count, first + snippetWords) - 1
        var text = String.UnicodeScalarView()
        if first > 0 || windowStart > 1 { text.append(contentsOf: "…".unicodeScalars) }
        var cursor = words[first].lowerBound
        for match in matches where match.last >= first && match.first <= last {
            let start = words[max(match.first, first)].lowerBound
            let end = words[min(match.last, last)].upperBound
            text.append(contentsOf: scalars[cursor..<start])
            text.append(Unicode.Scalar(SearchHit.matchStart.unicodeScalars.first!))
            text.append(contentsOf: scalars[start..<end])
            text.append(Unicode.Scalar(SearchHit.matchEnd.unicodeScalars.first!))
            cursor = end
        }
        text.append(contentsOf: scalars[cursor..<words[last].upperBound])
        if last < words.count - 1 || windowEndsEarly { text.append(contentsOf: "…".unicodeScalars) }
        return String(text)
    }

    /// A term as the words it must match in a row, the last one a prefix for `prefix*`.
    private struct Pattern {
        let words: [String]
        let lastIsPrefix: Bool

        init(_ term: SearchQuery.Term) {
            let scalars = term.text.unicodeScalars
            words = WindowSnippet.words(in: term.text).map { WindowSnippet.fold(scalars[$0]) }
            if case .prefix = term { lastIsPrefix = true } else { lastIsPrefix = false }
        }

        /// How many words match from `position` on, or nil.
        func length(matchingAt position: Int, in text: [String]) -> Int? {
            guard position + words.count <= text.count else { return nil }
            for (offset, word) in words.enumerated() {
                let candidate = text[position + offset]
                let isLast = offset == words.count - 1
                guard candidate == word || (isLast && lastIsPrefix && candidate.hasPrefix(word)) else { return nil }
            }
            return words.count
        }
    }

    /// The ranges of the words (runs of letters and digits) of a text.
    static func words(in text: String) -> [Range<String.UnicodeScalarView.Index>] {
        let scalars = text.unicodeScalars
        var ranges: [Range<String.UnicodeScalarView.Index>] = []
        var start: String.UnicodeScalarView.Index?
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let isWord = SearchQuery.isWordScalar(scalars[index])
            if isWord, start == nil { start = index }
            if !isWord, let wordStart = start {
                ranges.append(wordStart..<index)
                start = nil
            }
            index = scalars.index(after: index)
        }
        if let wordStart = start { ranges.append(wordStart..<scalars.endIndex) }
        return ranges
    }

    /// A word as the index compares it: without case or diacritics.
    static func fold(_ word: Substring.UnicodeScalarView) -> String {
        let text = String(word)
        if word.allSatisfy(\.isASCII) { return text.lowercased() }
        return text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }
}
