import ArgumentParser

/// Range checks for number options, so `inf`, `nan`, `1e19` or a negative value is one line naming the
/// option and what it takes, never a trap when the value is later made a `Duration` or an integer.
enum NumberOption {
    /// A week: the longest wait or interval any command takes.
    static let week = 7.0 * 24 * 3600

    /// Checks that `value` is a finite number within `range`; `unit` names what it counts ("seconds").
    static func check(_ value: Double, option: String, in range: ClosedRange<Double>, unit: String) throws {
        guard value.isFinite, range.contains(value) else {
            throw ValidationError("\(option) takes \(unit) from \(format(range.lowerBound)) to \(format(range.upperBound)); got \(format(value))")
        }
    }

    static func format(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        if value > 0, value < 1e-6 { return "more than 0" }
        return "\(value)"
    }
}
