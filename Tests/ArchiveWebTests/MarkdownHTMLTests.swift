@testable import ArchiveWeb
import Testing

struct MarkdownHTMLTests {
    @Test(arguments: [
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<iframe src=\"https://example.com\"></iframe>",
        "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](vbscript:msgbox)", "<a href=\"javascript:alert(1)\">x</a>",
        "![x](javascript:alert(1))", "<svg onload=alert(1)>", "<style>body{display:none}</style>",
    ])
    func rawHTMLAndScriptLinksNeverReachThePage(markdown: String) throws {
        let html = MarkdownHTML.render(markdown).lowercased()
        for needle in ["<script", "<img src=x", "<iframe", "href=\"javascript:", "src=\"javascript:", "vbscript:", "<svg", "<style"] {
            #expect(!html.contains(needle), "\(markdown) → \(html)")
        }
        let handler = try Regex("<[a-z][^>]*\\son[a-z]+=")
        #expect(html.firstMatch(of: handler) == nil, "an event handler in a tag: \(html)")
    }

    @Test func rawHTMLIsShownAsTheTextItIs() {
        #expect(MarkdownHTML.render("<script>alert(1)</script>") == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n")
        #expect(MarkdownHTML.render("a <b onclick=x()>b</b> c") == "<p>a &lt;b onclick=x()&gt;b&lt;/b&gt; c</p>\n")
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

/// Pages are rendered on several threads at once (one per request).
struct MarkdownHTMLConcurrencyTests {
    @Test func renderingOnManyThreadsAtOnceGivesTheSameHTML() async {
        let markdown = "~~gone~~ and https://example.com and a <b>tag</b>"
        let expected = MarkdownHTML.render(markdown)
        #expect(expected.contains("<del>gone</del>") && expected.contains("<a href=\"https://example.com\">"))
        let results = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<200).map { _ in MarkdownHTML.render(markdown) } }
            }
            var all: [String] = []
            for await batch in group { all += batch }
            return all
        }
        #expect(results.allSatisfy { $0 == expected }, "\(Set(results).count) different renderings")
    }
}
