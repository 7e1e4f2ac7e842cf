/// One secret found in a text: which rule, where (UTF-8 byte offsets), and a short fingerprint that
/// tells two findings apart without holding the secret.
public struct SecretFinding: Sendable, Equatable {
    public let rule: SecretRule
    public let range: Range<Int>
    /// The first 8 hex digits of the secret's SHA-256.
    public let fingerprint: String

    /// What the secret becomes: `[REDACTED:rule:fingerprint]`, which has no character JSON or
    /// Markdown would escape.
    public var replacement: String { "[REDACTED:\(rule.rawValue):\(fingerprint)]" }
}
