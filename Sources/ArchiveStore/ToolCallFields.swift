/// The three fields `stats` reads of each tool call in a message's `tool_calls_json` — `callId`,
/// `toolName`, `status` — found by one pass over the UTF-8 bytes of the array: the folder's engine reads
/// them this way because SQLite's JSON functions parse each call again per field, which cost half of
/// `stats` at 1M messages (BENCHMARKS.md). A value that is not a string is given as its JSON text (as
/// SQLite's `json_extract` and PostgreSQL's `->>` give a number); `null` is nil. Text that is not a JSON
/// array of objects gives nil, and no call of it is counted.
enum ToolCallFields {
    struct Call: Equatable {
        var callID: String?
        var toolName: String?
        var status: String?
    }

    static func calls(in json: String) -> [Call]? {
        var json = json
        return json.withUTF8(calls(inUTF8:))
    }

    static func calls(inUTF8 bytes: UnsafeBufferPointer<UInt8>) -> [Call]? {
        var scanner = Scanner(bytes: bytes)
        return scanner.array()
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var at = 0

        mutating func array() -> [Call]? {
            skipSpace()
            guard take(UInt8(ascii: "[")) else { return nil }
            var calls: [Call] = []
            skipSpace()
            if take(UInt8(ascii: "]")) { return end() ? calls : nil }
            while true {
                guard let call = object() else { return nil }
                calls.append(call)
                skipSpace()
                if take(UInt8(ascii: ",")) { continue }
                guard take(UInt8(ascii: "]")) else { return nil }
                return end() ? calls : nil
            }
        }

        /// An object's three fields; every other member is skipped.
        mutating func object() -> Call? {
            skipSpace()
            guard take(UInt8(ascii: "{")) else { return nil }
            var call = Call()
            skipSpace()
            if take(UInt8(ascii: "}")) { return call }
            while true {
                skipSpace()
                guard let key = string() else { return nil }
                skipSpace()
                guard take(UInt8(ascii: ":")) else { return nil }
                skipSpace()
                switch key {
                case "callId", "toolName", "status":
                    let value = fieldText()
                    guard value.ok else { return nil }
                    switch key {
                    case "callId": call.callID = value.text
                    case "toolName": call.toolName = value.text
                    default: call.status = value.text
                    }
                default:
                    guard skipValue() else { return nil }
                }
                skipSpace()
                if take(UInt8(ascii: ",")) { continue }
                return take(UInt8(ascii: "}")) ? call : nil
            }
        }

        /// A member's value as text: a string decoded, `null` as nil, anything else as written; `ok` is
        /// false when the value is malformed.
        mutating func fieldText() -> (ok: Bool, text: String?) {
            guard at < bytes.count else { return (false, nil) }
            if bytes[at] == UInt8(ascii: "\"") {
                let text = string()
                return (text != nil, text)
            }
            let start = at
            guard skipValue() else { return (false, nil) }
            let raw = String(decoding: bytes[start..<at], as: UTF8.self)
            return (true, raw == "null" ? nil : raw)
        }

        mutating func skipValue() -> Bool {
            guard at < bytes.count else { return false }
            switch bytes[at] {
            case UInt8(ascii: "\""):
                return skipString()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                // Nested values: strings skipped whole, brackets counted.
                var depth = 0
                while at < bytes.count {
                    switch bytes[at] {
                    case UInt8(ascii: "\""):
                        guard skipString() else { return false }
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 { at += 1; return true }
                    default: break
                    }
                    at += 1
                }
                return false
            default:
                let start = at
                while at < bytes.count, !Self.ends(bytes[at]) { at += 1 }
                return at > start
            }
        }

        mutating func skipString() -> Bool {
            at += 1
            while at < bytes.count {
                switch bytes[at] {
                case UInt8(ascii: "\\"): at += 2
                case UInt8(ascii: "\""): at += 1; return true
                default: at += 1
                }
            }
            return false
        }

        /// A string, its escapes decoded (a lone surrogate becomes U+FFFD).
        mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = at
            var plain = true
            while at < bytes.count, bytes[at] != UInt8(ascii: "\"") {
                if bytes[at] == UInt8(ascii: "\\") { plain = false; at += 1 }
                at += 1
            }
            guard at < bytes.count else { return nil }
            let body = bytes[start..<at]
            at += 1
            return plain ? String(decoding: body, as: UTF8.self) : Self.unescape(body)
        }

        static func unescape(_ body: Slice<UnsafeBufferPointer<UInt8>>) -> String? {
            var out = String.UnicodeScalarView()
            var index = body.startIndex
            var pendingHigh: UInt32?
            var utf8: [UInt8] = []
            func flush() {
                if !utf8.isEmpty { out.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars); utf8 = [] }
            }
            while index < body.endIndex {
                let byte = body[index]
                guard byte == UInt8(ascii: "\\") else {
                    if pendingHigh != nil { out.append("\u{FFFD}"); pendingHigh = nil }
                    utf8.append(byte)
                    index += 1
                    continue
                }
                flush()
                guard index + 1 < body.endIndex else { return nil }
                let escape = body[index + 1]
                index += 2
                var scalar: UInt32?
                switch escape {
                case UInt8(ascii: "\""): scalar = 0x22
                case UInt8(ascii: "\\"): scalar = 0x5C
                case UInt8(ascii: "/"): scalar = 0x2F
                case UInt8(ascii: "b"): scalar = 0x08
                case UInt8(ascii: "f"): scalar = 0x0C
                case UInt8(ascii: "n"): scalar = 0x0A
                case UInt8(ascii: "r"): scalar = 0x0D
                case UInt8(ascii: "t"): scalar = 0x09
                case UInt8(ascii: "u"):
                    guard index + 4 <= body.endIndex, let value = UInt32(String(decoding: body[index..<index + 4], as: UTF8.self), radix: 16) else { return nil }
                    index += 4
                    if (0xD800..<0xDC00).contains(value) {
                        if pendingHigh != nil { out.append("\u{FFFD}") }
                        pendingHigh = value
                        continue
                    }
                    if (0xDC00..<0xE000).contains(value), let high = pendingHigh {
                        scalar = 0x10000 + ((high - 0xD800) << 10) + (value - 0xDC00)
                        pendingHigh = nil
                    } else {
                        scalar = value
                    }
                default:
                    return nil
                }
                if pendingHigh != nil { out.append("\u{FFFD}"); pendingHigh = nil }
                out.append(scalar.flatMap(Unicode.Scalar.init) ?? "\u{FFFD}")
            }
            flush()
            if pendingHigh != nil { out.append("\u{FFFD}") }
            return String(out)
        }

        mutating func skipSpace() {
            while at < bytes.count, Self.isSpace(bytes[at]) { at += 1 }
        }

        static func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard at < bytes.count, bytes[at] == byte else { return false }
            at += 1
            return true
        }

        mutating func end() -> Bool {
            skipSpace()
            return at == bytes.count
        }

        static func ends(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") || isSpace(byte)
        }
    }
}
