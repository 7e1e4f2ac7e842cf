import ArchiveStore
import Foundation
import Testing
import TestSupport

/// `tasks`, `show` and `search` on a fixed archive, against golden files in Golden/. To accept a
/// deliberate change of output, run the tests with SIGMIC_UPDATE_GOLDEN=1 and review the diff.
@Suite struct ReadingCommandsTests {
    let folder: TempFolder
    var archive: String { folder.path("a").path }

    init() throws {
        folder = try TempFolder("cli-reading")
        try GoldenArchive.create(at: folder.path("a"))
    }

    func run(_ arguments: [String]) throws -> CommandResult {
        try CommandRunner.run(arguments + ["--archive", archive], environment: ["COLUMNS": "100", "NO_COLOR": "1"])
    }

    static let goldenFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Golden")

    func expectGolden(_ name: String, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try run(arguments)
        #expect(result.status == 0, "\(result.stderr)", sourceLocation: sourceLocation)
        let file = Self.goldenFolder.appending(path: name)
        if ProcessInfo.processInfo.environment["SIGMIC_UPDATE_GOLDEN"] == "1" {
            try Data(result.stdout.utf8).write(to: file)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(result.stdout == expected, "output of \(arguments.joined(separator: " ")) differs from Golden/\(name)", sourceLocation: sourceLocation)
    }

    /// `export` selects tasks with the same filters as `tasks` (one option group), and they narrow each other.
    @Test func exportSelectsWithTheTaskFilters() throws {
        func exported(_ filters: [String]) throws -> [String] {
            let out = folder.path("export-\(filters.joined().filter(\.isLetter))")
            let result = try run(["export", "-o", out.path, "--format", "json"] + filters)
            #expect(result.status == 0, "\(filters): \(result.stderr)")
            return try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".json") }
                .compactMap { try JSONSerialization.jsonObject(with: Data(contentsOf: out.appending(path: $0))) as? [String: Any] }
                .compactMap { ($0["task"] as? [String: Any])?["id"] as? String }.sorted()
        }
        let listed = { (filters: [String]) throws -> [String] in
            let rows = try JSONSerialization.jsonObject(with: Data(try run(["tasks", "--json", "--limit", "0"] + filters).stdout.utf8)) as? [[String: Any]]
            return (rows ?? []).compactMap { $0["id"] as? String }.sorted()
        }
        for filters in [["--status", "failed"], ["--status", "completed", "--status", "running"], ["--since", "2026-02-01", "--until", "2026-03-01"]] {
            let (ids, expected) = (try exported(filters), try listed(filters))
            #expect(!ids.isEmpty && ids == expected, "\(filters): \(ids)")
        }
        #expect(try exported(["--status", "failed"]) == [GoldenArchive.taskB])
        let bad = try run(["export", "--status", "bogus", "-o", folder.path("x").path])
        #expect(bad.status == 64 && bad.stderr.contains("unknown status bogus"), "\(bad.stderr)")
        let none = try run(["export", "-o", folder.path("y").path])
        #expect(none.status == 64 && none.stderr.contains("--all, --query or a filter"), "\(none.stderr)")
    }

    @Test func goldenOutputs() throws {
        try expectGolden("tasks.txt", ["tasks"])
        try expectGolden("tasks.json", ["tasks", "--json"])
        try expectGolden("show.txt", ["show", "aaaa1"])
        try expectGolden("show-full-events.txt", ["show", "aaaa1", "--full", "--events"])
        try expectGolden("show.json", ["show", GoldenArchive.taskA, "--json", "--events"])
        try expectGolden("show-failed.txt", ["show", "bbbb"])
        try expectGolden("search.txt", ["search", "canary"])
        try expectGolden("search.json", ["search", "canary", "--json"])
        try expectGolden("search-cjk.ndjson", ["search", "数据库", "--ndjson"])
        try expectGolden("export-a.md", ["export", "aaaa1", "-o", "-"])
        try expectGolden("export-b.json", ["export", "bbbb", "--format", "json", "-o", "-"])
    }

    @Test func showJSONKeepsContentAndNumbersExact() throws {
        let result = try run(["show", "aaaa1", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let messages = try #require(object["messages"] as? [[String: Any]])
        #expect(messages.map { $0["content"] as? String } == [
            "Why did the deploy blow the error budget?\nSee the attached log.",
            "The **gpt-4** canary failed:\n\n```sh\nkubectl rollout undo deploy/checkout\n```\n\nRollback done.",
        ])
        for key in ["id", "role", "content", "createdAt", "thoughts", "toolCalls", "attachedFiles"] {
            #expect(messages.allSatisfy { $0[key] != nil }, "\(key)")
        }
        let artifacts = try #require(object["artifacts"] as? [[String: Any]])
        for key in ["path", "name", "size", "mimeType", "modifiedAt", "sha256", "stored"] {
            #expect(artifacts.allSatisfy { $0[key] != nil }, "\(key)")
        }
        #expect(artifacts.map { $0["stored"] as? Bool } == [true, false])
        #expect(object["events"] == nil)
        // The task's own JSON is passed through as the API sent it: no float rounding.
        #expect(result.stdout.contains(#""ratio": 0.30000000000000004"#))
        #expect((object["task"] as? [String: Any])?["systemPrompt"] as? String == "Be brief.")
    }

    @Test func longToolOutputIsFoldedUnlessFull() throws {
        let folded = try run(["show", "aaaa1"]).stdout
        #expect(folded.contains("line 8:") && !folded.contains("line 9:"))
        #expect(folded.contains("12 more lines (--full shows all)"))
        let full = try run(["show", "aaaa1", "--full"]).stdout
        #expect(full.contains("line 20:") && !full.contains("more lines"))
    }

    @Test func prefixesResolveLikeGit() throws {
        #expect(try run(["show", "bb"]).stdout.contains(GoldenArchive.taskB))
        #expect(try run(["show", "AAAA9"]).stdout.contains(GoldenArchive.taskC))
        let ambiguous = try run(["show", "aaaa"])
        #expect(ambiguous.status == 1)
        #expect(ambiguous.stdout.isEmpty)
        #expect(ambiguous.stderr.contains("ambiguous") && ambiguous.stderr.contains(GoldenArchive.taskA) && ambiguous.stderr.contains(GoldenArchive.taskC))
        #expect(ambiguous.stderr.split(separator: "\n").count == 1)
        let missing = try run(["show", "ffff"])
        #expect(missing.status == 1 && missing.stderr.contains("no task matches"))
    }

    @Test(arguments: [
        ("canary", [GoldenArchive.taskA, GoldenArchive.taskC]),
        ("canary status:running", [GoldenArchive.taskC]),
        ("canary -rollback kind:message", [GoldenArchive.taskC]),
        ("\"error budget\" role:user", [GoldenArchive.taskA]),
        ("gpt-4 OR 数据库", [GoldenArchive.taskA, GoldenArchive.taskB, GoldenArchive.taskC]),
        ("roll*", [GoldenArchive.taskA]),
        ("tool:read_logs", [GoldenArchive.taskA]),
        ("kind:artifact postmortem", [GoldenArchive.taskA]),
        ("has:artifact canary", [GoldenArchive.taskA]),
        ("after:2026-02-01 before:2026-03-01 kind:message", [GoldenArchive.taskB]),
        ("task:bbbb 性能", [GoldenArchive.taskB]),
        ("account:sigmic.ai 错误率", [GoldenArchive.taskB]),
        ("account:example.org canary", []),
        ("ollbac", [GoldenArchive.taskA]),   // inside a word: found by the substring retry
        ("NEAR canary", []),
        ("gpt-4 \"", [GoldenArchive.taskA, GoldenArchive.taskC]),
        ("canary:", [GoldenArchive.taskA, GoldenArchive.taskC]),
    ])
    func queryLanguage(query: String, tasks: [String]) throws {
        let result = try run(["search", query, "--ndjson", "--limit", "100"])
        #expect(result.status == 0, "\(result.stderr)")
        let found = Set(result.stdout.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["taskId"] as? String
        })
        #expect(found == Set(tasks), "\(query)")
    }

    @Test(arguments: ["*", "-canary", "OR", "canary OR", "kind:email", "after:soon", "has:wings", "\"\"", "role:"])
    func hostileQueriesAreOneLineErrors(query: String) throws {
        let result = try run(["search", query])
        #expect(result.status == 1, "\(query)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("sigmic-archive: error: invalid search query:"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func searchOptionsSortPageAndFilter() throws {
        func ids(_ arguments: [String]) throws -> [String] {
            try run(["search"] + arguments + ["--ndjson"]).stdout.split(separator: "\n").compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["messageId"] as? String
            }
        }
        let newest = try ids(["kind:message", "--sort", "newest"])
        #expect(newest == ["msg-c1", "msg-b2", "msg-b1", "msg-a2", "msg-a1"])
        #expect(try ids(["kind:message", "--sort", "oldest"]) == newest.reversed())
        #expect(try ids(["kind:message", "--sort", "newest", "--limit", "2", "--offset", "1"]) == ["msg-b2", "msg-b1"])
        #expect(try ids(["canary", "--status", "running"]) == ["msg-c1"])
        #expect(try ids(["kind:message", "--since", "2026-02-01", "--until", "2026-03-01", "--sort", "oldest"]) == ["msg-b1", "msg-b2"])
        #expect(try ids(["canary", "--kind", "message", "--role", "assistant"]) == ["msg-a2"])
        let bad = try run(["search", "canary", "--sort", "random"])
        #expect(bad.status != 0 && bad.stdout.isEmpty)
    }

    @Test func plainSearchMarksMatchesWithBrackets() throws {
        let result = try run(["search", "rollback"])
        #expect(result.stdout.contains("[rollback]"))
        let none = try run(["search", "zebra"])
        #expect(none.status == 0 && none.stdout == "No matches.\n")
    }
}
