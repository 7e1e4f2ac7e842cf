/// The string literals of a JSON text, found by a lexer that knows JSON's tokens and nothing more:
/// enough to read each string's value and to put a new value in its place while every other byte stays
/// as it was. A raw JSON column whose secret is replaced is still the JSON it was, and a secret hidden
/// by an escape (`https:\/\/hooks.slack.com\/…`) is seen as the value it decodes to.
enum JSONStrings {
    struct Literal {
        /// Between the quotes, in the text's bytes.
        let range: Range<Int>
        let hasEscapes: Bool
        /// The member name this string is the value of (`"token": "…"`), between its quotes.
        let name: Range<Int>?
    }

    /// The literals in order, or nil when `bytes` is not a JSON object or array made of JSON's tokens
    /// (such a text is read as plain text).
    static func literals(_ bytes: UnsafeBufferPointer<UInt8>) -> [Literal]? {
        var index = 0
        let count = bytes.count
        while index < count && isSpace(bytes[index]) { index += 1 }
        guard index < count, bytes[index] == UInt8(ascii: "{") || bytes[index] == UInt8(ascii: "[") else { return nil }
        var literals: [Literal] = []
        // The name whose value comes next: set by `"name":`, cleared by any other token.
        var valueOf: Range<Int>?
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                var end = index + 1
                var hasEscapes = false
                while end < count && bytes[end] != UInt8(ascii: "\"") {
                    if bytes[end] == UInt8(ascii: "\\") { hasEscapes = true; end += 1 }
                    else if bytes[end] < 0x20 { return nil }
                    end += 1
                }
                guard end < count else { return nil }
                let range = (index + 1)..<end
                literals.append(Literal(range: range, hasEscapes: hasEscapes, name: valueOf))
                valueOf = nil
                index = end + 1
                var next = index
                while next < count && isSpace(bytes[next]) { next += 1 }
                if next < count && bytes[next] == UInt8(ascii: ":") {
                    valueOf = range
                    index = next + 1
                }
            } else if isSpace(byte) {
                index += 1
            } else if outsideStrings[Int(byte)] {
                valueOf = nil
                index += 1
            } else {
                return nil
            }
        }
        return literals
    }

    /// A string literal's value; nil for an escape JSON does not have.
    static func decode(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\") else { out.append(byte); index += 1; continue }
            guard index + 1 < raw.count else { return nil }
            switch raw[index + 1] {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): out.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard var scalar = hexQuad(raw, at: index + 2) else { return nil }
                index += 6
                if (0xD800..<0xDC00).contains(scalar) {
                    // A surrogate pair: the second half must follow as its own escape.
                    guard index + 1 < raw.count, raw[index] == UInt8(ascii: "\\"), raw[index + 1] == UInt8(ascii: "u"),
                          let low = hexQuad(raw, at: index + 2), (0xDC00..<0xE000).contains(low) else { return nil }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                guard let unicode = Unicode.Scalar(scalar) else { return nil }
                out.append(contentsOf: String(Character(unicode)).utf8)
                continue
            default: return nil
            }
            index += 2
        }
        return out
    }

    /// `value` as the inside of a JSON string literal: quotes, backslashes and control characters
    /// escaped, everything else as it is.
    static func encode(_ value: some Collection<UInt8>, into out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        for byte in value {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), byte]
            case 0x0A: out += Array("\\n".utf8)
            case 0x0D: out += Array("\\r".utf8)
            case 0x09: out += Array("\\t".utf8)
            case 0..<0x20: out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
    }

    private static func hexQuad(_ raw: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt32? {
        guard index + 4 <= raw.count else { return nil }
        var value: UInt32 = 0
        for byte in raw[index..<(index + 4)] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    /// The bytes JSON has outside strings besides spaces: punctuation, numbers, `true`, `false`, `null`.
    private static let outsideStrings: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in "{}[],:0123456789+-.eEtruefalsn".utf8 { table[Int(byte)] = true }
        return table
    }()
}
