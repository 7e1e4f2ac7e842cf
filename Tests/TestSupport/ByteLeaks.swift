public import Foundation

/// Byte strings that must be in no file and no dump once something is removed, by name: what the
/// `redact` and `forget` tests look for in every byte an archive holds.
public struct ByteLeaks: Sendable {
    public let needles: [String: [UInt8]]

    public init(needles: [String: [UInt8]]) {
        self.needles = needles
    }

    /// The needles found in `bytes`, by name.
    public func found(in bytes: [UInt8]) -> [String] {
        let haystack = Data(bytes)
        return needles.compactMap { name, needle in haystack.range(of: Data(needle)) != nil ? name : nil }.sorted()
    }

    /// Every file under a folder (the database, its WAL and shm, the stored files), with the needles in each.
    public func found(inFolder folder: URL) throws -> [String] {
        var found: [String] = []
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = files?.nextObject() as? URL {
            guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
            found += self.found(in: [UInt8](try Data(contentsOf: url))).map { "\(url.lastPathComponent): \($0)" }
        }
        return found
    }

    /// A text as PostgreSQL's `pg_dump` writes a `bytea` holding it: lower-case hex.
    public static func hex(_ text: String) -> String {
        text.utf8.map { String(format: "%02x", $0) }.joined()
    }
}
