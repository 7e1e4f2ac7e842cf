/// The kinds of secret `redact` finds: high-confidence shapes only, each one a vendor's documented
/// prefix and length (or a PEM block, or a JWT's three parts), so that a finding is almost surely a
/// credential. This enum is the one table of them (the README's "Secrets" shows it);
/// `SecretScannerTests` keeps each rule honest with true and near-miss cases.
public enum SecretRule: String, CaseIterable, Sendable, Codable {
    /// `sigmic_` and 64 hex digits: the Sigmic API's own keys.
    case sigmicAPIKey = "sigmic-api-key"
    /// `AKIA` or `ASIA` and 16 upper-case letters or digits.
    case awsAccessKeyID = "aws-access-key-id"
    /// `ghp_`, `gho_`, `ghu_`, `ghs_` or `ghr_` and 36 letters or digits; `github_pat_` and 82.
    case githubToken = "github-token"
    /// `xoxb-`, `xoxp-`, `xoxa-`, `xoxr-` or `xoxs-` and at least 10 letters, digits or dashes.
    case slackToken = "slack-token"
    /// `https://hooks.slack.com/services/` and the hook's path.
    case slackWebhook = "slack-webhook"
    /// `sk_live_`, `rk_live_`, `sk_test_` or `rk_test_` and at least 24 letters or digits.
    case stripeKey = "stripe-key"
    /// `AIza` and 35 letters, digits, `_` or `-`.
    case googleAPIKey = "google-api-key"
    /// `sk-proj-`, `sk-svcacct-` or `sk-ant-` and at least 32 letters, digits, `_` or `-`.
    case aiProviderKey = "ai-provider-key"
    /// A PEM block from `-----BEGIN … PRIVATE KEY-----` to its `-----END … PRIVATE KEY-----`.
    case privateKey = "private-key"
    /// Three base64url parts joined by dots, the first two starting `eyJ` (a JSON object).
    case jwt = "jwt"
    /// The value of `NAME_KEY=`, `NAME_TOKEN=`, `…SECRET:`, `…PASSWORD=` (also camelCase, quoted or
    /// JSON) when it is 16 or more token characters with a letter and a digit in it.
    case assignment = "assignment"
    /// Not a pattern: a text a person named (`redact --text`), wherever it occurs.
    case literal = "text"
}
