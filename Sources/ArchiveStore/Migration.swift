import Foundation
internal import Crypto

/// One schema step: a numbered SQL file from `Migrations/`, compiled into the binary.
public struct EmbeddedMigration: Sendable, Equatable {
    public let fileName: String
    public let sql: String

    public init(fileName: String, sql: String) {
        self.fileName = fileName
        self.sql = sql
    }

    /// The number the file name starts with (`0003_create_messages.sql` -> 3), or nil if it has none.
    public var version: Int? {
        let digits = fileName.prefix { $0.isASCII && $0.isNumber }
        return digits.count == 4 ? Int(digits) : nil
    }

    /// SHA-256 of the SQL text, recorded when applied so that a later edit of the file is detected.
    public var checksum: String {
        SHA256.hash(data: Data(sql.utf8)).hexString
    }

    /// The migrations this build carries, in order.
    public static let bundled: [EmbeddedMigration] = embeddedMigrations
}

extension Sequence where Element == UInt8 {
    package var hexString: String {
        var out = ""
        out.reserveCapacity(64)
        for byte in self {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0f)])
        }
        return out
    }
}

private let hexDigits: [Character] = Array("0123456789abcdef")
