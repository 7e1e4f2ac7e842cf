import Foundation
import SigmicEmulator
import Testing
import TestSupport

/// SCHEMA.md against a synced archive: every table is described (or named internal), every column of
/// a described table is in its section and nothing described is gone, and every query of "Common
/// questions" runs in the real sqlite3 shell and answers rows.
@Suite struct SchemaGuideTests {
    static let guide = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "../../SCHEMA.md").standardizedFileURL

    /// Runs SQL in the sqlite3 shell, read-only, with `:task` bound; the rows as JSON objects.
    func sqlite(_ database: URL, _ sql: String, task: String = "") throws -> [[String: Any]] {
        let result = try CommandRunner.run(["-readonly", "-json", database.path, ".parameter set :task '\(task)%'", sql],
                                           executable: URL(fileURLWithPath: "/usr/bin/sqlite3"))
        #expect(result.status == 0 && result.stderr.isEmpty, "\(sql): \(result.stderr)")
        guard !result.stdout.isEmpty else { return [] }
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]], "\(result.stdout)")
    }

    /// The `names` in backticks in a line.
    static func backticked(_ line: Substring) -> [String] {
        line.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    /// The guide's sections: each `### ` heading's backticked names, with the section's text.
    static func sections(_ text: String) -> [(names: [String], body: String)] {
        text.components(separatedBy: "\n### ").dropFirst().map { chunk in
            let heading = chunk.prefix { $0 != "\n" }
            let names = backticked(heading)
            let body = chunk.components(separatedBy: "\n## ").first ?? ""
            return (names, body)
        }
    }

    @Test func theGuideDescribesTheSchemaAndItsQueriesRun() async throws {
        try await withEmulatorWorld(tasks: 10, label: "schema-guide") { emulator, folder in
            let env = ["SIGMIC_BASE_URL": emulator.baseURL, "SIGMIC_API_KEY": emulator.keys[0], "SIGMIC_ARCHIVE": folder.path("a").path]
            let sync = try await CommandRunner.runDetached(["sync"], environment: env)
            #expect(sync.status == 0, "\(sync.stderr)")
            let database = folder.path("a").appending(path: "archive.sqlite")
            let text = try String(contentsOf: Self.guide, encoding: .utf8)
            let sections = Self.sections(text)
            let described = Set(sections.flatMap(\.names))
            let internalPart = try #require(text.components(separatedBy: "## Internal tables").last?.components(separatedBy: "\n## ").first)

            let objects = try sqlite(database, "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'")
            let names = objects.compactMap { $0["name"] as? String }
            for name in names where !name.hasPrefix("search_fts_") && !name.hasPrefix("search_trigram_") {
                #expect(described.contains(name) || internalPart.contains("`\(name)`"), "SCHEMA.md does not describe \(name)")
            }
            for name in described { #expect(names.contains(name), "SCHEMA.md describes \(name), which the archive lacks") }

            for (tables, body) in sections {
                let documented = Set(body.split(separator: "\n").filter { $0.hasPrefix("| `") }.flatMap { row in
                    Self.backticked(row.split(separator: "|", omittingEmptySubsequences: false)[1])
                })
                var actual: Set<String> = []
                for table in tables {
                    actual.formUnion(try sqlite(database, "SELECT name FROM pragma_table_info('\(table)')").compactMap { $0["name"] as? String })
                }
                // The FTS tables' one column, body, is search_doc's, described in the same section.
                #expect(actual.subtracting(documented).isEmpty, "\(tables): columns not in SCHEMA.md: \(actual.subtracting(documented).sorted())")
                #expect(documented.subtracting(actual).isEmpty, "\(tables): SCHEMA.md names columns the archive lacks: \(documented.subtracting(actual).sorted())")
            }

            let queries = text.components(separatedBy: "```sql\n").dropFirst().map { $0.components(separatedBy: "```").first ?? "" }
            #expect(queries.count >= 8)
            let task = try #require(try sqlite(database, """
                SELECT t.remote_id FROM task t JOIN message m ON m.task_id = t.id
                WHERE json_array_length(m.tool_calls_json) > 0 LIMIT 1
                """).first?["remote_id"] as? String)
            for query in queries {
                #expect(try !sqlite(database, query, task: String(task.prefix(8))).isEmpty, "no rows: \(query)")
            }
        }
    }
}
