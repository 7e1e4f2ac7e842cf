/// Text that arrived in pieces — a stream's `content` events, `{"text": "…", "isPartial": …}`, whose
/// texts joined make the reply. A secret the server happened to split between two pieces is in neither
/// piece alone, so each piece read by itself would keep its half. Here the pieces are read joined: a
/// secret that spans pieces gets its replacement in the first piece it touches, and its other parts are
/// cut from the rest. Pure: no I/O.
public enum StreamedText {
    /// The new data of each piece that held part of a secret spanning pieces (nil: unchanged), and the
    /// secrets found so. Secrets wholly inside one piece are left to the piece's own redaction. A piece
    /// without a string member `text` (not a content event) takes no part.
    public static func redactAcrossPieces(_ pieces: [String], with redactor: Redactor) -> (data: [String?], findings: [SecretFinding]) {
        var values: [[UInt8]?] = []
        var joined: [UInt8] = []
        var starts: [Int] = []
        for piece in pieces {
            let value = textValue(of: piece)
            starts.append(joined.count)
            values.append(value?.value)
            joined += value?.value ?? []
        }
        let found = joined.withUnsafeBufferPointer { redactor.plainFindings(in: $0) }.filter { finding in
            pieceIndex(at: finding.range.lowerBound, starts, values) != pieceIndex(at: finding.range.upperBound - 1, starts, values)
        }
        guard !found.isEmpty else { return (Array(repeating: nil, count: pieces.count), []) }
        // Each piece's value, with the parts of spanning secrets replaced or cut.
        var edits: [[(range: Range<Int>, with: [UInt8])]] = Array(repeating: [], count: pieces.count)
        for finding in found {
            var first = true
            for (index, start) in starts.enumerated() {
                guard let value = values[index], !value.isEmpty else { continue }
                let overlap = max(finding.range.lowerBound, start)..<min(finding.range.upperBound, start + value.count)
                guard !overlap.isEmpty else { continue }
                edits[index].append(((overlap.lowerBound - start)..<(overlap.upperBound - start), first ? Array(finding.replacement.utf8) : []))
                first = false
            }
        }
        var data: [String?] = Array(repeating: nil, count: pieces.count)
        for (index, pieceEdits) in edits.enumerated() where !pieceEdits.isEmpty {
            guard let value = values[index], let location = textValue(of: pieces[index])?.literal else { continue }
            var edited: [UInt8] = []
            var at = 0
            for edit in pieceEdits {
                edited += value[at..<edit.range.lowerBound] + edit.with
                at = edit.range.upperBound
            }
            edited += value[at...]
            var bytes = Array(pieces[index].utf8)
            var literal: [UInt8] = []
            JSONStrings.encode(edited, into: &literal)
            bytes.replaceSubrange(location, with: literal)
            data[index] = String(decoding: bytes, as: UTF8.self)
        }
        return (data, found)
    }

    /// The piece whose text holds the joined text's byte at `offset`.
    private static func pieceIndex(at offset: Int, _ starts: [Int], _ values: [[UInt8]?]) -> Int {
        var index = 0
        for (candidate, start) in starts.enumerated() where start <= offset && !(values[candidate] ?? []).isEmpty { index = candidate }
        return index
    }

    /// The decoded `text` member of a content event's data, with where its literal sits in the data.
    static func textValue(of data: String) -> (value: [UInt8], literal: Range<Int>)? {
        var data = data
        return data.withUTF8 { bytes in
            guard let literals = JSONStrings.literals(bytes) else { return nil }
            for literal in literals {
                guard let name = literal.name, bytes[name].elementsEqual("text".utf8) else { continue }
                let raw = UnsafeBufferPointer(rebasing: bytes[literal.range])
                guard let value = literal.hasEscapes ? JSONStrings.decode(raw) : Array(raw) else { return nil }
                return (value, literal.range)
            }
            return nil
        }
    }
}
