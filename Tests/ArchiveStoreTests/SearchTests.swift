import ArchiveStore
import Foundation
import Testing
import TestSupport

@Suite struct SearchTests {
    let folder: TempFolder
    let archive: Archive
    let task: TaskRowID

    init() throws {
        folder = try TempFolder("search")
        (archive, _, task) = try Fixtures.archiveWithTask(in: folder)
        try archive.write { writer in
            try writer.replaceHistory([
                Fixtures.message("m1", role: "user", content: "Why did the deploy blow the error budget?"),
                Fixtures.message("m2", content: "The gpt-4 canary failed; rollback done.",
                                 thoughts: #"[{"subject":"Diagnosis","description":"latency spike in eu-west"}]"#,
                                 toolCalls: #"[{"callId":"c1","toolName":"read_logs","status":"success","args":{"service":"checkout"},"output":"timeout after 30s"}]"#),
            ], task: task)
            try writer.upsertArtifacts([Fixtures.artifact("downloads/postmortem.md")], task: task)
        }
    }

    func kinds(_ text: String) async throws -> [String] {
        try await archive.search(SearchQuery.parse(text)).map(\.kind.rawValue)
    }

    @Test func findsTextInEveryKindOfEntry() async throws {
        #expect(try await kinds("budget") == ["message"])
        #expect(try await kinds("latency") == ["thought"])
        #expect(try await kinds("checkout") == ["tool"])
        #expect(try await kinds("timeout") == ["tool"])
        #expect(try await kinds("postmortem") == ["artifact"])
    }

    @Test func snippetsMarkTheMatches() async throws {
        let hit = try #require(try await archive.search(SearchQuery.parse("budget")).first)
        #expect(hit.snippet.contains("\u{2}budget\u{3}"))
        #expect(hit.taskTitle == "What is 2+2?")
        #expect(hit.messageID == "m1")
        #expect(hit.score > 0)
    }

    @Test func userTextIsNeverSearchSyntax() async throws {
        #expect(try await kinds("gpt-4") == ["message"])
        #expect(try await kinds("\"error budget\"") == ["message"])
        #expect(try await kinds("\"budget error\"").isEmpty)
        #expect(try await kinds("NEAR canary").count == 0)   // NEAR is a word here, and it is not in the text
        #expect(try await kinds("roll*") == ["message"])
        #expect(try await kinds("deploy -canary") == ["message"])
        #expect(try await kinds("canary OR budget").count == 2)
        #expect(try await kinds("kind:tool checkout") == ["tool"])
        #expect(try await kinds("role:user deploy") == ["message"])
        #expect(try await kinds("role:assistant deploy").isEmpty)
        #expect(try await kinds("\"unbalanced budget").isEmpty)  // the phrase "unbalanced budget" is not in the text
    }

    @Test func searchFollowsUpdatesAndDeletes() async throws {
        try await archive.write { writer in
            try writer.replaceHistory([Fixtures.message("m1", role: "user", content: "Why did the release slip?")], task: task)
        }
        #expect(try await kinds("budget").isEmpty)
        #expect(try await kinds("latency").isEmpty)
        #expect(try await kinds("slip") == ["message"])
        try await archive.write { try $0.upsertArtifacts([Fixtures.artifact("downloads/renamed.md")], task: task) }
        #expect(try await kinds("renamed") == ["artifact"])
    }

    @Test func filtersAloneListNewestFirst() async throws {
        let hits = try await archive.search(SearchQuery.parse("kind:message"), options: SearchOptions(sort: .newest))
        #expect(hits.map(\.messageID) == ["m2", "m1"])
    }

    func addCJK() throws {
        try archive.write { writer in
            try writer.replaceHistory([
                Fixtures.message("m1", role: "user", content: "Why did the deploy blow the error budget?"),
                Fixtures.message("m3", role: "user", content: "我们需要分析数据库的性能问题", createdAt: "2026-01-26T15:52:00.000Z"),
                Fixtures.message("m4", content: "データベースの設定を確認しました。canary も見ました", createdAt: "2026-01-26T15:53:00.000Z"),
            ], task: task)
        }
    }

    @Test func findsTextWrittenWithoutSpaces() async throws {
        try addCJK()
        let three = try await archive.search(SearchQuery.parse("数据库"))
        #expect(three.map(\.messageID) == ["m3"])
        #expect(three.first?.snippet.contains("\u{2}数据库\u{3}") == true)
        let two = try await archive.search(SearchQuery.parse("性能"))   // too short for the trigram index: LIKE
        #expect(two.map(\.messageID) == ["m3"])
        #expect(two.first?.snippet.contains("\u{2}性能\u{3}") == true)
        #expect(try await archive.search(SearchQuery.parse("数据库 性能")).map(\.messageID) == ["m3"])
        #expect(try await archive.search(SearchQuery.parse("数据库 -性能")).isEmpty)
        #expect(try await archive.search(SearchQuery.parse("设置")).isEmpty)   // simplified 设 is not the Japanese 設
        #expect(try await archive.search(SearchQuery.parse("設定")).map(\.messageID) == ["m4"])
        #expect(try await archive.search(SearchQuery.parse("canary 確認")).map(\.messageID) == ["m4"])
        #expect(try await archive.search(SearchQuery.parse("データ OR 数据库")).count == 2)
        #expect(try await archive.search(SearchQuery.parse("\"分析数据\"")).map(\.messageID) == ["m3"])
        #expect(try await archive.search(SearchQuery.parse("数据库 role:assistant")).isEmpty)
    }

    @Test func substringsAreFoundWhenNoWordMatches() async throws {
        let word = try await archive.search(SearchQuery.parse("budget"))
        #expect(word.map(\.match) == [.words])
        let inside = try await archive.search(SearchQuery.parse("udge"))
        #expect(inside.map(\.messageID) == ["m1"])
        #expect(inside.first?.match == .substring)
        #expect(inside.first?.snippet.contains("\u{2}") == true)
        #expect(try await archive.search(SearchQuery.parse("ollbac")).map(\.messageID) == ["m2"])
        #expect(try await archive.search(SearchQuery.parse("ollbac -canary")).isEmpty)
        #expect(try await archive.search(SearchQuery.parse("ud")).isEmpty)   // too short to search inside words
        #expect(try await archive.search(SearchQuery.parse("zzzqqq")).isEmpty)
        // Paging through substring matches: "eck" is inside "checkout" (a tool call) and nowhere as a word.
        let all = try await archive.search(SearchQuery.parse("eck"), options: SearchOptions(sort: .newest, limit: 10))
        #expect(all.count >= 1)
        let second = try await archive.search(SearchQuery.parse("ollba OR eck"), options: SearchOptions(sort: .newest, limit: 1, offset: 1))
        #expect(second.count == 1 && second.first?.match == .substring)
        #expect(try await archive.search(SearchQuery.parse("budget"), options: SearchOptions(limit: 5, offset: 5)).isEmpty)
    }

    @Test func bothIndexesStayExactThroughEditsAndDeletes() async throws {
        try addCJK()
        try await archive.write { writer in
            // Replace CJK text by Latin and back, drop messages, rename an artifact.
            try writer.replaceHistory([
                Fixtures.message("m3", role: "user", content: "now plain text", createdAt: "2026-01-26T15:52:00.000Z"),
                Fixtures.message("m4", content: "今度は日本語です", createdAt: "2026-01-26T15:53:00.000Z"),
            ], task: task)
            try writer.upsertArtifacts([Fixtures.artifact("downloads/报告.md")], task: task)
        }
        #expect(try archive.verify().isClean)
        #expect(try await archive.search(SearchQuery.parse("数据库")).isEmpty)
        #expect(try await archive.search(SearchQuery.parse("日本語")).map(\.messageID) == ["m4"])
        #expect(try await archive.search(SearchQuery.parse("报告")).map(\.kind) == [.artifact])
        #expect(try await archive.search(SearchQuery.parse("日本語 OR plain")).count == 2)
    }
}
