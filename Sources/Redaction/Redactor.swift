/// What `redact` removes: secrets by the rules (`SecretRule`), and texts a person names. A JSON object
/// or array is read string by string (`JSONStrings`), so that what is written back is still that JSON
/// and a secret behind an escape is found; any other text is read as it is. Pure: no I/O, no clock.
public struct Redactor: Sendable {
    /// Whether the rules' secrets are found.
    public let secrets: Bool
    /// The texts a person named, as UTF-8.
    let literals: [[UInt8]]

    public init(secrets: Bool, literals: [String] = []) {
        self.secrets = secrets
        self.literals = literals.map { Array($0.utf8) }.filter { !$0.isEmpty }
    }

    /// Finds nothing: neither rules nor texts.
    public var isInert: Bool { !secrets && literals.isEmpty }

    /// What is found in `text`, in order (within a JSON text, ranges are within each string's value).
    public func findings(in text: String) -> [SecretFinding] {
        process(text, rewrite: false).findings
    }

    /// `text` with each finding replaced by `[REDACTED:rule:fingerprint]`; JSON stays JSON.
    public func redact(_ text: String) -> (text: String, findings: [SecretFinding]) {
        process(text, rewrite: true)
    }

    /// A stored file's bytes: text (valid UTF-8 without NUL) is redacted like any text; a binary file
    /// is only searched, since its bytes cannot be rewritten without breaking it.
    public func redact(file bytes: [UInt8]) -> FileRedaction {
        let isText = !bytes.contains(0) && String(validating: bytes, as: UTF8.self) != nil
        guard isText else {
            let found = bytes.withUnsafeBufferPointer { find(in: $0, name: nil) }
            return found.isEmpty ? .unchanged : .binary(found)
        }
        let (text, found) = redact(String(decoding: bytes, as: UTF8.self))
        return found.isEmpty ? .unchanged : .text(Array(text.utf8), found)
    }

    public enum FileRedaction: Sendable, Equatable {
        case unchanged
        /// The file's new bytes, with what was replaced.
        case text([UInt8], [SecretFinding])
        /// A binary file holding these: dropped, not rewritten.
        case binary([SecretFinding])
    }

    // MARK: Finding

    private func process(_ text: String, rewrite: Bool) -> (text: String, findings: [SecretFinding]) {
        guard !isInert else { return (text, []) }
        var text = text
        return text.withUTF8 { bytes in
            if let literals = JSONStrings.literals(bytes), let done = processJSON(bytes, literals, rewrite: rewrite) {
                return done
            }
            let found = find(in: bytes, name: nil)
            guard rewrite, !found.isEmpty else { return (rewrite ? String(decoding: bytes, as: UTF8.self) : "", found) }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            Self.replace(bytes, found, into: &out)
            return (String(decoding: out, as: UTF8.self), found)
        }
    }

    /// Each string's value searched on its own; nil when a string holds an escape JSON does not have
    /// (then the text is read as plain text).
    private func processJSON(_ bytes: UnsafeBufferPointer<UInt8>, _ literals: [JSONStrings.Literal],
                             rewrite: Bool) -> (text: String, findings: [SecretFinding])? {
        var all: [SecretFinding] = []
        var out: [UInt8] = []
        var copied = 0
        for literal in literals {
            let raw = UnsafeBufferPointer(rebasing: bytes[literal.range])
            let name = literal.name.map { UnsafeBufferPointer(rebasing: bytes[$0]) }
            let decoded: [UInt8]?
            if literal.hasEscapes {
                guard let value = JSONStrings.decode(raw) else { return nil }
                decoded = value
            } else {
                decoded = nil
            }
            let found = decoded.map { value in value.withUnsafeBufferPointer { find(in: $0, name: name) } } ?? find(in: raw, name: name)
            guard !found.isEmpty else { continue }
            all += found
            guard rewrite else { continue }
            if out.isEmpty { out.reserveCapacity(bytes.count) }
            out += bytes[copied..<literal.range.lowerBound]
            var value: [UInt8] = []
            if let decoded {
                decoded.withUnsafeBufferPointer { Self.replace($0, found, into: &value) }
            } else {
                Self.replace(raw, found, into: &value)
            }
            JSONStrings.encode(value, into: &out)
            copied = literal.range.upperBound
        }
        guard rewrite else { return ("", all) }
        guard !all.isEmpty else { return (String(decoding: bytes, as: UTF8.self), []) }
        out += bytes[copied...]
        return (String(decoding: out, as: UTF8.self), all)
    }

    /// The findings in `bytes` read as plain text (never as JSON), for text joined from pieces.
    func plainFindings(in bytes: UnsafeBufferPointer<UInt8>) -> [SecretFinding] {
        find(in: bytes, name: nil)
    }

    /// The findings in `bytes`, in order and never overlapping. `name`: the JSON member name whose
    /// value these bytes are, so that `"client_secret": "…"` is an assignment as `client_secret=…` is.
    private func find(in bytes: UnsafeBufferPointer<UInt8>, name: UnsafeBufferPointer<UInt8>?) -> [SecretFinding] {
        var found = secrets ? SecretScanner.scan(bytes) : []
        if secrets, let name, SecretScanner.endsInSecretWord(Bytes(name), 0..<name.count),
           SecretScanner.shaped(Bytes(bytes), at: 0) == nil,
           let value = SecretScanner.assignedValue(Bytes(bytes), from: 0),
           !found.contains(where: { $0.range.overlaps(value) }) {
            found.insert(SecretFinding(rule: .assignment, range: value, fingerprint: SecretScanner.fingerprint(bytes[value])), at: 0)
        }
        guard !literals.isEmpty else { return found }
        let text = Bytes(bytes)
        for literal in literals {
            var from = 0
            while let at = text.find(literal, from: from) {
                let range = at..<(at + literal.count)
                found.append(SecretFinding(rule: .literal, range: range, fingerprint: SecretScanner.fingerprint(bytes[range])))
                from = range.upperBound
            }
        }
        // Rules and texts may overlap: the one that starts first (then the longer) wins.
        found.sort { ($0.range.lowerBound, -$0.range.count) < ($1.range.lowerBound, -$1.range.count) }
        var kept: [SecretFinding] = []
        for finding in found where kept.last.map({ $0.range.upperBound <= finding.range.lowerBound }) ?? true {
            kept.append(finding)
        }
        return kept
    }

    private static func replace(_ bytes: UnsafeBufferPointer<UInt8>, _ found: [SecretFinding], into out: inout [UInt8]) {
        var at = 0
        for finding in found {
            out += bytes[at..<finding.range.lowerBound]
            out += finding.replacement.utf8
            at = finding.range.upperBound
        }
        out += bytes[at...]
    }
}
