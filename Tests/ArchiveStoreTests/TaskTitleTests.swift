import ArchiveStore
import Testing

/// `Archive.title` scans Unicode scalars for speed; these cases pin that it still splits lines as
/// characters would (CRLF, the rarer newlines), skips lines without a word, trims, and cuts at 120
/// characters rather than scalars.
@Suite struct TaskTitleTests {
    static let long = String(repeating: "e\u{301}", count: 130)   // two scalars a character
    static let flags = String(repeating: "🇫🇷", count: 125)

    @Test(arguments: [
        ("Deploy the service", "Deploy the service"),
        ("---\r\n\r\n  Fix the build\t \r\nmore", "Fix the build"),
        ("\n\n***\n(1) check", "(1) check"),
        ("***\n---", "***"),
        ("", ""),
        ("\u{2028}first\u{85}second", "first"),
        ("\u{0B}\u{0C}\u{0D}title", "title"),
        ("数据分析\n次行", "数据分析"),
        (long, String(repeating: "e\u{301}", count: 119) + "…"),
        (String(repeating: "a", count: 120), String(repeating: "a", count: 120)),
        (flags, String(repeating: "🇫🇷", count: 119) + "…"),
    ])
    func picksTheFirstLineWithAWord(message: String, title: String) {
        #expect(Archive.title(message) == title)
    }
}
