public import Foundation

/// A fresh folder under the system temp directory, removed when the value is released.
public final class TempFolder: Sendable {
    public let url: URL

    public init(_ label: String = "test") throws {
        let base = URL(fileURLWithPath: NSTemporaryDirectory())
            .appending(path: "sigmic-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        url = base
    }

    public func path(_ component: String) -> URL {
        url.appending(path: component)
    }

    /// Every file and folder below the temp folder, relative, sorted (to prove nothing landed elsewhere).
    public func tree() -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: url.path) else { return [] }
        return walker.compactMap { $0 as? String }.sorted()
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}
