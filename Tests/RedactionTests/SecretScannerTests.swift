import Foundation
import Redaction
import Testing

/// The rules' corpus: each rule finds its secret in context, and near-misses stay text. Secrets are
/// built from parts here, so that no file of the project holds one whole.
@Suite struct SecretScannerTests {
    static let hex64 = String(repeating: "0123456789abcdef", count: 4)
    static let alnum36 = String(repeating: "aB3dE6gH9k", count: 4).prefix(36)
    static let jwtParts = ["eyJhbGciOiJIUzI1NiJ9", "eyJzdWIiOiIxMjM0NTY3ODkwIn0", "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"]
    static let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7bq\nAbCdEf0123==\n-----END RSA PRIVATE KEY-----"

    /// (where it sits, the secret, its rule): the secret alone must be what is found.
    static let secrets: [(String, String, SecretRule)] = [
        ("key: %@ in the log", "sigmic_" + hex64, .sigmicAPIKey),
        ("AWS %@, then", "AKIA" + "IOSFODNN7EXAMPLE", .awsAccessKeyID),
        ("(%@)", "ASIA" + "Y34FZKBOKMUTVV7A", .awsAccessKeyID),
        ("token=%@;", "ghp_" + alnum36, .githubToken),
        ("\"%@\"", "github_pat_" + String(repeating: "A1b2C3d4E5_", count: 8).prefix(82), .githubToken),
        ("slack %@ end", "xoxb-" + "1234567890-abcdefABCDEF", .slackToken),
        ("post to %@ now", "https://hooks.slack.com/services/" + "T0000/B0000/XXXXXXXXXXXXXXXX", .slackWebhook),
        ("stripe %@.", "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc", .stripeKey),
        ("google %@", "AIza" + "SyA-1234567890abcdefghijklmnopqrstu", .googleAPIKey),
        ("openai %@", "sk-proj-" + "abcdefghijklmnopqrstuvwxyz012345_-AB", .aiProviderKey),
        ("%@", "sk-ant-" + "api03-abcdefghijklmnopqrstuvwxyz0123456789", .aiProviderKey),
        ("Bearer %@ ok", jwtParts.joined(separator: "."), .jwt),
        ("key file:\n%@\nthanks", pem, .privateKey),
        ("export DB_PASSWORD=%@\n", "s3cr3tPassw0rd-2026x", .assignment),
        ("{\"client_secret\": \"%@\"}", "abc123DEF456ghi789JKL", .assignment),
        ("apiKey: '%@'", "Zx81Qw72Er63Ty54Ui45", .assignment),
        ("OPENAI_API_KEY = %@", "q1w2e3r4t5y6u7i8o9p0", .assignment),
    ]

    @Test(arguments: 0..<secrets.count)
    func eachRuleFindsItsSecretAndOnlyIt(case index: Int) {
        let (context, secret, rule) = Self.secrets[index]
        let text = context.replacingOccurrences(of: "%@", with: secret)
        let found = SecretScanner.findings(in: text)
        #expect(found.map(\.rule) == [rule], "\(text)")
        if let first = found.first {
            #expect(String(decoding: Array(text.utf8)[first.range], as: UTF8.self) == secret)
        }
        let (redacted, findings) = SecretScanner.redact(text)
        #expect(!redacted.contains(secret) && findings.count == 1)
        #expect(redacted == context.replacingOccurrences(of: "%@", with: "[REDACTED:\(rule.rawValue):\(findings[0].fingerprint)]"))
    }

    /// Text that looks close and is not a secret: too short, too long, run into a word, a name that
    /// only ends in a secret word's letters, a placeholder, a plural.
    static let nearMisses: [String] = [
        "AKIA" + "IOSFODNN7EXAMPL",                       // 15, not 16
        "AKIA" + "IOSFODNN7EXAMPLE1",                     // runs on
        "XAKIA" + "IOSFODNN7EXAMPLE",                     // inside a word
        "ghp_" + alnum36.dropLast(),                      // 35
        "sigmic_" + hex64.dropLast(),                     // 63 hex digits
        "sigmic_" + hex64.uppercased(),                   // not lower-case hex
        "AIza" + "SyA-1234567890",                        // short
        "xoxb-123",                                       // short
        "sk_live_short",
        "MAX_TOKENS=4096000000000000000",                 // a plural name
        "monkey=abcdefgh12345678abcd",                    // ends in "key", not a word of its own
        "API_KEY=your-key-here",                          // a placeholder, short
        "API_KEY=${OPENAI_API_KEY}",                      // a reference
        "password: correcthorsebatterystaple",            // no digit: not high-confidence
        "token: 0123456789012345678",                     // no letter
        "eyJhbGciOiJIUzI1NiJ9.notbase64!.x",              // not three parts
        "-----BEGIN PUBLIC KEY-----\nMIIBIjANBg\n-----END PUBLIC KEY-----",
        "the key: is to keep going, said the token holder",
        "https://hooks.slack.com/services/",              // no hook
    ]

    @Test(arguments: nearMisses)
    func nearMissesStayText(_ text: String) {
        #expect(SecretScanner.findings(in: text).isEmpty, "\(text)")
        #expect(SecretScanner.redact(text).text == text)
    }

    @Test func severalSecretsInOneTextAreEachReplacedAndFingerprintsTellThemApart() {
        let first = "ghp_" + Self.alnum36
        let second = "AKIA" + "IOSFODNN7EXAMPLE"
        let text = "a \(first) b \(second) c \(first) d — naïve ünïcode stays"
        let (redacted, findings) = SecretScanner.redact(text)
        #expect(findings.map(\.rule) == [.githubToken, .awsAccessKeyID, .githubToken])
        #expect(findings[0].fingerprint == findings[2].fingerprint && findings[0].fingerprint != findings[1].fingerprint)
        #expect(findings.allSatisfy { $0.fingerprint.count == 8 && $0.fingerprint.allSatisfy(\.isHexDigit) })
        #expect(!redacted.contains(first) && !redacted.contains(second) && redacted.hasSuffix("naïve ünïcode stays"))
    }

    @Test func aKeyBlockCutShortIsStillRemovedToTheEnd() {
        let text = "here:\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA"
        let (redacted, findings) = SecretScanner.redact(text)
        #expect(findings.map(\.rule) == [.privateKey])
        #expect(redacted == "here:\n" + findings[0].replacement)
    }
}
