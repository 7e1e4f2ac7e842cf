import ArchiveStore
import Foundation
import Testing
import TestSupport

@Suite struct TasksCommandTests {
    let folder: TempFolder

    init() throws {
        folder = try TempFolder("cli-tasks")
        let archive = try Archive.open(at: folder.path("a"))
        try archive.write { writer in
            let account = try writer.account(baseURL: "https://api.sigmic.ai", apiKey: Fixtures.apiKey)
            for (id, status, day, message) in [
                ("aaaa1111-0000-4000-8000-000000000001", "completed", "2026-01-05", "Plot the error budget\nwith details"),
                ("bbbb2222-0000-4000-8000-000000000002", "failed", "2026-02-10", "Why did the deploy fail?"),
                ("cccc3333-0000-4000-8000-000000000003", "running", "2026-03-15", "数据分析"),
            ] {
                let row = try writer.upsertListedTask(Fixtures.task(id, status: TaskStatus(status), message: message, createdAt: "\(day)T10:00:00.000Z"), account: account)
                try writer.replaceHistory([Fixtures.message("m1", role: "user", content: message, createdAt: "\(day)T10:00:00.000Z")], task: row)
            }
        }
    }

    func run(_ arguments: [String]) throws -> CommandResult {
        try CommandRunner.run(["tasks", "--archive", folder.path("a").path] + arguments, environment: ["COLUMNS": "80"])
    }

    @Test func listsNewestActivityFirstAsATable() throws {
        let result = try run([])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("ID        STATUS"))
        #expect(lines[1].hasPrefix("cccc3333  running"))
        #expect(lines[3].hasPrefix("aaaa1111  completed") && lines[3].hasSuffix("Plot the error budget"))
        #expect(lines.allSatisfy { $0.count <= 80 })
    }

    @Test func jsonCarriesTheDocumentedFields() throws {
        let result = try run(["--json"])
        let tasks = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(tasks.map { $0["id"] as? String } == ["cccc3333-0000-4000-8000-000000000003", "bbbb2222-0000-4000-8000-000000000002", "aaaa1111-0000-4000-8000-000000000001"])
        for key in ["id", "status", "createdAt", "lastActivityAt", "messageCount", "title"] {
            #expect(tasks.allSatisfy { $0[key] != nil }, "\(key)")
        }
        #expect(tasks.last?["title"] as? String == "Plot the error budget")
    }

    @Test func filtersByStatusDateAndLimit() throws {
        let failed = try run(["--ndjson", "--status", "failed", "--status", "completed"])
        #expect(failed.stdout.split(separator: "\n").count == 2)
        let recent = try run(["--ndjson", "--since", "2026-02-01", "--until", "2026-03-01"])
        #expect(recent.stdout.split(separator: "\n").count == 1 && recent.stdout.contains("bbbb2222"))
        let one = try run(["--json", "--limit", "1"])
        #expect(one.stdout.contains("cccc3333") && !one.stdout.contains("bbbb2222"))
        let other = try run(["--account", "example.org"])
        #expect(other.stdout == "No tasks match.\n")
    }

    @Test(arguments: [["--status", "done"], ["--since", "last week"], ["--json", "--ndjson"], ["--limit", "-1"]])
    func badOptionsAreOneLineErrors(arguments: [String]) throws {
        let result = try run(arguments)
        #expect(result.status != 0)
        #expect(result.stderr.hasPrefix("Error: "))
        #expect(result.stdout.isEmpty)
    }
}
