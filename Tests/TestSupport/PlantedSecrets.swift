public import Foundation

/// One secret of every rule `redact` knows, and near-misses that must stay text, for tests that plant
/// them and then look for them in every byte. Built from parts, so no file of the project holds one whole.
public enum PlantedSecrets {
    public static let all: [String] = [
        "sigmic_" + String(repeating: "4f9a0c7e2b1d8a63", count: 4),
        "AKIA" + "Z7Q2PLM4RT8WXY3N",
        "ghp_" + "Qm7rTz9KwPx4Ln2Vb8Yc5Hd1Jf6Gs3Ak0Ue9",
        "xoxb-" + "2741965483-Qm7rTz9KwPx4",
        "https://hooks.slack.com/services/" + "T7Q2P/B9K4W/Zx8Lm3Qr7Tn2Vb5Yc1Hd",
        "sk_live_" + "9Lm2Qr7Tn4Vb8Yc1Hd6Jf3Gs0Ak5",
        "AIza" + "Sy9Lm2Qr7Tn4Vb8Yc1Hd6Jf3Gs0Ak5Ue7Wx",
        "sk-ant-" + "api03-Zx8Lm3Qr7Tn2Vb5Yc1Hd4Jf9Gs6Ak0Ue",
        "-----BEGIN OPENSSH PRIVATE KEY-----\n" + "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ7Kq" + "\n-----END OPENSSH PRIVATE KEY-----",
        ["eyJhbGciOiJIUzI1NiJ9", "eyJ1c2VyIjoicmVkYWN0LXRlc3QifQ", "Xk2P9sQ7vLm4Tn8Rw1Yz6Bc3Df5Gh0Jk"].joined(separator: "."),
        "DATABASE_PASSWORD=" + "Tq8Wm3Zr6Yp1Vx4Nk7Lb",
    ]

    /// Close to a secret, and not one: each must still be in the archive afterwards.
    public static let nearMisses = ["MAX_TOKENS=4096000000000000000", "AKIA" + "ABCDEFGHIJ12345", "sk_live_short"]

    /// What the agent is asked to repeat (the emulator restates a prompt that starts so in its thought
    /// and its tool call's arguments).
    public static var prompt: String {
        "Repeat after me: " + (all + nearMisses).joined(separator: " ; ")
    }

    /// Byte strings that must appear nowhere once the secrets are removed: each secret as it is, as
    /// JSON escapes it (`\/`, `\n`), and each run of 12 or more letters and digits in it, lower-cased as
    /// the word index keeps it, with its last 12 characters (an index stores a term after the prefix it
    /// shares with the one before), in hex (a dump of PostgreSQL's `bytea`), and every 10 characters of
    /// it a third apart, as they are and lower-cased (a piece of a secret split between events).
    public static var needles: [String: [UInt8]] {
        var needles: [String: [UInt8]] = [:]
        for (index, secret) in all.enumerated() {
            let escaped = secret.replacingOccurrences(of: "/", with: "\\/").replacingOccurrences(of: "\n", with: "\\n")
            var forms = [secret, escaped, ByteLeaks.hex(secret)]
            let runs = secret.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init).filter { $0.count >= 12 }
            for run in runs where !["PRIVATE", "OPENSSH"].contains(run) {
                forms += [run, run.lowercased(), String(run.lowercased().suffix(12)),
                          ByteLeaks.hex(run)]
                // A piece of it: the part a stream's content event holds when the secret was split
                // between two events (any piece of 13 or more characters holds one of these).
                let characters = Array(run)
                for start in stride(from: 0, through: characters.count - 10, by: 3) {
                    let window = String(characters[start..<(start + 10)])
                    forms += [window, window.lowercased()]
                }
            }
            for form in forms { needles["secret \(index) as \(form.prefix(6))…"] = Array(form.utf8) }
        }
        return needles
    }

    public static var leaks: ByteLeaks { ByteLeaks(needles: needles) }
}
