@testable import ArchiveWeb
import Testing

struct MarkdownHTMLTests {
    @Test(arguments: [
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<iframe src=\"https://example.com\"></iframe>",
        "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](vbscript:msgbox)", "<a href=\"javascript:alert(1)\">x</a>",
        "![x](javascript:alert(1))", "<svg onload=alert(1)>", "<style>body{display:none}</style>",
    ])
    func rawHTMLAndScriptLinksNeverReachThePage(markdown: String) {
        let html = MarkdownHTML.render(markdown).lowercased()
        for needle in ["<script", "<img src=x", "<iframe", "javascript:", "vbscript:", "<svg", "<style", "onerror=", "onload="] {
            #expect(!html.contains(needle), "\(markdown) → \(html)")
        }
    }

    @Test func commonMarkAndGFMAreRendered() {
        let html = MarkdownHTML.render("**bold** ~~gone~~ https://example.com\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n\n```swift\nlet x = 1 < 2\n```")
        for part in ["<strong>bold</strong>", "<del>gone</del>", "<a href=\"https://example.com\">", "<table>", "checked",
                     "<code class=\"language-swift\">let x = 1 &lt; 2"] {
            #expect(html.contains(part), "\(part) in \(html)")
        }
    }

    @Test func bidiControlsAreShownNotObeyed() {
        #expect(HTML.escape("a\u{202E}cba\u{202C}<") == "a[U+202E]cba[U+202C]&lt;")
        #expect(MarkdownHTML.render("file \u{2067}txt.exe\u{2069}").contains("[U+2067]txt.exe[U+2069]"))
    }
}
