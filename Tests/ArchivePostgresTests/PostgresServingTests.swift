import ArchivePostgres
import ArchiveStore
import Foundation
import Testing
import TestSupport

/// `serve` and `mcp` on a PostgreSQL archive answer exactly as they do on the folder it was copied
/// from: pages, JSON, search, artifacts (a file of several 1 MiB pieces streamed out of the database
/// among them), the hostile content escaped alike, and the official MCP client sees the same answers.
@Suite
struct PostgresServingTests {
    /// The hostile archive plus a 2.5 MiB file, copied into a new database.
    func withCopiedArchive(_ body: (_ folder: URL, _ url: String, _ big: Data) async throws -> Void) async throws {
        let temp = try TempFolder("postgres-serving")
        let folder = temp.path("archive")
        try HostileArchive.create(at: folder)
        let big = Data((0..<(5 << 19)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 11) })
        let archive = try Archive.open(at: folder)
        let stored = try archive.blobs.store(big)
        let task = try await archive.task(matching: GoldenArchive.taskA).rowID
        try await archive.write { writer in
            let rows = try writer.upsertArtifacts([ArtifactSnapshot(path: "out/big.bin", name: "big.bin", size: Int64(big.count),
                                                                    mimeType: "application/octet-stream", category: "output",
                                                                    modifiedAt: nil, rawJSON: "{}")], task: task)
            try writer.recordArtifactBlob(rows[0], blob: stored)
        }
        try await TestDatabase.with { location in
            let copied = try await CommandRunner.runDetached(["copy", "--from", folder.path, "--to", location.display])
            #expect(copied.status == 0, "\(copied.stderr)")
            try await body(folder, location.display, big)
        }
    }

    @Test func serveAnswersAsOnTheFolder() async throws {
        try await withCopiedArchive { folder, url, big in
            let here = try ServeProcess(archive: folder)
            let there = try ServeProcess(archive: url)
            let paths = [
                "/", "/api/tasks", "/api/tasks/\(GoldenArchive.taskA)?events=1", "/tasks/\(GoldenArchive.taskA)",
                "/tasks/\(HostileArchive.taskID)", "/api/tasks/ffff0000", "/api/search?q=%22unclosed",
                "/tasks/\(HostileArchive.taskID)/artifacts/downloads/page.html",
                "/tasks/\(HostileArchive.taskID)/artifacts/downloads/chart.png",
                "/tasks/\(HostileArchive.taskID)/artifacts/downloads/missing.txt",
                "/tasks/\(GoldenArchive.taskA)/artifacts/out/big.bin",
            ]
            for path in paths {
                let expected = try await here.get(path)
                let answer = try await there.get(path)
                #expect(answer.status == expected.status && answer.body == expected.body && !answer.truncated,
                        "\(path): \(answer.status) vs \(expected.status), \(answer.body.count) vs \(expected.body.count) bytes")
                for header in ["content-type", "content-disposition", "content-security-policy"] {
                    #expect(answer.headers[header] == expected.headers[header], "\(path) \(header)")
                }
            }
            // Search finds the same entries; snippets and scores are each engine's own.
            for query in ["canary", HostileArchive.thoughtWord, HostileArchive.toolWord, "quokka"] {
                func entries(_ server: ServeProcess) async throws -> [String] {
                    let answer = try await server.get("/api/search?q=\(query)&limit=0")
                    let hits = try #require(try JSONSerialization.jsonObject(with: answer.body) as? [[String: Any]])
                    return hits.map { hit in ["taskId", "messageId", "kind", "artifactPath"].map { "\(hit[$0] ?? "-")" }.joined(separator: "|") }.sorted()
                }
                let (expected, answer) = (try await entries(here), try await entries(there))
                #expect(!expected.isEmpty && answer == expected, "\(query): \(answer) vs \(expected)")
                let page = try await there.get("/search?q=\(query)")
                #expect(page.status == 200 && String(decoding: page.body, as: UTF8.self).contains("<mark>"), "\(query)")
            }
            let file = try await there.get("/tasks/\(GoldenArchive.taskA)/artifacts/out/big.bin")
            #expect(file.status == 200 && file.body == big)
        }
    }

    @Test func anMCPClientSeesTheSameAnswers() async throws {
        try await withCopiedArchive { folder, url, _ in
            try MachinePart.python(["mcp"]).require()
            let helper = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appending(path: "../ArchiveCLITests/Helpers/mcp_check.py").standardizedFileURL
            var seen: [NSDictionary] = []
            for archive in [folder.path, url] {
                let result = try await CommandRunner.runDetached(
                    ["python3", helper.path, try CommandRunner.binary().path, archive, GoldenArchive.taskA, HostileArchive.taskID],
                    executable: URL(fileURLWithPath: "/usr/bin/env"))
                #expect(result.status == 0, "\(result.stderr.prefix(3000))")
                seen.append(try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? NSDictionary, "\(result.stdout)"))
            }
            // Search finds the same entries; snippets and scores are each engine's own. All else is equal.
            let searches: Set<String> = ["searchHits", "thoughtHits"]
            for key in searches {
                let entries = seen.map { answers in
                    (answers[key] as? [[String: Any]] ?? []).map { hit in ["taskId", "messageId", "kind"].map { "\(hit[$0] ?? "-")" }.joined(separator: "|") }.sorted()
                }
                #expect(!entries[0].isEmpty && entries[1] == entries[0], "\(key): \(entries[1]) vs \(entries[0])")
            }
            for key in seen[0].allKeys.compactMap({ $0 as? String }) where !searches.contains(key) {
                #expect((seen[1][key] as? NSObject) == (seen[0][key] as? NSObject), "\(key) differs")
            }
        }
    }
}
