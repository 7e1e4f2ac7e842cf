import Foundation

/// An error answer never carries a huge input back: the SDK puts an unknown method's name in its
/// message and again in its data, so a 3 MB method name came back twice. An error answer longer than
/// `limit` keeps its code and id, its message cut to 200 characters, and loses its data.
enum ErrorEcho {
    static let limit = 4096

    static func trimmed(_ data: Data) -> Data {
        guard data.count > limit, data.range(of: Data(#""error":{"#.utf8)) != nil,
              var object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              var error = object["error"] as? [String: Any] else { return data }
        let message = error["message"] as? String ?? ""
        error["message"] = message.count > 200 ? String(message.prefix(200)) + "…" : message
        error["data"] = nil
        object["error"] = error
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? data
    }
}
