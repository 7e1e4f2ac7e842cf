import Foundation

/// Any JSON value, decoded without loss: every field the server sends is kept, known or not, and
/// numbers keep their source text, so the archive can store what was sent. `canonicalText` writes it
/// with sorted keys (stable for comparisons) and each number exactly as it arrived.
public enum JSONValue: Sendable, Equatable, Decodable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(JSONNumber(value)) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(JSONObject(try container.decode([String: JSONValue].self))) }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    public var string: String? { if case .string(let value) = self { value } else { nil } }
    public var bool: Bool? { if case .bool(let value) = self { value } else { nil } }
    public var int: Int? {
        if case .number(let value) = self { return value.int64.flatMap { Int(exactly: $0) } }
        return nil
    }
    public var int64: Int64? {
        if case .number(let value) = self { return value.int64 }
        return nil
    }
    public var array: [JSONValue]? { if case .array(let value) = self { value } else { nil } }
    public var isNull: Bool { self == .null }

    /// Compact JSON with object keys sorted.
    public var canonicalText: String {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The canonical text, or nil for a missing or null value.
    public static func text(_ value: JSONValue?) -> String? {
        guard let value, !value.isNull else { return nil }
        return value.canonicalText
    }

    private func write(to out: inout [UInt8]) {
        switch self {
        case .null: out += "null".utf8
        case .bool(let value): out += (value ? "true" : "false").utf8
        case .number(let value): out += value.text.utf8
        case .string(let value): Self.writeString(value, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            for (index, member) in object.canonicalMembers.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                member.value.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Appends `text` as a JSON string. Runs of bytes that need no escape are copied whole (the
    /// escaped ones are all ASCII, so a run always ends on a character boundary).
    private static func writeString(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            out.append(UInt8(ascii: "\""))
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                switch byte {
                case 0x22: out += "\\\"".utf8
                case 0x5C: out += "\\\\".utf8
                case 0x0A: out += "\\n".utf8
                case 0x0D: out += "\\r".utf8
                case 0x09: out += "\\t".utf8
                default:
                    out += "\\u00".utf8
                    out.append(hexDigits[Int(byte >> 4)])
                    out.append(hexDigits[Int(byte & 0xF)])
                }
                runStart = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
            out.append(UInt8(ascii: "\""))
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}

/// A JSON object's members in the order they arrived: cheaper to build than a dictionary, and an
/// object from the API has a handful of keys, so a look-up by scanning is quick. As with a dictionary,
/// a key that appears twice counts once, with its last value, and keys are `String`s, compared as such.
public struct JSONObject: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: JSONValue

        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    public private(set) var members: [Member]

    public init(_ members: [Member]) {
        self.members = members
    }

    public init(_ dictionary: [String: JSONValue]) {
        members = dictionary.map { Member(key: $0.key, value: $0.value) }
    }

    public subscript(key: String) -> JSONValue? {
        var index = members.endIndex
        while index > members.startIndex {
            index -= 1
            if members[index].key == key { return members[index].value }
        }
        return nil
    }

    /// The members as canonical text writes them: sorted by key, a repeated key's last value only.
    public var canonicalMembers: [Member] {
        if zip(members, members.dropFirst()).allSatisfy({ $0.key < $1.key }) { return members }
        // Sorted by key, then by position, so the last of a run of equal keys is the one that counts.
        let sorted = members.indices.sorted { members[$0].key != members[$1].key ? members[$0].key < members[$1].key : $0 < $1 }
        var out: [Member] = []
        out.reserveCapacity(sorted.count)
        for index in sorted {
            if let last = out.last, last.key == members[index].key { out[out.count - 1] = members[index] } else { out.append(members[index]) }
        }
        return out
    }

    /// Equal when they hold the same keys with equal values, whatever their order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.canonicalMembers == rhs.canonicalMembers
    }
}
