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
