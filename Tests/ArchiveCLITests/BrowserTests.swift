import Foundation
import Testing
import TestSupport

/// `serve` in a real browser: Debian's chromium driven by Selenium (`Helpers/browser_check.py`). Search
/// as you type finds a hit and opens its `<details>`; hostile content runs nothing; an HTML artifact is
/// inert; the console stays clean. Screenshots for the README are taken with
/// `SIGMIC_SCREENSHOTS=DIR swift test --filter BrowserTests`.
@Suite struct BrowserTests {
    @Test func theReaderWorksInABrowserAndHostileContentRunsNothing() async throws {
        try MachinePart.python(["selenium"]).require()
        try MachinePart.program("/usr/bin/chromium", debian: "chromium").require()
        try MachinePart.program("/usr/bin/chromedriver", debian: "chromium-driver").require()
        let folder = try TempFolder("browser")
        try HostileArchive.create(at: folder.path("archive"))
        let server = try ServeProcess(archive: folder.path("archive"))
        let helper = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Helpers/browser_check.py")
        var arguments = ["python3", helper.path, server.url, HostileArchive.taskID, HostileArchive.thoughtWord]
        if let shots = ProcessInfo.processInfo.environment["SIGMIC_SCREENSHOTS"] { arguments.append(shots) }
        let result = try await CommandRunner.runDetached(arguments, executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(result.status == 0, "\(result.stderr.suffix(2000))")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")

        #expect((seen["liveHit"] as? String)?.isEmpty == false, "typing showed no hit: \(seen)")
        #expect((seen["liveHitHref"] as? String)?.contains("hit=thought%3Amsg-h2") == true, "\(seen)")
        #expect(seen["openDetails"] as? [String] == ["thoughts"], "the hit's thoughts are open, the tool call is not: \(seen)")

        #expect(seen["alertOnTask"] is NSNull, "a dialog fired: \(seen)")
        #expect(seen["scripts"] as? [String] == ["/static/app.js"], "\(seen)")
        #expect(seen["iframes"] as? Int == 0 && seen["imagesWithHandlers"] as? Int == 0 && seen["javascriptLinks"] as? Int == 0, "\(seen)")
        let userText = seen["userText"] as? String ?? ""
        #expect(userText.contains("<script>alert('title')</script>") && userText.contains("<img src=x onerror=alert('img')>"),
                "hostile markup shows as text: \(userText)")
        #expect(userText.contains("[U+202E]gnp.exe[U+202C]"), "\(userText)")

        #expect(seen["alertOnArtifact"] is NSNull, "\(seen)")
        #expect(seen["artifactContentType"] as? String == "text/plain", "\(seen)")
        #expect((seen["artifactText"] as? String)?.contains("<script>alert('artifact')</script>") == true, "\(seen)")

        for key in ["consoleAfterSearch", "consoleOnTask", "consoleOnArtifact"] {
            #expect((seen[key] as? [String])?.isEmpty == true, "\(key): \(seen[key] ?? "")")
        }
    }
}

/// The task page's replay player in a real browser: at 8× the screen fills in, a pause holds it, the
/// scrubber seeks with the keyboard, each tool call is a mark that jumps to it, and what the player
/// shows at the end is what `replay` prints on a terminal. Markup in events stays text; no console error.
@Suite struct ReplayPlayerBrowserTests {
    @Test func thePlayerPlaysPausesSeeksAndKeepsEventsAsText() async throws {
        try MachinePart.python(["selenium"]).require()
        try MachinePart.program("/usr/bin/chromium", debian: "chromium").require()
        try MachinePart.program("/usr/bin/chromedriver", debian: "chromium-driver").require()
        let folder = try TempFolder("player")
        try HostileArchive.create(at: folder.path("archive"))
        let server = try ServeProcess(archive: folder.path("archive"))
        let helper = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Helpers/player_check.py")
        var arguments = ["python3", helper.path, server.url, HostileArchive.taskID]
        if let shots = ProcessInfo.processInfo.environment["SIGMIC_SCREENSHOTS"] { arguments.append(shots) }
        let result = try await CommandRunner.runDetached(arguments, executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(result.status == 0, "\(result.stderr.suffix(2000))")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
        let terminal = try CommandRunner.run(["replay", HostileArchive.taskID, "--speed", "0", "--archive", folder.path("archive").path])

        // Two sessions: 10.5 s, a capped 2 s gap, 4.5 s.
        #expect(seen["duration"] as? Double == 17, "\(seen)")
        #expect(seen["marks"] as? [String] == ["Tool <img src=x onerror=alert('mark')> at 0:04", "Tool grep at 0:14"], "\(seen)")
        #expect(seen["atStart"] as? String == "status: <b>processing</b>\n", "\(seen)")
        let lengths = seen["lengthsWhilePlaying"] as? [Int] ?? []
        #expect(Set(lengths).count >= 3 && lengths == lengths.sorted(), "the screen grows as it plays: \(lengths)")
        #expect((lengths.last ?? 0) < terminal.stdout.count, "1.2 s at 8× is not the whole 17 s: \(lengths)")
        #expect(seen["buttonWhilePlaying"] as? String == "Pause" && seen["buttonAfterPause"] as? String == "Play", "\(seen)")
        let paused = seen["pausedLengths"] as? [Int] ?? []
        #expect(paused.count == 2 && paused[0] == paused[1], "nothing comes while paused: \(paused)")
        #expect(seen["atEnd"] as? String == terminal.stdout, "the player's screen at the end is `replay`'s:\n\(seen["atEnd"] ?? "")")
        #expect(seen["timeAtEnd"] as? String == "0:17 / 0:17", "\(seen)")
        #expect(seen["atHome"] as? String == "status: <b>processing</b>\n", "\(seen)")
        #expect((seen["afterMark"] as? String)?.hasSuffix("tool <img src=x onerror=alert('mark')>: executing\n") == true, "\(seen)")
        #expect(seen["timeAfterMark"] as? String == "0:04 / 0:17", "\(seen)")
        #expect(seen["buttonAfterSpace"] as? String == "Pause" && seen["buttonAfterSecondSpace"] as? String == "Play", "\(seen)")
        #expect(seen["alert"] is NSNull && seen["elementsInScreen"] as? Int == 0 && seen["activeElementsInPlayer"] as? Int == 0, "\(seen)")
        #expect((seen["console"] as? [String])?.isEmpty == true, "\(seen["console"] ?? "")")
    }
}

/// `/insights` in a real browser: every chart is an SVG with a table beside it holding the same
/// numbers, and those are `stats --json`'s; an error's link opens a search for it; no console error,
/// and no script but our own file.
@Suite struct InsightsBrowserTests {
    @Test func everyChartHasItsSVGAndItsTableWithTheSameNumbers() async throws {
        try MachinePart.python(["selenium"]).require()
        try MachinePart.program("/usr/bin/chromium", debian: "chromium").require()
        try MachinePart.program("/usr/bin/chromedriver", debian: "chromium-driver").require()
        let folder = try TempFolder("insights")
        try InsightsArchive.create(at: folder.path("archive"))
        let server = try ServeProcess(archive: folder.path("archive"))
        let helper = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Helpers/insights_check.py")
        var arguments = ["python3", helper.path, server.url]
        if let shots = ProcessInfo.processInfo.environment["SIGMIC_SCREENSHOTS"] { arguments.append(shots) }
        let result = try await CommandRunner.runDetached(arguments, executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(result.status == 0, "\(result.stderr.suffix(2000))")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
        let cli = try CommandRunner.run(["stats", "--json", "--by", "month", "--archive", folder.path("archive").path])
        let stats = try #require(try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [String: Any])

        let charts = seen["charts"] as? [String: [String: Any]] ?? [:]
        #expect(Set(charts.keys) == ["chart-status", "chart-durations", "chart-activity", "chart-tools", "chart-errors"], "\(charts.keys)")
        func pairs(_ list: Any?) -> [String: Int] {
            Dictionary((list as? [[Any]] ?? []).map { ($0[0] as? String ?? "", $0[1] as? Int ?? -1) }, uniquingKeysWith: { a, _ in a })
        }
        for (id, chart) in charts {
            #expect(chart["svgs"] as? Int == 1 && (chart["tables"] as? Int ?? 0) >= 1, "\(id)")
            let marks = pairs(chart["marks"]).filter { $0.value > 0 }, cells = pairs(chart["cells"]).filter { $0.value > 0 }
            #expect(!marks.isEmpty && marks == cells, "\(id): the chart's marks and its table agree")
        }
        // … and they are `stats --json`'s numbers.
        let tasks = stats["tasks"] as? [String: Any] ?? [:]
        var statusCounts: [String: Int] = [:]
        for period in tasks["periods"] as? [[String: Any]] ?? [] {
            for (status, count) in period["byStatus"] as? [String: Int] ?? [:] { statusCounts["\(period["period"] as? String ?? "")|\(status)"] = count }
        }
        #expect(pairs(charts["chart-status"]?["marks"]) == statusCounts)
        let histogram = ((stats["durations"] as? [String: Any])?["histogram"] as? [[String: Any]] ?? []).compactMap { $0["tasks"] as? Int }
        #expect((charts["chart-durations"]?["cells"] as? [[Any]] ?? []).compactMap { $0[1] as? Int } == histogram)
        let hours = (stats["activity"] as? [String: Any])?["hours"] as? [[Int]] ?? []
        #expect(pairs(charts["chart-activity"]?["cells"]).values.reduce(0, +) == hours.flatMap { $0 }.reduce(0, +) && hours.flatMap { $0 }.reduce(0, +) == 90)
        let tools = stats["tools"] as? [[String: Any]] ?? []
        for tool in tools.prefix(10) {
            let name = tool["name"] as? String ?? ""
            #expect(pairs(charts["chart-tools"]?["cells"])["\(name)|calls"] == tool["calls"] as? Int, "\(name)")
            #expect(pairs(charts["chart-tools"]?["cells"])["\(name)|needingApproval"] == tool["needingApproval"] as? Int, "\(name)")
        }
        let errors = stats["errors"] as? [[String: Any]] ?? []
        #expect(pairs(charts["chart-errors"]?["cells"]) == Dictionary(uniqueKeysWithValues: errors.map { ($0["message"] as? String ?? "", $0["tasks"] as? Int ?? 0) }))

        // The first error's link searches for it; the JSON is `stats --json`; nothing went wrong.
        let first = errors.first?["message"] as? String ?? ""
        #expect(seen["errorLinkText"] as? String == first)
        #expect(seen["searchBox"] as? String == (first == "(no message)" ? "status:failed" : "\"\(first)\""), "\(seen["searchBox"] ?? "")")
        #expect(NSDictionary(dictionary: seen["api"] as? [String: Any] ?? [:]).isEqual(to: stats), "/api/insights is stats --json")
        #expect((seen["badFilter"] as? String)?.contains("by must be one of day, week, month") == true, "\(seen["badFilter"] ?? "")")
        #expect(seen["scripts"] as? [String] == ["/static/app.js"])
        #expect((seen["console"] as? [String])?.isEmpty == true && (seen["consoleOnSearch"] as? [String])?.isEmpty == true,
                "\(seen["console"] ?? "") \(seen["consoleOnSearch"] ?? "")")
    }
}
