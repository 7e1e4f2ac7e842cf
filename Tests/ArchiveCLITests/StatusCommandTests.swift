import ArchiveStore
import Foundation
import Testing
import TestSupport

@Suite struct StatusCommandTests {
    let folder: TempFolder

    init() throws { folder = try TempFolder("cli-status") }

    @Test func statusDescribesAFreshArchive() throws {
        let archive = folder.path("fresh")
        try Archive.open(at: archive).close()
        let result = try CommandRunner.run(["status", "--archive", archive.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Archive     \(archive.path)"))
        #expect(result.stdout.contains("Schema      \(EmbeddedMigration.bundled.count)"))
        #expect(result.stdout.contains("Tasks       0"))
        #expect(FileManager.default.fileExists(atPath: archive.appending(path: "archive.sqlite").path))
    }

    @Test func statusJSONCountsEveryTable() throws {
        let (archive, _, task) = try Fixtures.archiveWithTask(in: folder)
        try archive.write { try $0.replaceHistory([Fixtures.message("m1", content: "hello")], task: task) }
        try archive.close()
        let result = try CommandRunner.run(["status", "--json"], environment: ["SIGMIC_ARCHIVE": folder.path("archive").path])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let tables = try #require(json["tables"] as? [String: Int])
        #expect(tables["task"] == 1)
        #expect(tables["message"] == 1)
        #expect(tables["account"] == 1)
        #expect(json["schemaVersion"] as? Int == EmbeddedMigration.bundled.count)
        #expect((json["tasksByStatus"] as? [String: Int])?["completed"] == 1)
        let owning = try #require(json["owning"] as? [String: Any])
        #expect(owning["redactOnSync"] as? Bool == false && owning["forgotten"] as? Int == 0 && owning["purgePending"] as? Bool == false)
    }

    @Test func theDefaultArchiveFollowsXDGDataHome() throws {
        let missing = try CommandRunner.run(["status", "--json"], environment: ["XDG_DATA_HOME": folder.url.path])
        #expect(missing.status == 1 && missing.stderr.contains("no archive at \(folder.path("sigmic-archive").path)"), "\(missing.stderr)")
        try Archive.open(at: folder.path("sigmic-archive")).close()
        let result = try CommandRunner.run(["status", "--json"], environment: ["XDG_DATA_HOME": folder.url.path])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func aFileThatIsNotAnArchiveIsAOneLineErrorAndIsLeftAlone() throws {
        let archive = folder.path("broken")
        try FileManager.default.createDirectory(at: archive, withIntermediateDirectories: true)
        let junk = Data("this is not sqlite at all, just text that someone saved here".utf8) + Data(repeating: 7, count: 4096)
        try junk.write(to: archive.appending(path: "archive.sqlite"))
        let result = try CommandRunner.run(["status", "--archive", archive.path])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("sigmic-archive: error: "))
        #expect(result.stderr.contains("not a SigmicArchive database"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stdout.isEmpty)
        #expect(try Data(contentsOf: archive.appending(path: "archive.sqlite")) == junk)
    }

    @Test func anUnwritableLocationIsAOneLineError() throws {
        try Data("file".utf8).write(to: folder.path("plain-file"))
        let result = try CommandRunner.run(["status", "--archive", folder.path("plain-file/archive").path])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("sigmic-archive: error: no archive at"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func theBinaryCopiedAloneStillUpgradesAndOpensArchives() throws {
        let lonely = folder.path("bin/sigmic-archive")
        try FileManager.default.createDirectory(at: lonely.deletingLastPathComponent(), withIntermediateDirectories: true)
        try CommandRunner.copyProgram(try CommandRunner.binary(), to: lonely)
        // An archive of the first schema only: the lonely binary brings it up to its own, from what it carries.
        let archive = folder.path("elsewhere/archive")
        try Archive.open(at: archive, migrations: Array(EmbeddedMigration.bundled.prefix(1))).close()
        let first = try CommandRunner.run(["status", "--archive", archive.path], executable: lonely)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("Schema      \(EmbeddedMigration.bundled.count)"))
        let again = try CommandRunner.run(["status", "--json", "--archive", archive.path], executable: lonely)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try Archive.open(at: archive).schemaVersion == EmbeddedMigration.bundled.count)
    }

    @Test func helpExplainsTheArchiveOption() throws {
        let result = try CommandRunner.run(["status", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("--archive"))
        #expect(result.stdout.contains("SIGMIC_ARCHIVE"))
    }
}
