import Foundation
import Redaction
import Testing

/// `Redactor` rewrites JSON string by string, so raw JSON stays the JSON it was, finds secrets behind
/// escapes, and removes texts a person names. Secrets are built from parts, as in `SecretScannerTests`.
@Suite struct RedactorTests {
    static let aws = "AKIA" + "IOSFODNN7EXAMPLE"
    static let webhookPath = "T0000/B0000/XXXXXXXXXXXXXXXX"
    let secrets = Redactor(secrets: true)

    func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    @Test func anEscapedWebhookIsFoundAndTheJSONStaysValid() throws {
        let escaped = "https:\\/\\/hooks.slack.com\\/services\\/" + Self.webhookPath.replacingOccurrences(of: "/", with: "\\/")
        let text = #"{"note":"post to \#(escaped) now","n":1.5e3}"#
        let (redacted, found) = secrets.redact(text)
        #expect(found.map(\.rule) == [.slackWebhook])
        let object = try #require(try json(redacted) as? [String: Any])
        #expect(object["note"] as? String == "post to \(found[0].replacement) now")
        #expect(object["n"] as? Double == 1500)
        #expect(!redacted.contains("XXXXXXXXXXXXXXXX"))
    }

    @Test func onlyTheStringThatHoldsASecretChanges() throws {
        let text = #"{ "a" : [1, true, false, null, -2.5E+3], "b":"caf\u00e9 \"q\"", "k" : "key \#(Self.aws)" }"#
        let (redacted, found) = secrets.redact(text)
        #expect(found.count == 1)
        #expect(redacted == #"{ "a" : [1, true, false, null, -2.5E+3], "b":"caf\u00e9 \"q\"", "k" : "key \#(found[0].replacement)" }"#)
    }

    @Test func aMemberNamedLikeASecretIsAnAssignment() throws {
        let text = #"{"client_secret": "abc123DEF456ghi789JKL", "max_tokens": "4096000000000000000000"}"#
        let (redacted, found) = secrets.redact(text)
        #expect(found.map(\.rule) == [.assignment])
        #expect(redacted.contains(#""client_secret": "[REDACTED:assignment:"#) && redacted.contains("4096000000000000000000"))
    }

    @Test func aPrivateKeyWithEscapedNewlinesIsRemovedWhole() throws {
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7bq\n-----END RSA PRIVATE KEY-----"
        let encoded = String(decoding: try JSONSerialization.data(withJSONObject: ["key": pem, "x": "y"], options: [.sortedKeys]), as: UTF8.self)
        let (redacted, found) = secrets.redact(encoded)
        #expect(found.map(\.rule) == [.privateKey])
        let object = try #require(try json(redacted) as? [String: String])
        #expect(object == ["key": found[0].replacement, "x": "y"])
    }

    @Test func jsonInsideAStringIsReadAsItsValue() throws {
        // Tool-call arguments are often JSON kept as a string inside the message's JSON.
        let inner = #"{"cmd":"export API_KEY=Zx81Qw72Er63Ty54Ui45"}"#
        let outer = String(decoding: try JSONSerialization.data(withJSONObject: ["args": inner]), as: UTF8.self)
        let (redacted, found) = secrets.redact(outer)
        #expect(found.map(\.rule) == [.assignment])
        let args = try #require((try json(redacted) as? [String: String])?["args"])
        #expect(try json(args) as? [String: String] == ["cmd": "export API_KEY=\(found[0].replacement)"])
    }

    @Test func textThatOnlyLooksLikeJSONIsReadAsText() {
        let text = "[1] see \(Self.aws) and \"this"
        let (redacted, found) = secrets.redact(text)
        #expect(found.map(\.rule) == [.awsAccessKeyID])
        #expect(redacted == "[1] see \(found[0].replacement) and \"this")
    }

    @Test func aNamedTextIsRemovedWhereverItIs() throws {
        let named = Redactor(secrets: false, literals: ["Project Nightingale"])
        let (plain, inPlain) = named.redact("About Project Nightingale: Project Nightingale ships.")
        #expect(inPlain.count == 2 && inPlain.allSatisfy { $0.rule == .literal } && !plain.contains("Nightingale"))
        let (json, inJSON) = named.redact(#"{"t":"Project\u0020Nightingale"}"#)
        #expect(inJSON.count == 1 && json == #"{"t":"[REDACTED:text:\#(inJSON[0].fingerprint)]"}"#)
        #expect(inJSON[0].fingerprint == inPlain[0].fingerprint)
        #expect(named.redact("nothing here").findings.isEmpty)
        #expect(Redactor(secrets: false).isInert)
    }

    @Test func aTextFileIsRewrittenAndABinaryOneOnlyReported() {
        let text = Array("STRIPE=\("sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc")\n".utf8)
        guard case .text(let bytes, let found) = secrets.redact(file: text) else { Issue.record("not rewritten"); return }
        #expect(String(decoding: bytes, as: UTF8.self) == "STRIPE=\(found[0].replacement)\n")
        let binary = [0x89, 0x50, 0x4E, 0x47, 0x00] + Array(Self.aws.utf8) + [0xFF, 0x00]
        #expect(secrets.redact(file: binary).findings.map(\.rule) == [.awsAccessKeyID])
        #expect(secrets.redact(file: Array("plain text".utf8)) == .unchanged)
    }
}

extension Redactor.FileRedaction {
    var findings: [SecretFinding] {
        switch self {
        case .unchanged: []
        case .text(_, let found), .binary(let found): found
        }
    }
}
