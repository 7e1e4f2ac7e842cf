import Crypto

/// Finds secrets in text in one pass over its UTF-8 bytes. Only positions whose two bytes can begin a
/// secret (`AK`, `gh`, `sk`, `ey`, `--`…) or that hold an assignment's `=` or `:` are looked at
/// further (`triggerPairs`), so scanning keeps up with reading (BENCHMARKS.md, `redact --scan`).
/// Pure: no I/O, no clock.
public enum SecretScanner {
    /// The secrets in `text`, in order, never overlapping.
    public static func findings(in text: String) -> [SecretFinding] {
        var text = text
        return text.withUTF8 { scan($0) }
    }

    /// `text` with every secret replaced by its `replacement`, and what was replaced.
    public static func redact(_ text: String) -> (text: String, findings: [SecretFinding]) {
        var text = text
        return text.withUTF8 { bytes in
            let found = scan(bytes)
            guard !found.isEmpty else { return (String(decoding: bytes, as: UTF8.self), []) }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var at = 0
            for finding in found {
                out.append(contentsOf: bytes[at..<finding.range.lowerBound])
                out.append(contentsOf: finding.replacement.utf8)
                at = finding.range.upperBound
            }
            out.append(contentsOf: bytes[at...])
            return (String(decoding: out, as: UTF8.self), found)
        }
    }

    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> [SecretFinding] {
        var found: [SecretFinding] = []
        var index = 0
        let count = bytes.count
        // The table is read through a local pointer: a static read in the loop costs a lazy-init check
        // per byte, which was a fifth of a scan.
        triggerPairs.withUnsafeBufferPointer { pairs in
            while index < count {
                let next = index + 1 < count ? bytes[index + 1] : 0
                guard pairs[Int(bytes[index]) << 8 | Int(next)] else {
                    index += 1
                    continue
                }
                if let (rule, range) = match(bytes, at: index) {
                    found.append(SecretFinding(rule: rule, range: range, fingerprint: fingerprint(bytes[range])))
                    index = max(range.upperBound, index + 1)
                } else {
                    index += 1
                }
            }
        }
        return found
    }

    /// The secret beginning at `index` (for an assignment, the value after the `=` or `:` there).
    static func match(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (SecretRule, Range<Int>)? {
        let text = Bytes(bytes)
        switch bytes[index] {
        case UInt8(ascii: "="), UInt8(ascii: ":"):
            // A value of a known shape is found under its own rule, when the scan reaches it.
            guard let value = assignment(text, at: index), shaped(text, at: value.lowerBound) == nil else { return nil }
            return (.assignment, value)
        case UInt8(ascii: "-"):
            return privateKey(text, at: index).map { (.privateKey, $0) }
        default:
            return shaped(text, at: index)
        }
    }

    /// A secret of a vendor's shape, or a JWT, beginning at `index`.
    static func shaped(_ text: Bytes, at index: Int) -> (SecretRule, Range<Int>)? {
        guard text.startsWord(at: index) else { return nil }
        for shape in shapesByFirstByte[Int(text.bytes[index])] where text.has(shape.prefix, at: index) {
            let end = text.run(from: index + shape.prefix.count, of: shape.body, max: shape.length.upperBound)
            let length = end - index - shape.prefix.count
            guard shape.length.contains(length), !text.isBody(end, shape.body) else { continue }
            return (shape.rule, index..<end)
        }
        if text.has(jwtStart, at: index) { return jwt(text, at: index).map { (.jwt, $0) } }
        return nil
    }

    static let jwtStart = Array("eyJ".utf8)

    // MARK: The rules' shapes

    struct Shape {
        let rule: SecretRule
        let prefix: [UInt8]
        let body: CharacterClass
        let length: ClosedRange<Int>

        init(_ rule: SecretRule, _ prefix: String, _ body: CharacterClass, _ length: ClosedRange<Int>) {
            (self.rule, self.prefix, self.body, self.length) = (rule, Array(prefix.utf8), body, length)
        }
    }

    static let shapes: [Shape] = [
        Shape(.sigmicAPIKey, "sigmic_", .hex, 64...64),
        Shape(.awsAccessKeyID, "AKIA", .upperOrDigit, 16...16),
        Shape(.awsAccessKeyID, "ASIA", .upperOrDigit, 16...16),
        Shape(.githubToken, "github_pat_", .word, 82...82),
    ] + ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"].map { Shape(.githubToken, $0, .alphanumeric, 36...36) }
      + ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"].map { Shape(.slackToken, $0, .alphanumericOrDash, 10...255) }
      + [Shape(.slackWebhook, "https://hooks.slack.com/services/", .path, 20...255)]
      + ["sk_live_", "rk_live_", "sk_test_", "rk_test_"].map { Shape(.stripeKey, $0, .alphanumeric, 24...255) }
      + [Shape(.googleAPIKey, "AIza", .base64URL, 35...35)]
      + ["sk-proj-", "sk-svcacct-", "sk-ant-"].map { Shape(.aiProviderKey, $0, .base64URL, 32...255) }

    /// The shapes a byte can begin, so that an `e` or an `s` in prose is checked against two or three
    /// prefixes rather than every rule's.
    static let shapesByFirstByte: [[Shape]] = (0..<256).map { byte in shapes.filter { $0.prefix.first == UInt8(byte) } }

    /// Header and payload start `eyJ` (`{"` in base64url); each part is at least 10 characters.
    static func jwt(_ text: Bytes, at index: Int) -> Range<Int>? {
        let headerEnd = text.run(from: index, of: .base64URL, max: 4096)
        guard headerEnd - index >= 10, text.byte(headerEnd) == UInt8(ascii: "."),
              text.has(jwtStart, at: headerEnd + 1) else { return nil }
        let payloadEnd = text.run(from: headerEnd + 1, of: .base64URL, max: 65536)
        guard payloadEnd - headerEnd - 1 >= 10, text.byte(payloadEnd) == UInt8(ascii: ".") else { return nil }
        let signatureEnd = text.run(from: payloadEnd + 1, of: .base64URL, max: 4096)
        guard signatureEnd - payloadEnd - 1 >= 10 else { return nil }
        return index..<signatureEnd
    }

    /// `-----BEGIN [ALGORITHM ]PRIVATE KEY-----` to its END line, or to the text's end if it has none
    /// (a key cut short is still a key).
    static func privateKey(_ text: Bytes, at index: Int) -> Range<Int>? {
        let begin = Array("-----BEGIN ".utf8)
        guard text.has(begin, at: index) else { return nil }
        let label = text.run(from: index + begin.count, of: .pemLabel, max: 40)
        let tail = Array("PRIVATE KEY-----".utf8)
        guard label - index - begin.count >= tail.count - 5,
              text.bytes[(label - (tail.count - 5))..<label].elementsEqual("PRIVATE KEY".utf8),
              text.has(Array("-----".utf8), at: label) else { return nil }
        guard let end = text.find(Array("-----END ".utf8), from: label + 5),
              let close = text.find(tail, from: end) else { return index..<text.count }
        return index..<(close + tail.count)
    }

    /// The value assigned at the `=` or `:` at `index` to a name ending in key, token, secret, password
    /// or passwd as a word of its own (`API_KEY`, `apiKey`, `"client_secret"`; not `monkey`,
    /// `MAX_TOKENS`).
    static func assignment(_ text: Bytes, at index: Int) -> Range<Int>? {
        var nameEnd = index
        while nameEnd > 0 && text.bytes[nameEnd - 1] == UInt8(ascii: " ") && index - nameEnd < 2 { nameEnd -= 1 }
        if nameEnd > 0 && (text.bytes[nameEnd - 1] == UInt8(ascii: "\"") || text.bytes[nameEnd - 1] == UInt8(ascii: "'")) { nameEnd -= 1 }
        var nameStart = nameEnd
        while nameStart > 0 && CharacterClass.word.contains(text.bytes[nameStart - 1]) && nameEnd - nameStart < 128 { nameStart -= 1 }
        guard nameEnd > nameStart, endsInSecretWord(text, nameStart..<nameEnd) else { return nil }
        var valueStart = index + 1
        while text.byte(valueStart) == UInt8(ascii: " ") && valueStart - index <= 2 { valueStart += 1 }
        if text.byte(valueStart) == UInt8(ascii: "\"") || text.byte(valueStart) == UInt8(ascii: "'") { valueStart += 1 }
        return assignedValue(text, from: valueStart)
    }

    /// The secret value starting at `valueStart` of a name that ends in a secret word: 16 or more token
    /// characters, with a letter and a digit among them.
    static func assignedValue(_ text: Bytes, from valueStart: Int) -> Range<Int>? {
        let valueEnd = text.run(from: valueStart, of: .token, max: 512)
        let value = text.bytes[valueStart..<valueEnd]
        guard value.count >= 16, value.count < 512, !text.isBody(valueEnd, .token),
              value.contains(where: CharacterClass.digit.contains), value.contains(where: CharacterClass.letter.contains) else { return nil }
        return valueStart..<valueEnd
    }

    static let secretWords = ["key", "token", "secret", "password", "passwd"].map { Array($0.utf8) }

    static func endsInSecretWord(_ text: Bytes, _ name: Range<Int>) -> Bool {
        for word in secretWords where name.count >= word.count {
            let start = name.upperBound - word.count
            guard zip(text.bytes[start..<name.upperBound], word).allSatisfy({ $0 | 0x20 == $1 }) else { continue }
            // A word of its own: the name's start, after a separator, or a camelCase capital.
            if start == name.lowerBound { return true }
            let before = text.bytes[start - 1]
            if before == UInt8(ascii: "_") || before == UInt8(ascii: "-") || before == UInt8(ascii: ".") { return true }
            if CharacterClass.upper.contains(text.bytes[start]) && CharacterClass.lower.contains(before) { return true }
        }
        return false
    }

    static func fingerprint(_ secret: Slice<UnsafeBufferPointer<UInt8>>) -> String {
        let digest = SHA256.hash(data: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: secret)))
        return digest.prefix(4).map { byte in
            let hex = Array("0123456789abcdef".utf8)
            return String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], as: UTF8.self)
        }.joined()
    }

    /// The two bytes (this one and the next, as `first << 8 | second`) with which a secret can begin,
    /// or an assignment's `=` or `:` with anything after it. In prose only a few positions in a
    /// hundred pass, so the rules' own checks seldom run.
    static let triggerPairs: [Bool] = {
        var pairs = [Bool](repeating: false, count: 1 << 16)
        let starts = shapes.map(\.prefix) + [jwtStart, Array("-----BEGIN ".utf8)]
        for start in starts { pairs[Int(start[0]) << 8 | Int(start[1])] = true }
        for byte in [UInt8(ascii: "="), UInt8(ascii: ":")] {
            for second in 0..<256 { pairs[Int(byte) << 8 | second] = true }
        }
        return pairs
    }()
}
