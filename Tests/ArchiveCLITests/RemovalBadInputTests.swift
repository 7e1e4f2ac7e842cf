import ArchiveStore
import Foundation
import Testing
import TestSupport

/// `redact`, `forget`, `pin` and `retention` given what they cannot do: one line on stderr, exit 64 for
/// a usage error or 1 otherwise, and the archive exactly as it was.
@Suite struct RemovalBadInputTests {
    let folder: TempFolder
    var archive: String { folder.path("a").path }

    init() throws {
        folder = try TempFolder("cli-removal-bad-input")
        try GoldenArchive.create(at: folder.path("a"))
    }

    static let cases: [([String], Int32, String)] = [
        (["redact"], 64, "--scan to list"),
        (["redact", "--text", ""], 64, "too short"),
        (["redact", "--text", "x"], 64, "too short"),
        (["redact", "--on-sync"], 64, "with --secrets"),
        (["redact", "--secrets", "--on-sync", "--text", "Project Nightingale"], 64, "very text removed"),
        (["redact", "--scan", "--secrets"], 64, "--scan only lists"),
        (["forget"], 64, "name the tasks"),
        (["forget", "aaaa", "--status", "completed"], 64, "not both"),
        (["forget", "zzzz9999", "--yes"], 1, "no task"),
        (["forget", "--undo", "zzzz9999"], 1, "no forgotten task"),
        (["forget", "--status", "bogus", "--yes"], 64, "unknown status"),
        (["forget", "--before", "yesterday-ish", "--yes"], 64, "--before"),
        (["pin", "zzzz9999"], 1, "no task"),
        (["retention", "--keep", "3 months"], 64, "90d"),
        (["retention", "--keep", "0d"], 64, "90d"),
        (["retention", "--off", "--apply"], 64, "--off takes nothing else"),
    ]

    @Test(arguments: 0..<cases.count)
    func isRefusedWithOneLineAndNothingChanges(case index: Int) throws {
        let (arguments, status, words) = Self.cases[index]
        let database = folder.path("a").appending(path: Archive.databaseFileName)
        let before = try contentDump(Archive.openReadOnly(at: folder.path("a")))
        let result = try CommandRunner.run(arguments + ["--archive", archive])
        #expect(result.status == status, "\(arguments): \(result.stderr)")
        let lines = result.stderr.split(separator: "\n").filter { !$0.hasPrefix("Usage:") && !$0.hasPrefix("  See") && !$0.isEmpty }
        #expect(lines.count == 1 && result.stderr.contains(words), "\(arguments): \(result.stderr)")
        #expect(try contentDump(Archive.openReadOnly(at: folder.path("a"))) == before)
        #expect(FileManager.default.fileExists(atPath: database.path))
    }
}
