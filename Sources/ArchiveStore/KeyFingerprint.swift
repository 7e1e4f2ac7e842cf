public import Foundation
internal import Crypto

/// Identifies an API key without keeping it: `sha256:` and the first 16 hex digits of its SHA-256.
/// Enough to tell a project's keys apart; useless for calling the API.
public enum KeyFingerprint {
    public static func of(_ apiKey: String) -> String {
        "sha256:" + String(SHA256.hash(data: Data(apiKey.utf8)).hexString.prefix(16))
    }
}

/// SHA-256 of a text, for names derived from data (never from a raw server string as a path).
public enum Digest {
    public static func sha256(_ text: String) -> BlobHash {
        sha256(Data(text.utf8))
    }

    public static func sha256(_ data: Data) -> BlobHash {
        BlobHash(hex: SHA256.hash(data: data).hexString)!
    }
}
