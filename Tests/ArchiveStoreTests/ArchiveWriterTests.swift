import ArchiveStore
import Foundation
import Testing
import TestSupport

@Suite struct ArchiveWriterTests {
    let folder: TempFolder

    init() throws { folder = try TempFolder("writer") }

    @Test func theKeyIsNeverStoredOnlyItsFingerprint() throws {
        let (archive, _, _) = try Fixtures.archiveWithTask(in: folder)
        try archive.close()
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path("archive").path) {
            let bytes = try Data(contentsOf: folder.path("archive").appending(path: name))
            #expect(bytes.range(of: Data(Fixtures.apiKey.utf8)) == nil, "\(name) holds the key")
            #expect(bytes.range(of: Data(Fixtures.apiKey.dropFirst(7).prefix(20).utf8)) == nil)
        }
    }

    @Test func theSameAccountIsFoundAgainAndAnotherKeyIsAnotherAccount() throws {
        let (archive, account, _) = try Fixtures.archiveWithTask(in: folder)
        let again = try archive.write { try $0.account(baseURL: Fixtures.baseURL, apiKey: Fixtures.apiKey) }
        let other = try archive.write { try $0.account(baseURL: Fixtures.baseURL, apiKey: Fixtures.apiKey + "0") }
        #expect(again == account)
        #expect(other != account)
    }

    @Test func aLongHistoryIsWrittenInBatchesWithTheSameResultAsOneRowAtATime() async throws {
        // 90 messages cross every batch size (64, 16, 4, 1).
        let (archive, _, task) = try Fixtures.archiveWithTask(in: folder)
        var history = (0..<90).map { Fixtures.message("m\($0)", content: "line \($0) of the log") }
        try await archive.write { [history] in try $0.replaceHistory(history, task: task) }
        #expect(try await archive.messages(of: task).map(\.position) == Array(0..<90))
        #expect(try await archive.search(SearchQuery.parse("\"line 89 of\"")).compactMap(\.messageID) == ["m89"])

        // Writing the same history again changes nothing; changing one message rewrites only it.
        let before = try archive.canonicalDump()
        try await archive.write { [history] in try $0.replaceHistory(history, task: task) }
        #expect(try archive.canonicalDump() == before)
        history[33] = Fixtures.message("m33", content: "line 33, corrected")
        try await archive.write { [history] in try $0.replaceHistory(history, task: task) }
        #expect(try await archive.messages(of: task).first { $0.remoteID == "m33" }?.content == "line 33, corrected")

        // "m5" comes again at position 70: the later one wins, as it would written one row at a time.
        history[70] = Fixtures.message("m5", content: "rewritten fifth line")
        try await archive.write { [history] in try $0.replaceHistory(history, task: task) }
        let stored = try await archive.messages(of: task)
        #expect(stored.count == 89)
        #expect(stored.map(\.remoteID) == (0..<90).filter { $0 != 5 }.map { $0 == 70 ? "m5" : "m\($0)" })
        #expect(stored.map(\.position) == (0..<90).filter { $0 != 5 })
        #expect(stored.first { $0.remoteID == "m5" }?.content == "rewritten fifth line")
        #expect(try await archive.search(SearchQuery.parse("rewritten")).compactMap(\.messageID) == ["m5"])
        #expect(try await archive.search(SearchQuery.parse("\"line 5 of\"")).isEmpty)
        #expect(try archive.verify().isClean)
    }

    @Test func upsertsAreIdempotent() async throws {
        let (archive, account, _) = try Fixtures.archiveWithTask(in: folder)
        func load() async throws {
            try await archive.write { writer in
                let task = try writer.upsertListedTask(Fixtures.task("t-1", status: "running"), account: account)
                var detail = Fixtures.task("t-1", status: "running")
                detail.outputJSON = #"{"content":"partial"}"#
                detail.rawJSON = #"{"id":"t-1","output":{"content":"partial"}}"#
                try writer.upsertFetchedTask(detail, account: account)
                try writer.replaceHistory([
                    Fixtures.message("m1", role: "user", content: "Plot the error budget"),
                    Fixtures.message("m2", content: "Done", thoughts: #"[{"subject":"Plan","description":"read the csv"}]"#,
                                     toolCalls: #"[{"callId":"c1","toolName":"read_file","status":"success","args":{"path":"a.csv"},"output":"1,2"}]"#),
                ], task: task)
                try writer.upsertArtifacts([Fixtures.artifact("downloads/a.txt")], task: task)
            }
        }
        try await load()
        let once = try archive.canonicalDump()
        try await load()
        #expect(try archive.canonicalDump() == once)
        #expect(try await archive.status().tables["message"] == 2)
        #expect(try await archive.status().tables["search_doc"] == 5)   // 2 messages, 1 thought, 1 tool, 1 artifact
    }

    @Test func appendingTheSameEventTwiceRecordsItOnce() async throws {
        let (archive, _, task) = try Fixtures.archiveWithTask(in: folder)
        let event = StreamEventSnapshot(seq: 1, type: "content", data: #"{"text":"hi"}"#, receivedAt: "2026-01-26T16:00:00.000Z")
        try await archive.write { writer in
            let session = try writer.beginAttachSession(task: task)
            try writer.appendEvents([event], session: session)
            try writer.appendEvents([event, StreamEventSnapshot(seq: 2, type: "done", data: "{}", receivedAt: event.receivedAt)], session: session)
        }
        #expect(try await archive.events(of: task).map(\.seq) == [1, 2])
    }

    @Test func aListingDoesNotEraseWhatOnlyAGetReturns() async throws {
        let (archive, account, task) = try Fixtures.archiveWithTask(in: folder)
        var detail = Fixtures.task("c37c1d78-4d23-4e53-949a-ddd775f25e01", status: "awaiting_approval")
        detail.pendingApprovalsJSON = #"[{"callId":"call_1","toolName":"list_files","args":{}}]"#
        detail.rawJSON = #"{"get":1}"#
        try await archive.write { [detail] in try $0.upsertFetchedTask(detail, account: account) }
        var listed = Fixtures.task("c37c1d78-4d23-4e53-949a-ddd775f25e01", status: "awaiting_approval", messageCount: 3)
        listed.rawJSON = #"{"list":2}"#
        try await archive.write { [listed] in try $0.upsertListedTask(listed, account: account) }
        let stored = try #require(try await archive.task(task))
        #expect(stored.pendingApprovalsJSON == detail.pendingApprovalsJSON)
        #expect(stored.messageCount == 3)
        // A later get with none pending clears them (omitted means none).
        var settled = detail
        settled.status = "running"
        settled.pendingApprovalsJSON = nil
        settled.rawJSON = #"{"get":3}"#
        try await archive.write { [settled] in try $0.upsertFetchedTask(settled, account: account) }
        #expect(try await archive.task(task)?.pendingApprovalsJSON == nil)
        #expect(try await archive.task(task)?.status == "running")
    }

    @Test func aFailedWriteLeavesNothingBehind() async throws {
        let (archive, _, task) = try Fixtures.archiveWithTask(in: folder)
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try archive.write { writer in
                try writer.replaceHistory([Fixtures.message("m1", content: "half written")], task: task)
                throw Boom()
            }
        }
        #expect(try await archive.messages(of: task).isEmpty)
        #expect(try await archive.status().tables["search_doc"] == 0)
    }

    @Test func replacingHistoryRemovesProvisionalMessages() async throws {
        let (archive, _, task) = try Fixtures.archiveWithTask(in: folder)
        try await archive.write { writer in
            try writer.upsertMessages([Fixtures.message("m1", role: "user", content: "q"), Fixtures.message("live-1", content: "partial ans")], task: task)
        }
        try await archive.write { writer in
            try writer.replaceHistory([Fixtures.message("m1", role: "user", content: "q"), Fixtures.message("m2", content: "final answer")], task: task)
        }
        #expect(try await archive.messages(of: task).map(\.remoteID) == ["m1", "m2"])
        let hits = try await archive.search(SearchQuery.parse("partial"))
        #expect(hits.isEmpty)
    }

    @Test func manyArtifactsAreLinkedToTheirBlobsInBatchesAndAnUnchangedListingKeepsItsRows() async throws {
        // 21 files (batches of 16, 4 and 1) whose bytes repeat: 7 distinct blobs.
        let (archive, _, task) = try Fixtures.archiveWithTask(in: folder)
        let paths = (0..<21).map { "downloads/file-\($0).txt" }
        let blobs = try (0..<21).map { try archive.blobs.store(Data("bytes \($0 % 7)".utf8)) }
        let rows = try await archive.write { writer in
            let rows = try writer.upsertArtifacts(paths.map { Fixtures.artifact($0) }, task: task)
            try writer.recordArtifactBlobs(Array(zip(rows, blobs)))
            return rows
        }
        let stored = try await archive.artifacts(of: task)
        #expect(stored.count == 21 && stored.allSatisfy(\.isStored))
        #expect(Dictionary(uniqueKeysWithValues: stored.map { ($0.path, $0.blobHash) })
                == Dictionary(uniqueKeysWithValues: zip(paths, blobs.map(\.hash))))
        #expect(try archive.verify().isClean)
        #expect(try await archive.status().tables["blob"] == 7)
        // The same listing again changes no row (the upsert returns nothing) and yields the same rows.
        let again = try await archive.write { try $0.upsertArtifacts(paths.map { Fixtures.artifact($0) }, task: task) }
        #expect(again == rows)
        #expect(try await archive.artifacts(of: task).allSatisfy(\.isStored))
    }

    @Test func changedArtifactsGoBackToPendingAndVanishedOnesAreMarkedMissing() async throws {
        let (archive, _, task) = try Fixtures.archiveWithTask(in: folder)
        let rows = try await archive.write { try $0.upsertArtifacts([Fixtures.artifact("downloads/a.txt"), Fixtures.artifact("downloads/b.txt")], task: task) }
        let blob = try archive.blobs.store(Data("abc".utf8))
        try await archive.write { try $0.recordArtifactBlob(rows[0], blob: blob) }
        #expect(try await archive.artifacts(of: task).first?.isStored == true)

        try await archive.write { try $0.upsertArtifacts([Fixtures.artifact("downloads/a.txt", size: 4, modifiedAt: "2026-02-01T00:00:00.000Z")], task: task) }
        let artifacts = try await archive.artifacts(of: task)
        #expect(artifacts.map(\.fetchState) == [.pending, .pending])
        #expect(artifacts[0].blobHash == blob.hash, "the previous bytes stay linked until new ones arrive")
        #expect(artifacts.map(\.remoteState) == [.present, .missing])
    }
}
