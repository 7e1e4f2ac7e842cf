/// A migration file cut into its statements, for PostgreSQL's extended protocol (which takes one
/// statement at a time). A `;` ends a statement only outside quotes ('…', E'…' with backslash
/// escapes, "…"), dollar quotes ($$…$$, $tag$…$tag$: function bodies) and comments (--, /* */, nested).
enum SQLScript {
    static func statements(_ script: String) -> [String] {
        let text = Array(script.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var index = 0

        func flush() {
            let statement = String(current).trimmingWhitespace()
            if !statement.isEmpty && !statement.allSatisfyComment() { statements.append(statement) }
            current = String.UnicodeScalarView()
        }
        func copy(through end: Int) {
            let stop = min(end, text.count - 1)
            if index <= stop { current.append(contentsOf: text[index...stop]) }
            index = stop + 1
        }
        func starts(with prefix: String, at position: Int) -> Bool {
            let scalars = Array(prefix.unicodeScalars)
            return position + scalars.count <= text.count && Array(text[position..<position + scalars.count]) == scalars
        }

        while index < text.count {
            let scalar = text[index]
            if scalar == ";" {
                index += 1
                flush()
            } else if starts(with: "--", at: index) {
                var end = index
                while end < text.count && text[end] != "\n" { end += 1 }
                copy(through: end)
            } else if starts(with: "/*", at: index) {
                var depth = 0
                var end = index
                while end < text.count {
                    if starts(with: "/*", at: end) { depth += 1; end += 2; continue }
                    if starts(with: "*/", at: end) { depth -= 1; end += 2; if depth == 0 { break }; continue }
                    end += 1
                }
                copy(through: end - 1)
            } else if scalar == "'" || scalar == "\"" {
                let backslashes = scalar == "'" && index > 0 && (text[index - 1] == "E" || text[index - 1] == "e")
                var end = index + 1
                while end < text.count {
                    if backslashes && text[end] == "\\" { end += 2; continue }
                    if text[end] == scalar {
                        if end + 1 < text.count && text[end + 1] == scalar { end += 2; continue }   // '' inside
                        break
                    }
                    end += 1
                }
                copy(through: end)
            } else if scalar == "$", let tag = dollarTag(text, at: index) {
                var end = index + tag.count
                while end < text.count && !starts(with: tag, at: end) { end += 1 }
                copy(through: end + tag.count - 1)
            } else {
                current.append(scalar)
                index += 1
            }
        }
        flush()
        return statements
    }

    /// `$$` or `$name$` starting at `index` (a name of letters, digits and underscores, not a digit
    /// first — `$1` is a parameter).
    private static func dollarTag(_ text: [Unicode.Scalar], at index: Int) -> String? {
        var end = index + 1
        while end < text.count, text[end] == "_" || text[end].properties.isAlphabetic || ("0"..."9").contains(text[end]) {
            end += 1
        }
        guard end < text.count, text[end] == "$" else { return nil }
        if end > index + 1, ("0"..."9").contains(text[index + 1]) { return nil }
        return String(String.UnicodeScalarView(text[index...end]))
    }
}

private extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first.properties.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    /// Whether the text is only comments (a file's closing notes are no statement).
    func allSatisfyComment() -> Bool {
        split(separator: "\n").allSatisfy { $0.trimmingPrefix(while: \.isWhitespace).hasPrefix("--") || $0.allSatisfy(\.isWhitespace) }
    }
}
