import Foundation

extension SearchQuery {
    /// Parses what a person typed. Throws `ArchiveError.invalidQuery` with a one-line reason when the
    /// text cannot mean a search (nothing to look for, a bad filter value, a dangling operator).
    /// `filters` are added to those in the text (the CLI's --status, --since… options).
    public static func parse(_ text: String, filters: Filters = Filters()) throws -> SearchQuery {
        var query = SearchQuery()
        query.filters = filters
        var pendingOr = false
        // Control characters separate words: SQLite reads a NUL inside a bound string as its end.
        let cleaned = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
        for token in try tokenize(cleaned) {
            switch token {
            case .or:
                guard !query.groups.isEmpty, !pendingOr else {
                    throw ArchiveError.invalidQuery("OR needs a word on each side, as in `deploy OR release`")
                }
                pendingOr = true
            case .term(let term, let negated):
                if negated {
                    query.excluded.append(term)
                } else if pendingOr {
                    query.groups[query.groups.count - 1].append(term)
                    pendingOr = false
                } else {
                    query.groups.append([term])
                }
            case .filter(let name, let value):
                try query.filters.add(name: name, value: value)
            }
        }
        if pendingOr {
            throw ArchiveError.invalidQuery("OR needs a word on each side, as in `deploy OR release`")
        }
        if query.groups.isEmpty && !query.excluded.isEmpty {
            throw ArchiveError.invalidQuery("a search needs a word to look for besides the -excluded ones")
        }
        if query.groups.isEmpty && query.filters == Filters() {
            throw ArchiveError.invalidQuery("nothing to search for: give a word, a \"phrase\" or a filter such as kind:artifact")
        }
        return query
    }

    enum Token: Equatable {
        case term(Term, negated: Bool)
        case or
        case filter(name: String, value: String)
    }

    static let filterNames: Set<String> = ["role", "status", "task", "tool", "kind", "after", "before", "has", "account"]

    static func tokenize(_ text: String) throws -> [Token] {
        var tokens: [Token] = []
        var index = text.startIndex
        func readPhrase(from start: String.Index) -> (String, String.Index) {
            // An unbalanced quote runs to the end of the text: the rest is the phrase.
            var end = start
            while end < text.endIndex, text[end] != "\"" { end = text.index(after: end) }
            let phrase = String(text[start..<end])
            return (phrase, end < text.endIndex ? text.index(after: end) : end)
        }
        while index < text.endIndex {
            let character = text[index]
            if character.isWhitespace {
                index = text.index(after: index)
                continue
            }
            var negated = false
            if character == "-", let next = text.index(index, offsetBy: 1, limitedBy: text.endIndex),
               next < text.endIndex, !text[next].isWhitespace {
                negated = true
                index = next
            }
            if text[index] == "\"" {
                let (phrase, after) = readPhrase(from: text.index(after: index))
                index = after
                if hasWordCharacter(phrase) { tokens.append(.term(.phrase(phrase), negated: negated)) }
                continue
            }
            var end = index
            while end < text.endIndex, !text[end].isWhitespace, text[end] != "\"" { end = text.index(after: end) }
            let bare = String(text[index..<end])
            index = end
            if bare == "OR" && !negated {
                tokens.append(.or)
                continue
            }
            if !negated, let colon = bare.firstIndex(of: ":"), filterNames.contains(bare[..<colon].lowercased()) {
                let name = bare[..<colon].lowercased()
                var value = String(bare[bare.index(after: colon)...])
                if value.isEmpty, index < text.endIndex, text[index] == "\"" {
                    let (phrase, after) = readPhrase(from: text.index(after: index))
                    value = phrase
                    index = after
                }
                tokens.append(.filter(name: name, value: value))
                continue
            }
            if bare.hasSuffix("*") {
                var stem = bare
                while stem.hasSuffix("*") { stem.removeLast() }
                guard hasWordCharacter(stem) else {
                    throw ArchiveError.invalidQuery("`*` must follow a word, as in deploy*")
                }
                tokens.append(.term(.prefix(stem), negated: negated))
                continue
            }
            if hasWordCharacter(bare) { tokens.append(.term(.word(bare), negated: negated)) }
        }
        return tokens
    }

    /// Whether the text has anything the word tokenizer indexes (a letter or digit in any script).
    static func hasWordCharacter(_ text: some StringProtocol) -> Bool {
        text.unicodeScalars.contains(where: isWordScalar)
    }

    /// A letter or digit in any script: what the word tokenizers index.
    package static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }
}

extension SearchQuery.Filters {
    /// The filters `search`'s options add to the query's own (`--status`, `--kind`, `--role`, `--since`,
    /// `--until`), as the CLI, `serve`'s `/api/search` and `mcp`'s `search` tool all take them.
    public init(statuses: [String] = [], kinds: [String] = [], roles: [String] = [], since: String? = nil, until: String? = nil) throws {
        self.init()
        for value in statuses { try add(name: "status", value: value) }
        for value in kinds { try add(name: "kind", value: value) }
        for value in roles { try add(name: "role", value: value) }
        if let since { try add(name: "after", value: since) }
        if let until { try add(name: "before", value: until) }
    }

    /// Adds a filter as if `name:value` had been typed in the query.
    public mutating func add(name: String, value: String) throws {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else {
            throw ArchiveError.invalidQuery("\(name): needs a value, as in \(Self.example(name))")
        }
        switch name {
        case "role": roles.append(trimmed.lowercased())
        case "status":
            if let problem = TaskFilter.problem(status: trimmed.lowercased()) { throw ArchiveError.invalidQuery(problem) }
            statuses.append(trimmed.lowercased())
        case "task": taskPrefixes.append(trimmed.lowercased())
        case "tool": tools.append(trimmed)
        case "account": accounts.append(trimmed)
        case "kind":
            guard let kind = SearchQuery.Kind(rawValue: trimmed.lowercased()) else {
                throw ArchiveError.invalidQuery("kind:\(trimmed) is not one of message, thought, tool, artifact")
            }
            kinds.append(kind)
        case "has":
            guard trimmed.lowercased() == "artifact" || trimmed.lowercased() == "artifacts" else {
                throw ArchiveError.invalidQuery("has:\(trimmed) is not known; has:artifact is")
            }
            hasArtifact = true
        case "after", "before":
            guard let bound = Self.dateBound(trimmed) else {
                throw ArchiveError.invalidQuery("\(name):\(trimmed) is not a date; use YYYY-MM-DD or an ISO-8601 time")
            }
            if name == "after" { after = max(after ?? bound, bound) } else { before = min(before ?? bound, bound) }
        default:
            throw ArchiveError.invalidQuery("unknown filter \(name):")
        }
    }

    /// `2026-01-31` -> `2026-01-31T00:00:00.000Z`; a full ISO-8601 time -> its canonical form.
    public static func dateBound(_ text: String) -> String? {
        // The day must exist: 2026-02-30 is not rolled over into March, in a date or a time.
        let day = text.prefix(10).split(separator: "-", omittingEmptySubsequences: false)
        guard day.count == 3, day[0].count == 4, day[1].count == 2, day[2].count == 2,
              let year = Int(day[0]), let month = Int(day[1]), let date = Int(day[2]), year > 0,
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(date) else { return nil }
        if text.count == 10 { return String(format: "%04d-%02d-%02dT00:00:00.000Z", year, month, date) }
        return Timestamp.canonical(text)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func example(_ name: String) -> String {
        switch name {
        case "after", "before": return "\(name):2026-01-31"
        case "kind": return "kind:tool"
        case "has": return "has:artifact"
        case "role": return "role:user"
        case "status": return "status:failed"
        default: return "\(name):VALUE"
        }
    }
}
