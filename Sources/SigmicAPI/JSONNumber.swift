/// A JSON number as the server wrote it. The archive keeps what was sent, so the text is never
/// re-encoded: `9223372036854775807`, `1e400`, `-0`, `1.0` and `0.1000000000000000055` each come back
/// exactly as they arrived, where a round trip through `Double` would round, overflow or reformat them.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
    /// The number's source text; always valid by RFC 8259's number grammar.
    public let text: String

    /// `text` if it is a JSON number (RFC 8259 §6: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`).
    public init?(text: String) {
        guard Self.isValid(Array(text.utf8)[...]) else { return nil }
        self.text = text
    }

    init(validated text: String) {
        self.text = text
    }

    public init(integerLiteral value: Int64) {
        text = String(value)
    }

    public init(floatLiteral value: Double) {
        self.init(value)
    }

    /// The shortest text that reads back as `value`; integral values below 2^53 without a fraction.
    /// JSON has no infinity or NaN, so those become `0` (a value from the wire is never one of them).
    public init(_ value: Double) {
        if let int = Int64(exactly: value), abs(value) < 9_007_199_254_740_992 {
            text = String(int)
        } else {
            text = value.isFinite ? "\(value)" : "0"
        }
    }

    /// The nearest `Double` (±infinity past its range).
    public var double: Double { Double(text) ?? .nan }

    /// The value as an integer, when it is one and fits: `3`, `3.0` and `3e0` alike (a form other
    /// than plain digits only below 2^53, where a `Double` holds every integer exactly).
    public var int64: Int64? {
        if let exact = Int64(text) { return exact }
        let value = double
        return abs(value) < 9_007_199_254_740_992 ? Int64(exactly: value) : nil
    }

    public var description: String { text }

    /// Two numbers are equal when their texts are, or when they read as the same `Double` (`1.0`
    /// and `1`, `3e2` and `300`): equality compares values, while the text is what gets stored.
    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        lhs.text == rhs.text || lhs.double == rhs.double
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(double)
    }

    /// Checks `bytes` against RFC 8259's number grammar.
    static func isValid(_ bytes: ArraySlice<UInt8>) -> Bool {
        var index = bytes.startIndex
        func digits() -> Int {
            let start = index
            while index < bytes.endIndex, (0x30...0x39).contains(bytes[index]) { index += 1 }
            return index - start
        }
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.endIndex else { return false }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if digits() == 0 {
            return false
        }
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return false }
        }
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.endIndex, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { return false }
        }
        return index == bytes.endIndex
    }
}
