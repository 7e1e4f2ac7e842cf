import ArchiveStore
import Foundation
import Testing
import TestSupport

/// Several units in one transaction (`writeEach`), and the search indexes brought up to date once
/// per transaction (migration 0009).
@Suite struct GroupWriteTests {
    let folder: TempFolder
    let archive: Archive
    let task: TaskRowID

    init() throws {
        folder = try TempFolder("group-write")
        (archive, _, task) = try Fixtures.archiveWithTask(in: folder)
    }

    func found(_ word: String) throws -> [String] {
        try archive.search(SearchQuery.parse(word)).compactMap(\.messageID)
    }

    @Test func aUnitThatFailsIsRolledBackAloneAndTheOthersCommit() async throws {
        struct Boom: Error {}
        let task = self.task
        let outcomes = try await archive.writeEach([
            { try $0.upsertMessages([Fixtures.message("m1", content: "alpha report")], task: task) },
            { writer in
                try writer.upsertMessages([Fixtures.message("m2", content: "bravo report")], task: task)
                throw Boom()
            },
            { try $0.upsertMessages([Fixtures.message("m3", content: "charlie report")], task: task) },
        ])
        #expect(outcomes.map { $0 == nil } == [true, false, true])
        #expect(outcomes[1] is Boom)
        #expect(try archive.messages(of: task).map(\.remoteID) == ["m1", "m3"])
        #expect(try found("alpha") == ["m1"])
        #expect(try found("bravo").isEmpty)
        #expect(try found("charlie") == ["m3"])
        #expect(try archive.verify().isClean)
    }

    @Test func editsWithinOneTransactionLeaveTheIndexesExact() throws {
        try archive.write { writer in
            // Insert, rewrite and delete the same entries before the transaction ends: the indexes must
            // end up holding only the final text (a wrong 'delete' would corrupt an FTS5 index).
            try writer.replaceHistory([Fixtures.message("m1", content: "first draft"),
                                       Fixtures.message("m2", content: "短い文章です")], task: task)
            try writer.replaceHistory([Fixtures.message("m1", content: "second draft")], task: task)
            try writer.replaceHistory([Fixtures.message("m1", content: "final text"),
                                       Fixtures.message("m3", content: "別の文章です")], task: task)
        }
        try archive.write { writer in
            try writer.replaceHistory([Fixtures.message("m1", content: "final text, edited")], task: task)
        }
        #expect(try archive.verify().isClean)
        #expect(try found("draft").isEmpty)
        #expect(try found("edited") == ["m1"])
        #expect(try found("文章").isEmpty)
        let unapplied = try SQLiteShell.run(archive.databaseURL, "SELECT count(*) FROM search_pending")
        #expect(unapplied.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    @Test func changesLeftUnappliedAreReportedAndRepaired() throws {
        try archive.write { try $0.upsertMessages([Fixtures.message("m1", content: "indexed text")], task: task) }
        // Another program writes an entry and commits without applying it to the indexes.
        try SQLiteShell.run(archive.databaseURL, """
            INSERT INTO search_doc (task_id, kind, body) VALUES (\(task.rawValue), 'message', 'forgotten words');
            """)
        let report = try archive.verify()
        #expect(report.problems.map(\.kind) == ["search-index"])
        #expect(report.problems.first?.detail.contains("1 search entries changed without their index being updated") == true)
        #expect(try archive.verify(repair: true).repaired)
        #expect(try archive.verify().isClean)
        #expect(try archive.search(SearchQuery.parse("forgotten")).count == 1)
        #expect(try found("indexed") == ["m1"])
    }
}
