import Foundation
import SeededRandom

/// The raw material of generated conversations: realistic prompts and answers, including the hard
/// cases an archive must keep byte for byte — emoji, CJK, right-to-left text, Markdown with fences,
/// text that looks like YAML front matter, and the occasional very long message.
enum ContentPools {
    static let prompts = [
        "What are the three laws of robotics?",
        "Analyze this CSV file and plot the error budget per service",
        "Why did the deploy blow the error budget last Tuesday?",
        "Write a Python script that deduplicates customer records",
        "Summarize the quarterly report in five bullet points",
        "Compare gpt-4 and a rules engine for invoice matching",
        "Reconcile the ledger export against the bank statement",
        "総売上のデータを分析して、月ごとの傾向を教えてください",
        "请把这份数据分析报告翻译成英文，并保留表格格式",
        "لخص هذا المستند في ثلاث نقاط رئيسية",
        "Draft release notes for v2.3 🚀 with the breaking changes first",
        "---\ntitle: not front matter\n---\nExplain this YAML block",
        "Find the root cause of the checkout latency spike in eu-west-1",
        "Convert the <table> in report.html to Markdown & keep the links",
        "List all files in the project and describe each folder",
        "Rename the columns of data.csv to snake_case",
    ]

    static let followUps = [
        "Who created these laws?",
        "Can you make it shorter?",
        "Now do the same for last month.",
        "Add unit tests for the edge cases, please.",
        "Explain the second point in more detail.",
        "もっと詳しく説明してください。",
    ]

    static let thoughtSubjects = ["Analyzing", "Planning", "Checking assumptions", "Reading the data", "Diagnosis", "思考中"]
    static let thoughtDescriptions = [
        "Looking at the project structure...",
        "The spike lines up with the canary rollout in eu-west.",
        "Reading the CSV structure and column types.",
        "Two records share an email but differ in case; normalise first.",
        "需要先检查数据的完整性。",
        "The user wants bullet points, not prose.",
    ]

    struct Tool {
        let name: String
        let args: JSON
        let output: String
    }

    static let tools = [
        Tool(name: "read_file", args: .object([("path", .string("uploads/data.csv"))]), output: "column1,column2\nvalue1,value2"),
        Tool(name: "list_files", args: .object([("path", .string("/uploads"))]), output: "data.csv\nreport.pdf"),
        Tool(name: "write_file", args: .object([("path", .string("downloads/output.csv")), ("bytes", .int(1024))]), output: "File written successfully"),
        Tool(name: "run_shell", args: .object([("command", .string("grep -c ERROR /var/log/app.log"))]), output: "1742"),
        Tool(name: "web_search", args: .object([("query", .string("error budget burn rate SLO"))]), output: "Found 12 results"),
        Tool(name: "query_logs", args: .object([("service", .string("checkout")), ("window", .string("1h"))]), output: "p99 latency 2.3s (timeout after 30s)"),
    ]

    static let answers = [
        "2+2 equals 4.",
        "The three laws are: 1) a robot may not injure a human, 2) it must obey orders, 3) it must protect itself.",
        "Here is the script:\n\n```python\ndef dedupe(rows):\n    seen = set()\n    return [r for r in rows if not (r['email'].lower() in seen or seen.add(r['email'].lower()))]\n```\n\nIt keeps the first record per email.",
        "The root cause was the canary: p99 latency rose from 180 ms to 2.3 s, burning 40% of the monthly error budget in an hour. Rolling back restored it.",
        "| month | revenue |\n|---|---|\n| Jan | 1.2M |\n| Feb | 1.4M |\n\nRevenue grew 16% month over month.",
        "Nested fences, shown literally:\n\n````markdown\n```swift\nprint(\"hi\")\n```\n````\n\nand a tilde fence:\n\n~~~\nraw ``` inside\n~~~",
        "月ごとの売上は増加傾向にあります。特に3月は前月比で12%増加しました。📈",
        "数据显示，第二季度的错误率下降了30%。",
        "النقاط الرئيسية: النمو، التكلفة، والمخاطر.",
        "Release notes 🚀\n\n- **Breaking:** `sync --all` is now `sync --full`\n- Faster search (2×)\n- Fixed a crash on empty artifacts 🐛",
        "<details><summary>HTML in an answer</summary>\n\n<b>bold</b> & <i>italic</i> <script>alert(1)</script>\n</details>",
        "",
    ]

    static func answer(for prompt: String, random: inout SeededRandom) -> String {
        if prompt.contains("2+2") { return "2+2 equals 4." }
        if prompt.lowercased().contains("robotics") { return answers[1] }
        var text = random.pick(answers)
        if text.isEmpty { text = "Done." }
        return text
    }

    /// A very long message (tens of kilobytes of varied lines).
    static func long(random: inout SeededRandom) -> String {
        let lines = (0..<random.int(600...1500)).map { index in
            "Line \(index): " + random.pick(["error budget ok", "latency 120ms", "数据行", "✅ passed", "retrying after 429", "`code` and **bold**"])
        }
        return "A long log excerpt follows.\n\n```\n" + lines.joined(separator: "\n") + "\n```\n"
    }

    /// Splits text into `count` consecutive pieces (on character boundaries) that join back to it.
    static func split(_ text: String, into count: Int) -> [String] {
        let characters = Array(text)
        guard count > 1, characters.count >= count else { return [text] }
        let size = characters.count / count
        return (0..<count).map { index in
            let start = index * size
            let end = index == count - 1 ? characters.count : start + size
            return String(characters[start..<end])
        }
    }
}
