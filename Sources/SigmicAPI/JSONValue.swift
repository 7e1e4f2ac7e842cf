import Foundation

/// Any JSON value, decoded without loss: every field the server sends is kept, known or not, so the
/// archive can store it. `canonicalText` re-encodes it with sorted keys (stable for comparisons).
public enum JSONValue: Sendable, Equatable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var string: String? { if case .string(let value) = self { value } else { nil } }
    public var bool: Bool? { if case .bool(let value) = self { value } else { nil } }
    public var int: Int? {
        if case .number(let value) = self, let int = Int(exactly: value) { return int }
        return nil
    }
    public var int64: Int64? {
        if case .number(let value) = self, let int = Int64(exactly: value) { return int }
        return nil
    }
    public var array: [JSONValue]? { if case .array(let value) = self { value } else { nil } }
    public var isNull: Bool { self == .null }

    /// Compact JSON with object keys sorted.
    public var canonicalText: String {
        var out = ""
        write(to: &out)
        return out
    }

    /// The canonical text, or nil for a missing or null value.
    public static func text(_ value: JSONValue?) -> String? {
        guard let value, !value.isNull else { return nil }
        return value.canonicalText
    }

    private func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .number(let value):
            if let int = Int64(exactly: value), abs(value) < 9_007_199_254_740_992 { out += String(int) }
            else if value.isFinite { out += "\(value)" }
            else { out += "null" }
        case .string(let value): Self.writeString(value, to: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                Self.writeString(key, to: &out)
                out += ":"
                members[key]!.write(to: &out)
            }
            out += "}"
        }
    }

    /// Appends `text` as a JSON string. Runs of characters that need no escape are copied whole (the
    /// escaped ones are all ASCII, so a run always ends on a character boundary).
    private static func writeString(_ text: String, to out: inout String) {
        out += "\""
        let bytes = text.utf8
        var runStart = bytes.startIndex
        var index = runStart
        while index != bytes.endIndex {
            let byte = bytes[index]
            guard byte < 0x20 || byte == 0x22 || byte == 0x5C else {
                index = bytes.index(after: index)
                continue
            }
            out.append(contentsOf: text[runStart..<index])
            switch byte {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            default:
                out += "\\u00"
                out.unicodeScalars.append(hexDigits[Int(byte >> 4)])
                out.unicodeScalars.append(hexDigits[Int(byte & 0xF)])
            }
            index = bytes.index(after: index)
            runStart = index
        }
        out.append(contentsOf: text[runStart..<bytes.endIndex])
        out += "\""
    }

    private static let hexDigits: [Unicode.Scalar] = Array("0123456789abcdef".unicodeScalars)
}
