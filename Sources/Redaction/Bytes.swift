/// A text's UTF-8 bytes with the few questions the scanner asks of them. Past the end reads as 0.
struct Bytes {
    let bytes: UnsafeBufferPointer<UInt8>

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var count: Int { bytes.count }

    func byte(_ index: Int) -> UInt8 { index < bytes.count ? bytes[index] : 0 }

    func has(_ prefix: [UInt8], at index: Int) -> Bool {
        guard index + prefix.count <= bytes.count else { return false }
        for offset in 0..<prefix.count where bytes[index + offset] != prefix[offset] { return false }
        return true
    }

    /// Where a run of `characters` starting at `index` ends, looking at most `max` bytes.
    func run(from index: Int, of characters: CharacterClass, max: Int) -> Int {
        var end = index
        let limit = Swift.min(bytes.count, index + max + 1)
        while end < limit && characters.contains(bytes[end]) { end += 1 }
        return end
    }

    /// Whether the byte at `index` is in `characters` (a secret that runs on is not the shape it looked like).
    func isBody(_ index: Int, _ characters: CharacterClass) -> Bool {
        index < bytes.count && characters.contains(bytes[index])
    }

    /// Whether a secret may begin at `index`: not in the middle of a word.
    func startsWord(at index: Int) -> Bool {
        index == 0 || !CharacterClass.alphanumeric.contains(bytes[index - 1])
    }

    func find(_ needle: [UInt8], from index: Int) -> Int? {
        guard let first = needle.first, needle.count <= bytes.count else { return nil }
        var at = index
        while at + needle.count <= bytes.count {
            if bytes[at] == first && has(needle, at: at) { return at }
            at += 1
        }
        return nil
    }
}

/// A set of ASCII bytes, as a 256-entry table.
struct CharacterClass: Sendable {
    private let members: [Bool]

    init(_ ranges: [ClosedRange<UInt8>], _ extra: String = "") {
        var members = [Bool](repeating: false, count: 256)
        for range in ranges { for byte in range { members[Int(byte)] = true } }
        for byte in extra.utf8 { members[Int(byte)] = true }
        self.members = members
    }

    func contains(_ byte: UInt8) -> Bool { members[Int(byte)] }

    static let upper = CharacterClass([UInt8(ascii: "A")...UInt8(ascii: "Z")])
    static let lower = CharacterClass([UInt8(ascii: "a")...UInt8(ascii: "z")])
    static let digit = CharacterClass([UInt8(ascii: "0")...UInt8(ascii: "9")])
    static let letter = CharacterClass([UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z")])
    static let alphanumeric = CharacterClass([UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                                              UInt8(ascii: "0")...UInt8(ascii: "9")])
    static let upperOrDigit = CharacterClass([UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9")])
    static let hex = CharacterClass([UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f")])
    static let word = CharacterClass([UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                                      UInt8(ascii: "0")...UInt8(ascii: "9")], "_")
    static let alphanumericOrDash = CharacterClass([UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                                                    UInt8(ascii: "0")...UInt8(ascii: "9")], "-")
    static let base64URL = CharacterClass([UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                                           UInt8(ascii: "0")...UInt8(ascii: "9")], "-_")
    static let path = CharacterClass([UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                                      UInt8(ascii: "0")...UInt8(ascii: "9")], "/_")
    /// What a PEM label holds before `PRIVATE KEY`: `RSA `, `EC `, `OPENSSH `, `ENCRYPTED `.
    static let pemLabel = CharacterClass([UInt8(ascii: "A")...UInt8(ascii: "Z")], " ")
    /// A secret value's characters: letters, digits and `+/=_.~-`.
    static let token = CharacterClass([UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                                       UInt8(ascii: "0")...UInt8(ascii: "9")], "+/=_.~-")
}
