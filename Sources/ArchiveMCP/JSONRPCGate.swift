package import Foundation

/// What the MCP SDK would answer wrongly, or not at all, answered here per JSON-RPC 2.0
/// (https://www.jsonrpc.org/specification#error_object) before a line reaches it:
///
/// - a line that is not JSON: -32700 with `id: null` (the SDK sent nothing);
/// - an `id` that is not a string, a number or null: -32600 with `id: null` (the SDK made up an id);
/// - a request whose method needs params, without an object of them: -32602 (the SDK said -32603).
///
/// Everything else goes on to the SDK. Pure, so every case is a table test.
package enum JSONRPCGate {
    package enum Verdict: Equatable {
        case forward
        case answer(Data)
    }

    /// Methods whose params are required (the MCP schema's).
    static let needParams: Set<String> = ["initialize", "tools/call", "resources/read", "resources/subscribe",
                                          "resources/unsubscribe", "prompts/get", "completion/complete", "logging/setLevel"]

    package static func check(_ line: Data) -> Verdict {
        guard let parsed = try? JSONSerialization.jsonObject(with: line, options: [.fragmentsAllowed]) else {
            return .answer(error(id: nil, code: -32700, "Parse error: the message is not JSON"))
        }
        guard let message = parsed as? [String: Any] else {
            // A batch goes to the SDK; any other value is no request at all.
            return parsed is [Any] ? .forward : .answer(error(id: nil, code: -32600, "Invalid Request: a message is a JSON object"))
        }
        var id: Any?
        if let given = message["id"] {
            guard given is String || given is NSNull || (given is NSNumber && !isBool(given)) else {
                return .answer(error(id: nil, code: -32600, "Invalid Request: id must be a string, a number or null"))
            }
            id = given
        }
        if let id, let method = message["method"] as? String, needParams.contains(method), !(message["params"] is [String: Any]) {
            return .answer(error(id: id, code: -32602, "Invalid params: \(method.prefix(64)) needs an object of params"))
        }
        return .forward
    }

    /// The answer to a line too long to read.
    static let tooLong = error(id: nil, code: -32600, "Invalid Request: the message is longer than \(LineReader.standardLimit >> 20) MiB")

    static func error(id: Any?, code: Int, _ message: String) -> Data {
        let object: [String: Any] = ["jsonrpc": "2.0", "id": id ?? NSNull(), "error": ["code": code, "message": message]]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }

    /// JSON's true and false arrive as NSNumber too; their type code is `c`.
    private static func isBool(_ value: Any) -> Bool {
        (value as? NSNumber).map { String(cString: $0.objCType) == "c" } ?? false
    }
}
