import ArchiveStore
import Foundation
import Testing
import TestSupport

/// A list cut by its default `--limit` says so on stderr (stdout stays a plain list), and `--limit 0`
/// lists everything: 57 tasks, each with one message that says "budget".
@Suite struct ListLimitTests {
    let folder: TempFolder
    static let taskCount = 57

    init() throws {
        folder = try TempFolder("cli-limits")
        let archive = try Archive.open(at: folder.path("a"))
        try archive.write { writer in
            let account = try writer.account(baseURL: "https://api.sigmic.ai", apiKey: Fixtures.apiKey)
            for index in 0..<Self.taskCount {
                let id = String(format: "%08x-0000-4000-8000-%012x", index, index)
                let day = String(format: "2026-01-%02dT10:%02d:00.000Z", index % 28 + 1, index % 60)
                let message = "Review budget number \(index)"
                let row = try writer.upsertListedTask(Fixtures.task(id, status: index < 5 ? .failed : .completed, message: message, createdAt: day),
                                                      account: account)
                try writer.replaceHistory([Fixtures.message("m\(index)", role: "user", content: message, createdAt: day)], task: row)
            }
        }
    }

    func run(_ arguments: [String]) throws -> CommandResult {
        try CommandRunner.run(arguments + ["--archive", folder.path("a").path])
    }

    func jsonCount(_ result: CommandResult) throws -> Int {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [Any], "\(result.stdout.prefix(300))").count
    }

    @Test func tasksSaysWhenTheDefaultCutTheList() throws {
        let cut = try run(["tasks", "--json"])
        #expect(try cut.status == 0 && jsonCount(cut) == 50)
        #expect(cut.stderr == "sigmic-archive: 50 of 57 shown; --limit 0 for all\n", "\(cut.stderr)")

        let all = try run(["tasks", "--json", "--limit", "0"])
        #expect(try jsonCount(all) == Self.taskCount && all.stderr.isEmpty)
        let chosen = try run(["tasks", "--ndjson", "--limit", "10"])
        #expect(chosen.stdout.split(separator: "\n").count == 10 && chosen.stderr.isEmpty, "an explicit limit is no surprise")
        let few = try run(["tasks", "--status", "failed"])
        #expect(few.stdout.split(separator: "\n").count == 6 && few.stderr.isEmpty, "\(few.stdout)")

        let negative = try run(["tasks", "--limit=-1"])
        #expect(negative.status != 0 && negative.stderr.contains("--limit must be ≥ 0"))
    }

    @Test func searchSaysWhenTheDefaultCutTheList() throws {
        let cut = try run(["search", "budget", "--json"])
        #expect(try cut.status == 0 && jsonCount(cut) == 20)
        #expect(cut.stderr == "sigmic-archive: 20 of 57 shown; --limit 0 for all\n", "\(cut.stderr)")

        let second = try run(["search", "budget", "--offset", "20"])
        #expect(second.stderr == "sigmic-archive: 21–40 of 57 shown; --limit 0 for all\n", "\(second.stderr)")
        let last = try run(["search", "budget", "--offset", "40", "--ndjson"])
        #expect(last.stdout.split(separator: "\n").count == 17 && last.stderr.isEmpty)

        let all = try run(["search", "budget", "--json", "--limit", "0"])
        #expect(try jsonCount(all) == Self.taskCount && all.stderr.isEmpty)
        let filtered = try run(["search", "budget", "status:failed", "--json"])
        #expect(try jsonCount(filtered) == 5 && filtered.stderr.isEmpty)
    }
}
