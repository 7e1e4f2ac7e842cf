import Foundation

/// What a request path asks for. Parsed from the raw (still percent-encoded) path, so an encoded
/// slash in a task id cannot pose as a separator; an artifact path is decoded once and is only ever
/// compared with the task's stored paths, never joined to a file-system path.
package enum WebRoute: Equatable, Sendable {
    case taskList
    case search
    /// The search results alone, for search as you type.
    case searchResults
    case task(id: String)
    case artifact(taskID: String, path: String)
    case apiTasks
    case apiTask(id: String)
    /// The task's recorded events as a replay (`replay --json`), for the task page's player.
    case apiTaskEvents(id: String)
    case apiSearch
    /// `stats` drawn: charts with their tables.
    case insights
    /// `stats --json`.
    case apiInsights
    case asset(WebAssets.Name)

    package static func parse(_ rawPath: String) -> WebRoute? {
        let segments = rawPath.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        switch segments.count {
        case 0: return nil
        default: break
        }
        switch (segments[0], segments.count) {
        case ("", 1): return .taskList
        case ("search", 1): return .search
        case ("insights", 1): return .insights
        case ("api", 2) where segments[1] == "insights": return .apiInsights
        case ("search", 2) where segments[1] == "results": return .searchResults
        case ("static", 2): return WebAssets.Name(rawValue: segments[1]).map(WebRoute.asset)
        case ("api", 2) where segments[1] == "tasks": return .apiTasks
        case ("api", 2) where segments[1] == "search": return .apiSearch
        case ("api", 3) where segments[1] == "tasks": return id(segments[2]).map { .apiTask(id: $0) }
        case ("api", 4) where segments[1] == "tasks" && segments[3] == "events": return id(segments[2]).map { .apiTaskEvents(id: $0) }
        case ("tasks", 2): return id(segments[1]).map { .task(id: $0) }
        case ("tasks", 4...) where segments[2] == "artifacts":
            guard let taskID = id(segments[1]),
                  let path = segments[3...].joined(separator: "/").removingPercentEncoding, !path.isEmpty else { return nil }
            return .artifact(taskID: taskID, path: path)
        default: return nil
        }
    }

    /// A task id or prefix: letters, digits, `-` and `_` only (ids are UUIDs; `outbox-N` names a queued run).
    private static func id(_ segment: String) -> String? {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
        guard !segment.isEmpty, segment.count <= 100, segment.allSatisfy(allowed.contains) else { return nil }
        return segment
    }
}

/// A URL's query as a form sends it: `+` is a space, `%XX` a byte; a key may repeat.
package struct FormQuery: Sendable {
    private var pairs: [(String, String)] = []

    package init(_ query: String?) {
        for part in (query ?? "").split(separator: "&") {
            let (key, value) = part.firstIndex(of: "=").map { (part[..<$0], part[part.index(after: $0)...]) } ?? (part, "")
            pairs.append((Self.decode(key), Self.decode(value)))
        }
    }

    package subscript(_ key: String) -> String? {
        pairs.first { $0.0 == key }.map(\.1)
    }

    func all(_ key: String) -> [String] {
        pairs.filter { $0.0 == key && !$0.1.isEmpty }.map(\.1)
    }

    /// A non-negative whole number, or nil when absent; `.invalid` when present but not one.
    func count(_ key: String) -> Int?? {
        guard let text = self[key], !text.isEmpty else { return .some(nil) }
        guard let value = Int(text), value >= 0 else { return nil }
        return .some(value)
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
