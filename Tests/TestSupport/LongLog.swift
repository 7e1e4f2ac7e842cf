/// About 1 MB of log lines, the size of an agent's printed logs: every line full of words starting
/// with a, al, alpha, and one rare word, zyzzyva, at the very end.
public enum LongLog {
    public static func text(seed: Int) -> String {
        var lines: [String] = []
        for line in 0..<8_000 {
            lines.append("2026-03-01T10:\(10 + line % 50):00Z alpha worker \(line % 17) allocated \(line * 4096 % 100_000) bytes at arena \(seed) and all accounts are alive")
        }
        lines.append("zyzzyva ends the log")
        return lines.joined(separator: "\n")
    }
}
