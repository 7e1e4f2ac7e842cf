import ArchiveStore
import Foundation
import Testing
import TestSupport

/// Search over entries of about 1 MB, the size of an agent's printed logs. FTS5's snippet() grows with
/// the square of a row's matches (`a*` over four such rows ran for minutes); these searches must answer
/// with marked snippets cut from a window, and a search past its deadline must stop with one line.
@Suite struct LongEntrySearchTests {
    let folder: TempFolder
    let archive: Archive

    init() throws {
        folder = try TempFolder("long-entries")
        let task: TaskRowID
        (archive, _, task) = try Fixtures.archiveWithTask(in: folder)
        try archive.write { writer in
            try writer.replaceHistory((0..<4).map { index in
                Fixtures.message("m\(index)", role: index % 2 == 0 ? "user" : "assistant", content: LongLog.text(seed: index))
            } + [Fixtures.message("m9", content: "A short alpha note.")]
              + (0..<2_000).map { Fixtures.message("s\($0)", content: "Entry \($0) is short.") }, task: task)
        }
    }

    static func readable(_ snippet: String) -> String {
        snippet.replacingOccurrences(of: "\u{2}", with: "[").replacingOccurrences(of: "\u{3}", with: "]")
    }

    @Test(arguments: [("a*", 5), ("al*", 5), ("alpha", 5), ("allocated worker", 4), ("\"all accounts\"", 4), ("arena OR zyzzyva", 4)])
    func broadTermsInLongEntriesAnswerWithMarkedSnippets(_ text: String, count: Int) async throws {
        let hits = try await archive.search(SearchQuery.parse(text), options: SearchOptions(limit: 0))
        #expect(hits.count == count)
        for hit in hits {
            #expect(hit.snippet.contains("\u{2}"), "no mark in \(Self.readable(hit.snippet))")
            #expect(hit.snippet.unicodeScalars.count < 400)
        }
    }

    @Test func aWordFoundOnlyAtTheEndOfALongEntryIsMarkedThere() async throws {
        let hits = try await archive.search(SearchQuery.parse("zyzzyva"))
        #expect(hits.count == 4)
        #expect(Self.readable(hits[0].snippet).hasPrefix("…"))
        #expect(Self.readable(hits[0].snippet).contains("[zyzzyva] ends the log"))
    }

    @Test func shortEntriesKeepTheIndexsOwnSnippet() async throws {
        let hits = try await archive.search(SearchQuery.parse("note"))
        #expect(hits.map { Self.readable($0.snippet) } == ["A short alpha [note]."])
    }

    @Test func substringMatchesInLongEntriesAreCutFromAWindowToo() async throws {
        // No word is "llocate": the word search finds nothing and the substring retry marks it.
        let hits = try await archive.search(SearchQuery.parse("llocate"), options: SearchOptions(limit: 2))
        #expect(hits.count == 2)
        #expect(hits.allSatisfy { $0.match == .substring && Self.readable($0.snippet).contains("a[llocate]d") })
    }

    @Test func aSearchWhoseAskerHasGoneStops() async throws {
        let asker = SearchCancellation()
        asker.cancel()
        let gone = SearchDeadline.standard.cancelled(by: asker)
        await #expect(throws: CancellationError.self) {
            _ = try await archive.search(SearchQuery.parse("short"), options: SearchOptions(sort: .newest, limit: 0, deadline: gone))
        }
        #expect(try await archive.search(SearchQuery.parse("short"), options: SearchOptions(sort: .newest, limit: 0)).count == 2_001)
    }

    @Test func aSearchPastItsDeadlineStopsWithOneLine() async throws {
        // Each look at this clock moves it a second on: the third look is past a two-second limit, and
        // a search through 2,000 entries makes SQLite look more often than that.
        let deadline = SearchDeadline(limit: .seconds(2), clock: SteppingClock(step: .seconds(1)))
        await #expect {
            _ = try await archive.search(SearchQuery.parse("short"), options: SearchOptions(sort: .newest, limit: 0, deadline: deadline))
        } throws: { error in
            "\(error)".contains("too broad") && "\(error)".contains("2 s") && !"\(error)".contains("\n")
        }
        // The same search with time to spare answers, on the same connections: nothing was left behind.
        let generous = SearchDeadline(limit: .seconds(1_000_000), clock: SteppingClock(step: .seconds(1)))
        #expect(try await archive.search(SearchQuery.parse("short"), options: SearchOptions(sort: .newest, limit: 0, deadline: generous)).count == 2_001)
        #expect(try await archive.search(SearchQuery.parse("short"), options: SearchOptions(limit: 0)).count == 2_001)
    }
}
