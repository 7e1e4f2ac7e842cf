import ArchiveStore
import Foundation
import Testing
import TestSupport

/// The first probe of the hardening issue, through every reader of the real binary: four messages of
/// about 1 MB, searched for `a*`, `al*` and `alpha` by `search`, `serve` and `mcp` (the official
/// client). Each answers with marked snippets; before, `a*` ran for minutes. The processes get a
/// generous timeout only so that a regression fails instead of hanging the suite.
@Suite struct LongMessageSearchTests {
    let folder: TempFolder
    var archive: URL { folder.path("archive") }
    static let queries = ["a*", "al*", "alpha"]

    init() throws {
        folder = try TempFolder("long-messages")
        let (archive, _, task) = try Fixtures.archiveWithTask(in: folder)
        try archive.write { writer in
            try writer.replaceHistory((0..<4).map { Fixtures.message("m\($0)", content: LongLog.text(seed: $0)) }, task: task)
        }
        try archive.close()
    }

    @Test(arguments: queries)
    func theCommandAnswers(_ query: String) throws {
        let result = try CommandRunner.run(["-k", "9", "60", try CommandRunner.binary().path, "search", query, "--json", "--archive", archive.path],
                                           executable: URL(fileURLWithPath: "/usr/bin/timeout"))
        #expect(result.status == 0, "\(result.stderr)")
        let hits = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(hits.count == 4 && hits.allSatisfy { ($0["snippet"] as? String ?? "").contains("[") })
    }

    @Test func serveAnswersEveryQuery() async throws {
        let server = try ServeProcess(archive: archive)
        for query in Self.queries {
            let response = try await server.get("/api/search?q=\(query.replacingOccurrences(of: "*", with: "%2A"))")
            #expect(response.status == 200, "\(query): \(response.text.prefix(200))")
            let hits = try #require(try JSONSerialization.jsonObject(with: response.body) as? [[String: Any]])
            #expect(hits.count == 4, "\(query)")
        }
        #expect(try await server.get("/search?q=a%2A").status == 200)
    }

    @Test func mcpAnswersEveryQuery() throws {
        try MachinePart.python(["mcp"]).require()
        let helper = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Helpers/mcp_search.py")
        let result = try CommandRunner.run(["-k", "9", "120", "python3", helper.path, try CommandRunner.binary().path, archive.path] + Self.queries,
                                           executable: URL(fileURLWithPath: "/usr/bin/timeout"))
        #expect(result.status == 0, "\(result.stderr.suffix(600))")
        let answers = result.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(answers.count == Self.queries.count, "\(result.stdout.prefix(400))")
        for answer in answers {
            #expect(answer["isError"] as? Bool == false && (answer["hits"] as? [Any])?.count == 4, "\(answer["query"] ?? "")")
        }
    }
}
