import ArchivePostgres
import ArchiveStore
import Foundation
import Testing
import TestSupport

/// Search over entries of about 1 MB on PostgreSQL, as on a folder: ts_headline parses a whole text,
/// so long entries get their snippet from a window here too, and both engines find the same entries
/// with the same marked snippets for them.
@Suite
struct PostgresLongEntrySearchTests {
    @Test func broadTermsInLongEntriesAnswerAlikeOnBothEngines() async throws {
        let folder = try TempFolder("postgres-long")
        let (archive, _, task) = try Fixtures.archiveWithTask(in: folder)
        try await archive.write { writer in
            try writer.replaceHistory((0..<4).map { index in
                Fixtures.message("m\(index)", content: LongLog.text(seed: index))
            }, task: task)
        }
        try archive.close()
        try await TestDatabase.with { location in
            let copy = try await CommandRunner.runDetached(["copy", "--from", folder.path("archive").path, "--to", location.display])
            #expect(copy.status == 0, "\(copy.stderr)")
            for query in ["a*", "al*", "alpha", "zyzzyva", "llocate"] {
                var snippets: [[String]] = []
                for where_ in [folder.path("archive").path, location.display] {
                    let result = try await CommandRunner.runDetached(["search", query, "--json", "--limit", "0", "--archive", where_])
                    #expect(result.status == 0, "\(query): \(result.stderr)")
                    let hits = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
                    snippets.append(hits.compactMap { $0["snippet"] as? String }.sorted())
                }
                #expect(snippets[0].count == 4, "\(query)")
                #expect(snippets[0] == snippets[1], "\(query): the engines cut long entries differently")
                #expect(snippets[1].allSatisfy { $0.contains("[") }, "\(query): \(snippets[1].first ?? "")")
            }
        }
    }
}
