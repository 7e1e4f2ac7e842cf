/// Text-level rules that keep an exported transcript's structure intact whatever the messages hold.
enum MarkdownText {
    /// A message's Markdown, as written, made safe to embed under a `##` section:
    /// - headings inside it are moved down two levels (`#` → `###`, a setext `===` heading → `###`), so
    ///   the document keeps one H1 and one H2 per message;
    /// - a code fence, `<pre>`/`<script>`/`<style>`/`<textarea>` block or `<!--` comment left open at the
    ///   end is closed, so it cannot swallow the messages after it.
    /// Text inside code fences and HTML blocks is never changed.
    static func embeddable(_ content: String) -> String {
        guard mayHaveStructure(content) else { return content }
        var lines: [String] = []
        enum State { case normal, fence(Character, Int), html(String) }
        var state = State.normal
        var paragraph: [Int] = []   // indexes into `lines` of the open paragraph

        for raw in content.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            let body = line.hasSuffix("\r") ? String(line.dropLast()) : line
            switch state {
            case .fence(let marker, let count):
                lines.append(line)
                if closesFence(body, marker: marker, count: count) { state = .normal }
                continue
            case .html(let terminator):
                lines.append(line)
                if body.lowercased().contains(terminator) { state = .normal }
                continue
            case .normal:
                break
            }
            let trimmed = leadingSpacesUpTo3(body)
            if body.allSatisfy({ $0 == " " || $0 == "\t" }) {
                paragraph = []
                lines.append(line)
            } else if let fence = opensFence(trimmed) {
                paragraph = []
                state = .fence(fence.marker, fence.count)
                lines.append(line)
            } else if let terminator = htmlBlockTerminator(trimmed) {
                paragraph = []
                let rest = trimmed.lowercased()
                if !rest.dropFirst(2).contains(terminator) { state = .html(terminator) }
                lines.append(line)
            } else if let heading = atxHeading(trimmed) {
                paragraph = []
                lines.append(String(repeating: "#", count: min(6, heading.level + 2)) + heading.rest)
            } else if !paragraph.isEmpty, let level = setextLevel(trimmed) {
                let text = paragraph.map { lines[$0].trimmingSpaces() }.joined(separator: " ")
                lines.removeLast(lines.count - paragraph[0])
                lines.append(String(repeating: "#", count: level + 2) + " " + text)
                paragraph = []
            } else if isThematicBreak(trimmed) {
                paragraph = []
                lines.append(line)
            } else if paragraph.isEmpty && (body.hasPrefix("    ") || body.hasPrefix("\t")) {
                lines.append(line)   // indented code
            } else if startsContainer(trimmed) {
                paragraph = []   // a list item or quote: an underline after it is a thematic break
                lines.append(line)
            } else {
                paragraph.append(lines.count)
                lines.append(line)
            }
        }
        switch state {
        case .fence(let marker, let count): lines.append(String(repeating: marker, count: count))
        case .html(let terminator): lines.append(terminator)
        case .normal: break
        }
        return lines.joined(separator: "\n")
    }

    /// Whether any line starts (after up to three spaces) with a character that can open a heading,
    /// fence, HTML block or setext underline. Most messages have none and are embedded untouched.
    static func mayHaveStructure(_ content: String) -> Bool {
        var atLineStart = true
        var spaces = 0
        for byte in content.utf8 {
            if byte == UInt8(ascii: "\n") {
                atLineStart = true
                spaces = 0
                continue
            }
            guard atLineStart else { continue }
            if byte == UInt8(ascii: " ") && spaces < 3 {
                spaces += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "#"), UInt8(ascii: "`"), UInt8(ascii: "~"), UInt8(ascii: "<"), UInt8(ascii: "="), UInt8(ascii: "-"):
                return true
            default:
                atLineStart = false
            }
        }
        return false
    }

    /// A fenced code block whose fence is longer than any run of backticks inside the text.
    static func fenced(_ text: String, info: String = "") -> String {
        var longest = 0
        var run = 0
        for character in text {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        let body = text.hasSuffix("\n") ? text : text + "\n"
        return fence + info + "\n" + body + fence
    }

    /// Inline text (a heading, link text, a list item after its marker) with every character that could
    /// start inline markup backslash-escaped, so it renders literally.
    static func escapedInline(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if "\\`*_[]<>!&#~|".unicodeScalars.contains(scalar) {
                out.unicodeScalars.append("\\")
            }
            switch scalar {
            case "\n", "\r", "\t": out.unicodeScalars.append(" ")
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A relative link destination: `<…>` form with everything but unreserved characters and `/`
    /// percent-encoded, so spaces, brackets or `#` in a file name cannot break the link.
    static func linkDestination(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            let character = Character(Unicode.Scalar(byte))
            if (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || "-._~/".contains(character) {
                out.append(character)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return "<" + out + ">"
    }

    /// A YAML double-quoted scalar: the JSON string form, which escapes everything YAML may not hold raw.
    static func yamlString(_ text: String) -> String {
        JSONTree.string(text).compact
    }

    // MARK: Block recognition (CommonMark 0.31, the parts that matter here)

    private static func leadingSpacesUpTo3(_ line: String) -> Substring {
        var index = line.startIndex
        var count = 0
        while count < 3, index < line.endIndex, line[index] == " " {
            index = line.index(after: index)
            count += 1
        }
        return line[index...]
    }

    private static func opensFence(_ line: Substring) -> (marker: Character, count: Int)? {
        guard let marker = line.first, marker == "`" || marker == "~" else { return nil }
        let count = line.prefix { $0 == marker }.count
        guard count >= 3 else { return nil }
        if marker == "`" && line.dropFirst(count).contains("`") { return nil }   // not a fence: inline code
        return (marker, count)
    }

    private static func closesFence(_ line: String, marker: Character, count: Int) -> Bool {
        let trimmed = leadingSpacesUpTo3(line)
        let run = trimmed.prefix { $0 == marker }.count
        return run >= count && trimmed.dropFirst(run).allSatisfy { $0 == " " || $0 == "\t" }
    }

    /// For HTML blocks that end only at a terminator (types 1 to 5), that terminator.
    private static func htmlBlockTerminator(_ line: Substring) -> String? {
        guard line.first == "<" else { return nil }
        let lower = line.prefix(12).lowercased()
        for tag in ["script", "pre", "style", "textarea"] where lower.hasPrefix("<" + tag) {
            let after = lower.dropFirst(tag.count + 1).first
            if after == nil || after == " " || after == ">" || after == "\t" { return "</" + tag + ">" }
        }
        if lower.hasPrefix("<!--") { return "-->" }
        if lower.hasPrefix("<![cdata[") { return "]]>" }
        if lower.hasPrefix("<?") { return "?>" }
        if lower.hasPrefix("<!"), let next = lower.dropFirst(2).first, next.isASCII, next.isLetter { return ">" }
        return nil
    }

    private static func atxHeading(_ line: Substring) -> (level: Int, rest: Substring)? {
        let level = line.prefix { $0 == "#" }.count
        guard (1...6).contains(level) else { return nil }
        let rest = line.dropFirst(level)
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        return (level, rest)
    }

    private static func startsContainer(_ line: Substring) -> Bool {
        if line.hasPrefix(">") { return true }
        if let first = line.first, "-*+".contains(first), line.dropFirst().first == " " || line.count == 1 { return true }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        if (1...9).contains(digits.count), let marker = line.dropFirst(digits.count).first, marker == "." || marker == ")" {
            let after = line.dropFirst(digits.count + 1).first
            return after == nil || after == " "
        }
        return false
    }

    private static func isThematicBreak(_ line: Substring) -> Bool {
        guard let marker = line.first, "-*_".contains(marker) else { return false }
        let marks = line.filter { $0 != " " && $0 != "\t" }
        return marks.count >= 3 && marks.allSatisfy { $0 == marker }
    }

    private static func setextLevel(_ line: Substring) -> Int? {
        let trimmed = line.trimmingTrailingSpaces()
        guard let first = trimmed.first, first == "=" || first == "-", trimmed.allSatisfy({ $0 == first }) else { return nil }
        return first == "=" ? 1 : 2
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }).trimmingTrailingSpaces()
    }

    func trimmingTrailingSpaces() -> String {
        var text = String(self)
        while let last = text.last, last == " " || last == "\t" || last == "\r" { text.removeLast() }
        return text
    }

    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: Swift.max(0, width - count)) + self
    }
}
