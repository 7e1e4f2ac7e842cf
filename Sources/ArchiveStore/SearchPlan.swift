import Foundation
internal import GRDB

/// How a parsed query becomes SQL. Each group of terms is routed to one of the two indexes:
///
/// - the **word** index (`search_fts`, unicode61) for ordinary words, phrases and prefixes;
/// - the **trigram** index (`search_trigram`) for text in scripts written without spaces (Chinese,
///   Japanese, Thai…), where unicode61 would see a whole sentence as one token, and for substring
///   matching when a word search found nothing.
///
/// The first index with terms drives the query (it ranks with bm25 and cuts the snippet); every other
/// group becomes a `rowid IN (…)` condition. A trigram term shorter than three characters cannot use
/// the index, so it becomes a `LIKE` over the text. Every user string is bound as a parameter.
struct SearchPlan {
    enum Mode { case words, substrings }
    enum Index {
        case words, trigram
        var table: String { self == .words ? "search_fts" : "search_trigram" }
    }

    /// The index that ranks and snippets, with its MATCH expression; nil when only conditions apply.
    var primary: (index: Index, expression: String)?
    var conditions: [String] = []
    var arguments: [any DatabaseValueConvertible] = []
    /// Terms to mark in a snippet cut in Swift (no FTS index drives the query).
    var highlightTerms: [String] = []

    init(_ query: SearchQuery, mode: Mode) {
        var word: [String] = []
        var trigram: [String] = []
        var likeGroups: [[String]] = []
        for group in query.groups {
            if mode == .words && !group.contains(where: Self.needsTrigram) {
                word.append(Self.orGroup(group.map(SearchQuery.fts)))
            } else if group.allSatisfy({ Self.trigramIndexable($0.text) }) {
                trigram.append(Self.orGroup(group.map { SearchQuery.quoted($0.text) }))
            } else {
                likeGroups.append(group.map(\.text))
            }
        }
        var excludedWord: [String] = []
        var excludedTrigram: [String] = []
        var excludedLike: [String] = []
        for term in query.excluded {
            if mode == .words && !Self.needsTrigram(term) {
                excludedWord.append(SearchQuery.fts(term))
            } else if Self.trigramIndexable(term.text) {
                excludedTrigram.append(SearchQuery.quoted(term.text))
            } else {
                excludedLike.append(term.text)
            }
        }

        if !word.isEmpty {
            primary = (.words, word.joined(separator: " AND ") + excludedWord.map { " NOT " + $0 }.joined())
            excludedWord = []
            if !trigram.isEmpty { addIndexCondition(.trigram, trigram.joined(separator: " AND "), negated: false) }
        } else if !trigram.isEmpty {
            primary = (.trigram, trigram.joined(separator: " AND ") + excludedTrigram.map { " NOT " + $0 }.joined())
            excludedTrigram = []
        }
        for group in likeGroups {
            conditions.append("(" + group.map { _ in "d.body LIKE ? ESCAPE '\\'" }.joined(separator: " OR ") + ")")
            arguments.append(contentsOf: group.map(Self.likePattern))
            if primary == nil { highlightTerms.append(contentsOf: group) }
        }
        if !excludedWord.isEmpty { addIndexCondition(.words, excludedWord.joined(separator: " OR "), negated: true) }
        if !excludedTrigram.isEmpty { addIndexCondition(.trigram, excludedTrigram.joined(separator: " OR "), negated: true) }
        for text in excludedLike {
            conditions.append("d.body NOT LIKE ? ESCAPE '\\'")
            arguments.append(Self.likePattern(text))
        }
    }

    private mutating func addIndexCondition(_ index: Index, _ expression: String, negated: Bool) {
        conditions.append("d.id \(negated ? "NOT IN" : "IN") (SELECT rowid FROM \(index.table) WHERE \(index.table) MATCH ?)")
        arguments.append(expression)
    }

    /// Whether a substring retry could help: every term long enough for the trigram index.
    static func substringRetryMakesSense(_ query: SearchQuery) -> Bool {
        query.hasTerms && query.groups.joined().allSatisfy { trigramIndexable($0.text) }
            && !query.groups.joined().contains(where: needsTrigram)
    }

    private static func orGroup(_ parts: [String]) -> String {
        parts.count == 1 ? parts[0] : "(" + parts.joined(separator: " OR ") + ")"
    }

    /// The trigram index can answer a term of three or more characters.
    static func trigramIndexable(_ text: String) -> Bool { text.unicodeScalars.count >= 3 }

    static func needsTrigram(_ term: SearchQuery.Term) -> Bool {
        term.text.unicodeScalars.contains(where: isUnspacedScript)
    }

    /// Scripts whose words are not separated by spaces.
    static func isUnspacedScript(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x30FF, 0x31F0...0x31FF, 0xFF66...0xFF9F: return true   // kana
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3FFFF: return true   // Han
        case 0x0E00...0x0EFF, 0x1000...0x109F, 0x1780...0x17FF: return true   // Thai, Lao, Myanmar, Khmer
        default: return false
        }
    }

    static func likePattern(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return "%" + escaped + "%"
    }
}

extension SearchQuery.Term {
    /// The text a person typed, without operators.
    var text: String {
        switch self {
        case .word(let text), .prefix(let text), .phrase(let text): return text
        }
    }
}

/// A snippet cut in Swift, for queries no FTS index drives (short CJK terms): the text around the
/// first match, each occurrence of a term marked as the FTS snippets are.
enum SnippetCutter {
    static func snippet(_ body: String, terms: [String], width: Int = 64) -> String {
        let text = Array(body)
        let lowered = text.map { Character($0.lowercased()) }
        let needles = terms.map { Array($0.lowercased()).map { Character(String($0)) } }.filter { !$0.isEmpty }
        var marks = [Bool](repeating: false, count: text.count)
        var first: Int?
        for needle in needles where needle.count <= lowered.count {
            for start in 0...(lowered.count - needle.count) where Array(lowered[start..<start + needle.count]) == needle {
                for index in start..<start + needle.count { marks[index] = true }
                first = min(first ?? start, start)
            }
        }
        let start = max(0, (first ?? 0) - width / 4)
        let end = min(text.count, start + width)
        var result = start > 0 ? "…" : ""
        var open = false
        for index in start..<end {
            if marks[index] != open {
                result.append(marks[index] ? SearchHit.matchStart : SearchHit.matchEnd)
                open = marks[index]
            }
            result.append(text[index])
        }
        if open { result.append(SearchHit.matchEnd) }
        if end < text.count { result += "…" }
        return result
    }
}
