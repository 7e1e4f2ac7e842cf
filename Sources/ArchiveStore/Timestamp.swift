public import Foundation

/// The archive's one timestamp format: ISO-8601 UTC with milliseconds, as the API sends them
/// (`2026-01-26T15:50:54.870Z`). Fixed width, so comparing the text compares the times.
public enum Timestamp {
    /// Formats a date in the canonical form.
    public static func string(from date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(millis >= 0 ? millis / 1000 : (millis - 999) / 1000)
        let ms = Int(millis - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
            Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), ms)
    }

    /// Returns the canonical form of an ISO-8601 timestamp, or nil if the text is not one.
    /// Already-canonical text is returned as it is, without parsing (the common case).
    public static func canonical(_ text: String) -> String? {
        if isCanonical(text) { return text }
        guard let date = parse(text) else { return nil }
        return string(from: date)
    }

    /// Parses ISO-8601 with or without fractional seconds and with `Z` or an offset.
    public static func parse(_ text: String) -> Date? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = withFraction.date(from: text) { return date }
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        return plain.date(from: text)
    }

    /// Seconds since 1970 of a timestamp: canonical text is read digit by digit, in place (`replay`
    /// reads one per event and `stats` three per task, and a date formatter or an array per call cost
    /// more than the rest of either); other ISO-8601 text is parsed.
    public static func seconds(_ text: String) -> Double? {
        var text = text
        return text.withUTF8(canonicalSeconds) ?? parse(text)?.timeIntervalSince1970
    }

    /// Seconds since 1970 of canonical text given as its UTF-8 bytes; nil for any other text.
    static func canonicalSeconds(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard bytes.count == 24 else { return nil }
        for index in 0..<24 {
            let byte = bytes[index]
            switch index {
            case 4, 7: guard byte == UInt8(ascii: "-") else { return nil }
            case 10: guard byte == UInt8(ascii: "T") else { return nil }
            case 13, 16: guard byte == UInt8(ascii: ":") else { return nil }
            case 19: guard byte == UInt8(ascii: ".") else { return nil }
            case 23: guard byte == UInt8(ascii: "Z") else { return nil }
            default: guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            }
        }
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(bytes[$1]) - 48 } }
        let (year, month, day) = (number(0..<4), number(5..<7), number(8..<10))
        // Days from 1970-01-01 to the date (the proleptic Gregorian calendar, years counted from March).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = days * 86_400 + number(11..<13) * 3_600 + number(14..<16) * 60 + number(17..<19)
        return Double(seconds) + Double(number(20..<23)) / 1_000
    }

    static func isCanonical(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 24 else { return false }
        let shape = Array("0000-00-00T00:00:00.000Z".utf8)
        for (byte, expected) in zip(bytes, shape) {
            if expected == UInt8(ascii: "0") {
                guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return false }
            } else if byte != expected {
                return false
            }
        }
        return true
    }
}
