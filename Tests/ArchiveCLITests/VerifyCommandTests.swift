import ArchiveStore
import Foundation
import Testing
import TestSupport

@Suite struct VerifyCommandTests {
    let folder: TempFolder
    var archive: URL { folder.path("a") }

    init() throws {
        folder = try TempFolder("cli-verify")
        try GoldenArchive.create(at: folder.path("a"))
    }

    func run(_ arguments: [String]) throws -> CommandResult {
        try CommandRunner.run(["verify", "--archive", archive.path] + arguments)
    }

    var storedBlob: URL {
        let hex = Digest.sha256(GoldenArchive.storedBytes).hex
        return archive.appending(path: "blobs/\(hex.prefix(2))/\(hex.dropFirst(2))")
    }

    func sqlite(_ sql: String) throws {
        try SQLiteShell.run(archive.appending(path: "archive.sqlite"), sql)
    }

    @Test func aSoundArchiveVerifiesClean() throws {
        let result = try run([])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("OK: 1 blobs"))
        let json = try run(["--json"])
        let report = try JSONDecoder().decode(VerifyReport.self, from: Data(json.stdout.utf8))
        #expect(report.isClean && report.blobsChecked == 1 && report.bytesHashed == Int64(GoldenArchive.storedBytes.count))
    }

    @Test func aDamagedBlobIsFoundAndRepairSendsItBackToSync() async throws {
        var bytes = try Data(contentsOf: storedBlob)
        bytes[3] ^= 0xFF
        try bytes.write(to: storedBlob)
        let result = try run([])
        #expect(result.status == 1)
        #expect(result.stdout.contains("blob-damaged: blob \(Digest.sha256(GoldenArchive.storedBytes).hex)"))
        let repaired = try run(["--repair"])
        #expect(repaired.status == 0, "\(repaired.stdout)")
        #expect(!FileManager.default.fileExists(atPath: storedBlob.path))
        #expect(try run([]).status == 0)
        let reopened = try Archive.open(at: archive)
        let task = try await reopened.task(matching: GoldenArchive.taskA)
        #expect(task.syncState == .listed)   // the next sync fetches it and downloads the artifact again
        #expect(try await reopened.artifacts(of: task.rowID).allSatisfy { !$0.isStored })
    }

    @Test func aMissingBlobAndAnOrphanAreListed() throws {
        try FileManager.default.removeItem(at: storedBlob)
        let orphan = archive.appending(path: "blobs/ee/" + String(repeating: "e", count: 62))
        try FileManager.default.createDirectory(at: orphan.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("stray".utf8).write(to: orphan)
        let result = try run([])
        #expect(result.status == 1)
        #expect(result.stdout.contains("blob-missing:"))
        #expect(result.stdout.contains("blob-orphaned: blobs/ee/eeee"))
        #expect(result.stdout.contains("2 problems found"))
        #expect(try run(["--repair"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: orphan.path))
        #expect(try run([]).status == 0)
    }

    @Test func aDamagedSearchIndexIsFoundAndRebuilt() throws {
        // A row in the index that no document has: what a half-applied write or a bad edit leaves.
        try sqlite("INSERT INTO search_fts (rowid, body) VALUES (424242, 'phantom words')")
        let result = try run([])
        #expect(result.status == 1)
        #expect(result.stdout.contains("search-index: search_fts does not match"))
        #expect(try CommandRunner.run(["search", "phantom", "--archive", archive.path]).stdout == "No matches.\n")
        #expect(try run(["--repair"]).status == 0)
        #expect(try run([]).status == 0)
        #expect(try CommandRunner.run(["search", "canary", "--archive", archive.path]).stdout.contains("[canary]"))
    }

    @Test func aFileThatIsNotADatabaseIsAOneLineErrorAndLeftAlone() throws {
        let other = folder.path("b")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        let junk = Data(repeating: 0x42, count: 8192)
        try junk.write(to: other.appending(path: "archive.sqlite"))
        let result = try CommandRunner.run(["verify", "--archive", other.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("is not a SigmicArchive database"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(try Data(contentsOf: other.appending(path: "archive.sqlite")) == junk)
    }
}
