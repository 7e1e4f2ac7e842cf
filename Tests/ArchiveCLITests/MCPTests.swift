import Foundation
import Testing
import TestSupport

/// `mcp` with a client nobody here wrote: the official Python MCP client (`Helpers/mcp_check.py`)
/// spawns the real binary over stdio, lists and calls every tool, hits each error case, pages through
/// a task and reads a resource.
@Suite struct MCPTests {
    @Test func anMCPClientSearchesReadsAndPagesTheArchive() async throws {
        let folder = try TempFolder("mcp")
        let archive = folder.path("archive")
        try HostileArchive.create(at: archive)
        try MachinePart.python(["mcp"]).require()
        let helper = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Helpers/mcp_check.py")
        let result = try await CommandRunner.runDetached(
            ["python3", helper.path, try CommandRunner.binary().path, archive.path, GoldenArchive.taskA, HostileArchive.taskID],
            executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(result.status == 0, "\(result.stderr.suffix(3000))")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")

        #expect(seen["serverName"] as? String == "sigmic-archive" && seen["hasTools"] as? Bool == true)
        // The version `--version` names (from VERSION), without the commit.
        #expect(seen["serverVersion"] as? String == (try VersionTests.version()), "\(seen["serverVersion"] ?? "")")
        #expect(seen["tools"] as? [String] == ["get_artifact", "get_task", "list_tasks", "search", "stats"])
        #expect(seen["schemasHaveProperties"] as? Bool == true)

        // search answers what `search --json` prints, without the indentation.
        let cli = try CommandRunner.run(["search", "canary", "--limit", "5", "--json", "--archive", archive.path])
        let hits = try #require(seen["searchHits"] as? [[String: Any]])
        let cliHits = try #require(try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [[String: Any]])
        #expect(seen["searchError"] as? Bool == false)
        #expect(NSArray(array: hits).isEqual(to: cliHits) && hits.count == 3, "\(hits)")
        #expect(seen["searchHitsCompact"] as? Bool == true)
        #expect((seen["thoughtHits"] as? [[String: Any]])?.allSatisfy { $0["kind"] as? String == "thought" } == true)
        #expect((seen["failedTasks"] as? [[String: Any]])?.map { $0["id"] as? String } == [GoldenArchive.taskB])

        let task = seen["taskText"] as? String ?? ""
        #expect(task.hasPrefix("# Why did the deploy blow the error budget?") && task.contains("kubectl rollout undo"), "\(task.prefix(400))")
        #expect(task.hasSuffix("[End of task \(GoldenArchive.taskA): 2 messages.]"), "\(task.suffix(200))")
        // stats is `stats --json`.
        let stats = try CommandRunner.run(["stats", "--json", "--by", "month", "--since", "2026-01-01", "--archive", archive.path])
        let statsJSON = try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(NSDictionary(dictionary: seen["stats"] as? [String: Any] ?? [:]).isEqual(to: statsJSON) && !statsJSON.isEmpty, "\(seen["stats"] ?? "")")
        // format live is the recorded stream as `replay` prints it.
        let replay = try CommandRunner.run(["replay", HostileArchive.taskID, "--speed", "0", "--archive", archive.path])
        #expect(seen["liveText"] as? String == replay.stdout, "\(seen["liveText"] ?? "")")
        #expect((seen["unrecordedLive"] as? String)?.hasPrefix("No live events were recorded for task \(GoldenArchive.taskB)") == true)
        #expect((seen["taskJSON"] as? [String: Any]).flatMap { ($0["task"] as? [String: Any])?["id"] as? String } == GoldenArchive.taskA)

        // Paging: every page within its size, the pages together are the whole task, in order.
        let pages = seen["pages"] as? [String] ?? []
        #expect(pages.count >= 3, "\(pages.count) pages")
        let bodies = pages.map { page -> String in
            guard let end = page.range(of: "\n\n[Page ends")?.lowerBound else { return page }
            return String(page[..<end])
        }
        for body in bodies.dropLast() { #expect(body.count <= 1000, "a page of \(body.count) characters") }
        let whole = bodies.joined().replacingOccurrences(of: "\n[End of task \(HostileArchive.taskID): 2 messages.]", with: "")
        #expect(whole.contains("<script>alert('title')</script>") && whole.contains("## Artifacts"), "\(whole.suffix(300))")
        #expect(whole.components(separatedBy: "<!-- message 1 -->").count == 2, "each message once")

        let artifact = (seen["artifactText"] as? [String] ?? []).joined()
        #expect(artifact.contains("The canary burned 40% of the error budget.") && artifact.contains("sha256: "), "\(artifact)")
        #expect(seen["imageTypes"] as? [String] == ["text", "image"])
        #expect((seen["imageData"] as? [String])?.first.flatMap { Data(base64Encoded: $0) } == HostileArchive.png)

        let errors = seen["errors"] as? [String: [String: Any]] ?? [:]
        let expected = ["unknownId": "no task in the archive matches ffff0000", "ambiguous": "matches 2 tasks",
                        "invalidQuery": "invalid search query", "badLimit": "limit must be a whole number from 1 to 100",
                        "badStatus": "unknown status bogus", "missingArtifact": "has no artifact nope.txt", "unknownTool": "unknown tool"]
        for (label, text) in expected {
            #expect(errors[label]?["isError"] as? Bool == true, "\(label): \(errors[label] ?? [:])")
            #expect((errors[label]?["text"] as? String)?.contains(text) == true, "\(label): \(errors[label] ?? [:])")
        }
        #expect(seen["aliveAfterErrors"] as? Bool == true)

        let resources = seen["resources"] as? [String] ?? []
        #expect(resources.first == "sigmic://tasks/\(HostileArchive.taskID)" && resources.count == 4, "newest first: \(resources)")
        #expect((seen["resourceText"] as? String)?.hasPrefix("---\nid: \"\(GoldenArchive.taskA)\"") == true)
        #expect((seen["unknownResource"] as? String)?.contains("ffff0000") == true, "\(seen["unknownResource"] ?? "")")
    }

    @Test func aMissingArchiveIsAOneLineErrorOnStderr() throws {
        let folder = try TempFolder("mcp-missing")
        let result = try CommandRunner.run(["mcp", "--archive", folder.path("nothing").path])
        #expect(result.status == 1 && result.stdout.isEmpty, "nothing but protocol on stdout: \(result.stdout)")
        // The server program words it as every command does.
        #expect(result.stderr.hasPrefix("sigmic-archive: error: no archive at \(folder.path("nothing").path) (run `sigmic-archive sync` first"),
                "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }
}
