import Foundation

/// A search as a person types it, parsed into terms and filters. User text never reaches FTS5's MATCH
/// syntax raw: every word is emitted as a quoted string, so `gpt-4`, `NEAR`, `:` or a stray quote mean
/// what they look like instead of being operators.
///
/// Language: words (all must match) · `"a phrase"` · `a OR b` (binds tighter than the implicit AND, as
/// in web search) · `-word` / `-"a phrase"` (exclude) · `prefix*` · filters `role:` `status:` `task:`
/// `tool:` `kind:` `after:` `before:` `has:artifact` `account:` (a repeated filter matches any value).
public struct SearchQuery: Sendable, Equatable {
    public enum Term: Sendable, Equatable {
        case word(String)
        case prefix(String)
        case phrase(String)
    }

    public enum Kind: String, Sendable, CaseIterable { case message, thought, tool, artifact }

    public struct Filters: Sendable, Equatable {
        public var roles: [String] = []
        public var statuses: [String] = []
        public var taskPrefixes: [String] = []
        public var tools: [String] = []
        public var kinds: [Kind] = []
        public var accounts: [String] = []
        /// Inclusive lower bound, canonical timestamp text (a date means its midnight UTC).
        public var after: String?
        /// Exclusive upper bound.
        public var before: String?
        public var hasArtifact = false

        public init() {}
    }

    /// All groups must match; a group matches when any of its terms does.
    public var groups: [[Term]] = []
    public var excluded: [Term] = []
    public var filters = Filters()

    public init(groups: [[Term]] = [], excluded: [Term] = [], filters: Filters = Filters()) {
        self.groups = groups
        self.excluded = excluded
        self.filters = filters
    }

    /// True when the query has words to look for (otherwise only filters apply).
    public var hasTerms: Bool { !groups.isEmpty }

    /// The FTS5 expression: every term a quoted string, operators only where we put them.
    var matchExpression: String {
        var expression = groups.map { group in
            group.count == 1 ? Self.fts(group[0]) : "(" + group.map(Self.fts).joined(separator: " OR ") + ")"
        }.joined(separator: " AND ")
        for term in excluded {
            expression += " NOT " + Self.fts(term)
        }
        return expression
    }

    static func fts(_ term: Term) -> String {
        switch term {
        case .word(let text), .phrase(let text): return quoted(text)
        case .prefix(let stem): return quoted(stem) + " *"
        }
    }

    /// An FTS5 string: double quotes inside are doubled (https://sqlite.org/fts5.html#fts5_strings).
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
