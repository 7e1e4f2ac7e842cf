import MCP

/// A tool call's arguments, read with the checks the CLI makes; a wrong one is a `ToolError` whose
/// text says which argument and what it must be.
struct ToolArguments {
    let values: [String: Value]

    init(_ values: [String: Value]?) {
        self.values = values ?? [:]
    }

    func string(_ name: String) throws -> String? {
        guard let value = values[name], value != .null else { return nil }
        guard let text = value.stringValue else { throw ToolError("\(name) must be a string") }
        return text
    }

    func requiredString(_ name: String) throws -> String {
        guard let text = try string(name), !text.isEmpty else { throw ToolError("\(name) is required") }
        return text
    }

    /// A whole number in `range`, or `fallback` when absent.
    func int(_ name: String, in range: ClosedRange<Int>, default fallback: Int) throws -> Int {
        guard let value = values[name], value != .null else { return fallback }
        let number = value.intValue ?? value.doubleValue.flatMap { $0 == $0.rounded() ? Int(exactly: $0) : nil }
        guard let number, range.contains(number) else {
            throw ToolError("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// One string or a list of strings.
    func strings(_ name: String) throws -> [String] {
        guard let value = values[name], value != .null else { return [] }
        if let text = value.stringValue { return [text] }
        guard case .array(let items) = value, items.allSatisfy({ $0.stringValue != nil }) else {
            throw ToolError("\(name) must be a string or a list of strings")
        }
        return items.compactMap(\.stringValue)
    }
}

/// A tool call that cannot be answered, with the text the agent is shown (`isError: true`).
struct ToolError: Error {
    let message: String

    init(_ message: String) {
        self.message = message
    }
}
