import Foundation
internal import GRDB

/// How a parsed query becomes SQL. Each term goes where it can be answered:
///
/// - ordinary words, phrases and prefixes to the **word** index (`search_fts`, unicode61);
/// - text in a script written without spaces (Chinese, Japanese, Thai…), where unicode61 would see a
///   whole sentence as one token, to the **trigram** index (`search_trigram`, which holds only entries
///   with such text), or to a `LIKE` scan when shorter than three characters;
/// - in a substring retry (a word search found nothing), every term to a `LIKE` scan.
///
/// The first index with a whole group of terms drives the query (it ranks with bm25 and cuts the
/// snippet); every other group becomes a condition. Every user string is bound as a parameter.
package struct SearchPlan {
    enum Mode { case words, substrings }
    enum Index {
        case words, trigram
        var table: String { self == .words ? "search_fts" : "search_trigram" }
    }

    private enum Route {
        case index(Index, String)
        case like(String)
    }

    /// The index that ranks and snippets, with its MATCH expression; nil when only conditions apply.
    var primary: (index: Index, expression: String)?
    var conditions: [String] = []
    var arguments: [any DatabaseValueConvertible] = []
    /// Terms to mark in a snippet cut in Swift (no FTS index drives the query).
    var highlightTerms: [String] = []

    init(_ query: SearchQuery, mode: Mode) {
        func route(_ term: SearchQuery.Term) -> Route {
            let unspaced = Self.needsTrigram(term)
            if mode == .words && !unspaced { return .index(.words, SearchQuery.fts(term)) }
            if unspaced && Self.trigramIndexable(term.text) { return .index(.trigram, SearchQuery.quoted(term.text)) }
            return .like(term.text)
        }
        // Whole groups that one index answers can drive the query; mixed groups become conditions.
        var indexGroups: [Index: [String]] = [:]
        var mixedGroups: [[Route]] = []
        for group in query.groups {
            let routes = group.map(route)
            let indexes = Set(routes.map { route -> Index? in if case .index(let index, _) = route { index } else { nil } })
            if indexes.count == 1, let index = indexes.first!, routes.count == group.count {
                let expressions = routes.compactMap { route -> String? in if case .index(_, let text) = route { text } else { nil } }
                indexGroups[index, default: []].append(Self.orGroup(expressions))
            } else {
                mixedGroups.append(routes)
            }
        }
        let excluded = query.excluded.map(route)
        for index in [Index.words, .trigram] {
            guard let groups = indexGroups[index] else { continue }
            if primary == nil {
                let nots = excluded.compactMap { route -> String? in
                    if case .index(index, let text) = route { " NOT " + text } else { nil }
                }
                primary = (index, groups.joined(separator: " AND ") + nots.joined())
            } else {
                addIndexCondition(index, groups.joined(separator: " AND "), negated: false)
            }
        }
        for routes in mixedGroups {
            var parts: [String] = []
            for route in routes {
                switch route {
                case .index(let index, let text):
                    parts.append("d.id IN (SELECT rowid FROM \(index.table) WHERE \(index.table) MATCH ?)")
                    arguments.append(text)
                case .like(let text):
                    parts.append("d.body LIKE ? ESCAPE '\\'")
                    arguments.append(Self.likePattern(text))
                    highlightTerms.append(text)
                }
            }
            conditions.append("(" + parts.joined(separator: " OR ") + ")")
        }
        for route in excluded {
            switch route {
            case .index(let index, let text) where index != primary?.index:
                addIndexCondition(index, text, negated: true)
            case .index:
                break   // already a NOT in the primary expression
            case .like(let text):
                conditions.append("d.body NOT LIKE ? ESCAPE '\\'")
                arguments.append(Self.likePattern(text))
            }
        }
        if primary != nil { highlightTerms = [] }   // the index's snippet marks the matches
    }

    private mutating func addIndexCondition(_ index: Index, _ expression: String, negated: Bool) {
        conditions.append("d.id \(negated ? "NOT IN" : "IN") (SELECT rowid FROM \(index.table) WHERE \(index.table) MATCH ?)")
        arguments.append(expression)
    }

    /// Whether a substring retry could help: every term long enough for the trigram index.
    package static func substringRetryMakesSense(_ query: SearchQuery) -> Bool {
        query.hasTerms && query.groups.joined().allSatisfy { trigramIndexable($0.text) }
            && !query.groups.joined().contains(where: needsTrigram)
    }

    private static func orGroup(_ parts: [String]) -> String {
        parts.count == 1 ? parts[0] : "(" + parts.joined(separator: " OR ") + ")"
    }

    /// The trigram index can answer a term of three or more characters.
    package static func trigramIndexable(_ text: String) -> Bool { text.unicodeScalars.count >= 3 }

    package static func needsTrigram(_ term: SearchQuery.Term) -> Bool {
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

    /// A LIKE pattern (ESCAPE '\\') for text containing `text`, its own % _ and \\ taken literally.
    package static func likePattern(_ text: String) -> String { "%" + likeEscaped(text) + "%" }

    /// A LIKE pattern for text starting with `prefix` (task-id prefixes on PostgreSQL).
    package static func likePrefix(_ prefix: String) -> String { likeEscaped(prefix) + "%" }

    private static func likeEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}

extension SearchQuery.Term {
    /// The text a person typed, without operators.
    package var text: String {
        switch self {
        case .word(let text), .prefix(let text), .phrase(let text): return text
        }
    }
}

/// A snippet cut in Swift, for queries no FTS index drives (short CJK terms): the text around the
/// first match, each occurrence of a term marked as the FTS snippets are.
package enum SnippetCutter {
    package static func snippet(_ body: String, terms: [String], width: Int = 64) -> String {
        let text = Array(body)
        let lowered = text.map { Character($0.lowercased()) }
        let needles = terms.map { Array($0.lowercased()).map { Character(String($0)) } }.filter { !$0.isEmpty }
        var marks = [Bool](repeating: false, count: text.count)
        var first: Int?
        for needle in needles where needle.count <= lowered.count {
            for start in 0...(lowered.count - needle.count) where lowered[start..<start + needle.count].elementsEqual(needle) {
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
