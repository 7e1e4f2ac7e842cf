import HostAddress
import SigmicAPI
import Testing

/// Loopback is decided on the parsed address: 127.0.0.0/8 and ::1, and the name localhost; no other
/// name, however it looks.
@Suite struct HostAddressTests {
    static let cases: [(String, Bool)] = [
        ("127.0.0.1", true), ("127.255.1.2", true), ("localhost", true), ("LOCALHOST", true), ("::1", true), ("[::1]", true),
        ("::ffff:127.0.0.1", true), ("0:0:0:0:0:0:0:1", true),
        ("127.0.0.1.example.invalid", false), ("127.foo.invalid", false), ("127.1", false), ("localhost.example", false),
        ("128.0.0.1", false), ("10.0.0.1", false), ("::2", false), ("[::ffff:10.0.0.1]", false), ("", false), ("0.0.0.0", false),
    ]

    @Test(arguments: cases)
    func loopbackIsAnAddressNotAName(_ host: String, _ expected: Bool) {
        #expect(HostAddress.isLoopback(host) == expected)
        #expect(SigmicClient.isLoopback(host) == expected)
    }

    @Test func aKeyThatCannotBeAHeaderIsRefusedWithoutQuotingIt() {
        #expect(SigmicClient.problem(apiKey: "sigmic_abc123") == nil)
        for key in ["sigmic_abc\nsigmic_abc", "sigmic_abc\r", "sigmic_\u{7F}abc", "sigmic abc", "sigmic_é"] {
            let problem = SigmicClient.problem(apiKey: key)
            #expect(problem != nil && !(problem ?? "").contains("abc"), "\(String(reflecting: key)): \(problem ?? "accepted")")
        }
    }
}
