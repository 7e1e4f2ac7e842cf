import ArchivePostgres
import Foundation
import SigmicEmulator
import Testing
import TestSupport

/// `search` on a PostgreSQL archive finds what it finds in the folder it was copied from: the same
/// entries for words, phrases, prefixes, exclusions, filters, a planted token, text written without
/// spaces and the substring retry (ranking and snippets are each engine's own).
@Suite
struct PostgresSearchTests {
    /// The entries a `search --json --limit 0` found, as comparable keys, and whether they were substring matches.
    func entries(_ result: CommandResult) throws -> Set<String> {
        #expect(result.status == 0, "\(result.stderr)")
        let hits = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]], "\(result.stdout)")
        return Set(hits.map { hit in
            ["taskId", "messageId", "artifactPath", "kind", "toolName", "match"].map { "\(hit[$0] ?? "-")" }.joined(separator: "|")
        })
    }

    @Test func theSameQueriesFindTheSameEntries() async throws {
        try await withEmulatorWorld(tasks: 12, label: "postgres-search") { emulator, folder in
            let archive = folder.path("a").path
            let env = ["SIGMIC_BASE_URL": emulator.baseURL, "SIGMIC_API_KEY": emulator.keys[0], "SIGMIC_ARCHIVE": archive]
            #expect(try await CommandRunner.runDetached(["sync"], environment: env).status == 0)
            for prompt in ["Find the zqxjplanted budget line", "请做数据分析并总结季度收入"] {
                #expect(try await CommandRunner.runDetached(["run", prompt], environment: env).status == 0)
            }

            try await TestDatabase.with { location in
                let copy = try await CommandRunner.runDetached(["copy", "--from", archive, "--to", location.display])
                #expect(copy.status == 0, "\(copy.stderr)")
                let queries = [
                    "zqxjplanted", "revenue", "revenue -month", "\"release notes\"", "rev*", "revenue OR ledger",
                    "数据分析", "季度", "evenu", "kind:tool read_file", "role:user", "revenue has:artifact", "budget status:completed",
                ]
                var found = 0
                for query in queries {
                    let arguments = ["search", query, "--json", "--limit", "0"]
                    let here = try entries(try await CommandRunner.runDetached(arguments + ["--archive", archive]))
                    let there = try entries(try await CommandRunner.runDetached(arguments + ["--archive", location.display]))
                    #expect(here == there, "\(query): only in the folder \(here.subtracting(there).sorted().prefix(3)), only in PostgreSQL \(there.subtracting(here).sorted().prefix(3))")
                    if !here.isEmpty { found += 1 }
                }
                #expect(found >= queries.count - 2, "most queries find something")
                let sorted = try await CommandRunner.runDetached(["search", "revenue", "--sort", "newest", "--json", "--archive", location.display])
                let times = try #require(try JSONSerialization.jsonObject(with: Data(sorted.stdout.utf8)) as? [[String: Any]]).compactMap { $0["createdAt"] as? String }
                #expect(!times.isEmpty && times == times.sorted(by: >))
                let invalid = try await CommandRunner.runDetached(["search", "OR", "--archive", location.display])
                #expect(invalid.status != 0 && invalid.stderr.contains("invalid search query"), "\(invalid.stderr)")
            }
        }
    }
}
