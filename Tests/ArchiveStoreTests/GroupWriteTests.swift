import ArchiveStore
import Foundation
import Testing
import TestSupport

/// Several units in one transaction (`writeEach`), and the search indexes brought up to date once
/// per transaction (migrations 0009 and 0010).
@Suite struct GroupWriteTests {
    let folder: TempFolder
    let archive: Archive
    let task: TaskRowID

    init() throws {
        folder = try TempFolder("group-write")
        (archive, _, task) = try Fixtures.archiveWithTask(in: folder)
    }

    func found(_ word: String) async throws -> [String] {
        try await archive.search(SearchQuery.parse(word)).compactMap(\.messageID)
    }

    /// Entries the word index holds for a word, read straight from the index.
    func indexed(_ word: String) throws -> Int {
        let count = try SQLiteShell.run(archive.databaseURL, "SELECT count(*) FROM search_fts WHERE search_fts MATCH '\(word)'")
        return Int(count.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    @Test func aUnitThatFailsIsRolledBackAloneAndTheOthersCommit() async throws {
        let outcomes = try await archive.writeEach(GroupWriteCase.units(task))
        try await GroupWriteCase.expectOnlyTheFailedUnitRolledBack(outcomes, in: archive, task: task)
        #expect(try await found("alpha") == ["m1"])
        #expect(try await found("bravo").isEmpty)
        #expect(try await found("charlie") == ["m3"])
        #expect(try archive.verify().isClean)
    }

    @Test func editsWithinOneTransactionLeaveTheIndexesExact() async throws {
        try await archive.write { writer in
            // Insert, rewrite and delete the same entries before the transaction ends: the indexes must
            // end up holding only the final text (a wrong 'delete' would corrupt an FTS5 index).
            try writer.replaceHistory([Fixtures.message("m1", content: "first draft"),
                                       Fixtures.message("m2", content: "短い文章です")], task: task)
            try writer.replaceHistory([Fixtures.message("m1", content: "second draft")], task: task)
            try writer.replaceHistory([Fixtures.message("m1", content: "final text"),
                                       Fixtures.message("m3", content: "別の文章です")], task: task)
        }
        try await archive.write { writer in
            try writer.replaceHistory([Fixtures.message("m1", content: "final text, edited")], task: task)
        }
        #expect(try archive.verify().isClean)
        #expect(try await found("draft").isEmpty)
        #expect(try await found("edited") == ["m1"])
        #expect(try await found("文章").isEmpty)
        let unapplied = try SQLiteShell.run(archive.databaseURL, "SELECT count(*) FROM search_pending")
        #expect(unapplied.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    @Test func anEntryThatReusesTheIdOfADeletedNewestEntryIsIndexed() async throws {
        // New entries are found by id (above the last indexed id). Deleting the newest entry hands its
        // id out again, so the next entry has an id that was indexed before: in a later transaction
        // and within the same one, it must still be indexed, and only with its own text.
        try await archive.write { writer in
            try writer.replaceHistory([Fixtures.message("m1", content: "alpha words"),
                                       Fixtures.message("m2", content: "bravo words")], task: task)
        }
        try await archive.write { try $0.replaceHistory([Fixtures.message("m1", content: "alpha words")], task: task) }
        try await archive.write { writer in
            try writer.replaceHistory([Fixtures.message("m1", content: "alpha words"),
                                       Fixtures.message("m3", content: "charlie words")], task: task)
        }
        let ids = try SQLiteShell.run(archive.databaseURL, "SELECT group_concat(id) FROM search_doc ORDER BY id")
        #expect(ids.trimmingCharacters(in: .whitespacesAndNewlines) == "1,2")
        #expect(try await found("bravo").isEmpty)
        #expect(try await found("charlie") == ["m3"])
        try await archive.write { writer in
            try writer.replaceHistory([Fixtures.message("m1", content: "alpha words")], task: task)
            try writer.replaceHistory([Fixtures.message("m1", content: "alpha words"),
                                       Fixtures.message("m4", content: "delta words 短い文章です")], task: task)
        }
        #expect(try await found("charlie").isEmpty)
        #expect(try await found("delta") == ["m4"])
        #expect(try await found("文章") == ["m4"])
        #expect(try await found("words").sorted() == ["m1", "m4"])
        #expect(try archive.verify().isClean)
    }

    @Test func deferredIndexingIsDoneByTheNextWriteAndIsNoProblemWhileAWriterRuns() async throws {
        let task = self.task
        _ = try await archive.writeEach([
            { try $0.replaceHistory([Fixtures.message("m1", content: "alpha words"),
                                     Fixtures.message("m2", content: "bravo words")], task: task) },
        ])
        // Entries added and changed (m2 rewritten, m1 deleted) without indexing, over two transactions.
        _ = try await archive.writeEach([
            { try $0.replaceHistory([Fixtures.message("m2", content: "bravo rewritten"),
                                     Fixtures.message("m3", content: "charlie words")], task: task) },
        ], indexSearch: false)
        _ = try await archive.writeEach([
            { try $0.replaceHistory([Fixtures.message("m2", content: "bravo rewritten"),
                                     Fixtures.message("m3", content: "charlie words"),
                                     Fixtures.message("m4", content: "delta words")], task: task) },
        ], indexSearch: false)
        #expect(try indexed("charlie") == 0)
        #expect(try indexed("alpha") == 1)   // the index still holds what it held

        // While a writer holds the archive, what it has not indexed yet is not a problem...
        var lock: ArchiveLock? = try ArchiveLock.acquire(archive, purpose: "sync")
        let during = try archive.verify()
        #expect(during.isClean)
        #expect(during.writer?.hasPrefix("sync (pid ") == true)
        // ...once it is gone without indexing, it is.
        #expect(lock != nil)
        lock = nil
        let after = try archive.verify()
        #expect(after.problems.map(\.kind) == [.searchIndex])
        #expect(after.problems.first?.detail.hasPrefix("4 search entries changed") == true)

        try await archive.write { _ in }   // any write indexes everything pending
        #expect(try archive.verify().isClean)
        #expect(try indexed("charlie") == 1)
        #expect(try indexed("alpha") == 0)
        #expect(try await found("alpha").isEmpty)
        #expect(try await found("bravo") == ["m2"])
        #expect(try await found("rewritten") == ["m2"])
        #expect(try await found("words").sorted() == ["m3", "m4"])
    }

    @Test func changesLeftUnappliedAreReportedAndRepaired() async throws {
        try await archive.write { try $0.upsertMessages([Fixtures.message("m1", content: "indexed text")], task: task) }
        // Another program writes an entry and commits without applying it to the indexes.
        try SQLiteShell.run(archive.databaseURL, """
            INSERT INTO search_doc (task_id, kind, body) VALUES (\(task.rawValue), 'message', 'forgotten words');
            """)
        let report = try archive.verify()
        #expect(report.problems.map(\.kind) == [.searchIndex])
        #expect(report.problems.first?.detail.contains("1 search entries changed without their index being updated") == true)
        #expect(report.problems.first?.repair == "index them")   // what the next write would do, not a rebuild
        #expect(try archive.verify(repair: true).repaired)
        #expect(try archive.verify().isClean)
        #expect(try await archive.search(SearchQuery.parse("forgotten")).count == 1)
        #expect(try await found("indexed") == ["m1"])
    }
}
