/// Archive text made safe for a page: every character that could open markup is escaped, and the
/// Unicode controls that reorder text (the "Trojan Source" bidi overrides and isolates) are shown as
/// visible codes instead of silently reversing what follows them.
enum HTML {
    /// Text for element content and quoted attribute values.
    static func escape(_ text: String) -> String {
        // Most text has nothing to escape (checked on UTF-8: the five ASCII characters, and 0xE2, the
        // lead byte of every reordering control): it is returned as it is.
        if !text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 || $0 == 0xE2 }) {
            return text
        }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                if isReordering(scalar) { out += visible(scalar) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// The same text with reordering controls made visible, for input that another renderer escapes.
    static func withVisibleControls(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isReordering) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isReordering(scalar) { out.append(contentsOf: visible(scalar).unicodeScalars) } else { out.append(scalar) }
        }
        return String(out)
    }

    /// Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
    static func isReordering(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }

    private static func visible(_ scalar: Unicode.Scalar) -> String {
        "[U+" + String(scalar.value, radix: 16, uppercase: true) + "]"
    }

    /// A path segment or query value for a URL we write into a page.
    static func urlComponent(_ text: String) -> String {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
        var out = ""
        for byte in text.utf8 {
            if allowed.contains(byte) {
                out.append(Character(Unicode.Scalar(byte)))
            } else {
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }

    /// An artifact path as URL path segments: each segment encoded, the slashes kept.
    static func urlPath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { urlComponent(String($0)) }.joined(separator: "/")
    }
}
