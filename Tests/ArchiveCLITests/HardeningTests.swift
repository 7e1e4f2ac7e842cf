import ArchiveStore
import Foundation
import Testing
import TestSupport

/// The probes of the hardening issue, each against the real binary: bad numbers, names that only look
/// like loopback, a key that cannot be a header, archives that cannot be written, paths that are wrong.
/// Each must end in one line on stderr and a non-zero exit, with nothing lost and nothing leaked.
@Suite struct HardeningTests {
    let folder: TempFolder
    var archive: String { folder.path("a").path }

    init() throws {
        folder = try TempFolder("cli-hardening")
        try GoldenArchive.create(at: folder.path("a"))
    }

    func expectOneLineRefusal(_ result: CommandResult, _ fragment: String, status: Int32 = 64,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == status, "\(result.stderr)", sourceLocation: sourceLocation)
        // The first line says it; a usage error (64) is followed by the usage lines.
        let first = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.contains(fragment), "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(status == 64 || result.stderr.split(separator: "\n").count == 1, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(!result.stderr.contains("Error Domain") && !result.stderr.contains("Fatal error"), sourceLocation: sourceLocation)
    }

    static let badNumbers = ["inf", "nan", "1e19", "-1", "-inf"]

    @Test(arguments: badNumbers)
    func everyTimeOptionIsRangeChecked(_ value: String) throws {
        let env = ["SIGMIC_API_KEY": "sigmic_test", "SIGMIC_BASE_URL": "http://127.0.0.1:9"]
        expectOneLineRefusal(try CommandRunner.run(["sync", "--wait=\(value)", "--archive", archive], environment: env), "--wait takes seconds")
        expectOneLineRefusal(try CommandRunner.run(["watch", "--interval=\(value)", "--archive", archive], environment: env), "--interval takes seconds")
        expectOneLineRefusal(try CommandRunner.run(["outbox", "send", "--in-flight=\(value)", "--archive", archive], environment: env), "--in-flight takes seconds")
        expectOneLineRefusal(try CommandRunner.run(["sync", "--outbox-expiry=\(value)", "--archive", archive], environment: env), "--outbox-expiry takes days")
    }

    @Test func aNameThatOnlyLooksLikeLoopbackIsNotLoopback() throws {
        // Plain http to it would carry the key to whoever owns example.invalid: refused before any request.
        let result = try CommandRunner.run(["sync", "--archive", archive],
                                           environment: ["SIGMIC_API_KEY": "sigmic_test", "SIGMIC_BASE_URL": "http://127.0.0.1.example.invalid:9"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("refusing plain http://"), "\(result.stderr)")
        // serve on such a name is off loopback: it needs a token.
        expectOneLineRefusal(try CommandRunner.run(["serve", "--host", "127.foo.invalid", "--archive", archive]), "give --token")
        // Real loopback addresses still need none: 127.0.0.2 is 127.0.0.0/8.
        let loopback = try CommandRunner.run(["sync", "--archive", archive],
                                             environment: ["SIGMIC_API_KEY": "sigmic_test", "SIGMIC_BASE_URL": "http://127.0.0.2:\(try closedLoopbackPort())"])
        #expect(!loopback.stderr.contains("refusing plain http://"), "\(loopback.stderr)")
    }

    @Test func aKeyWithAControlCharacterIsRefusedWithoutQuotingIt() throws {
        let key = "sigmic_" + String(repeating: "7", count: 40)
        for broken in [key + "\n" + key, key + "\r" + key, "sigmic_\u{7F}" + key, key + " x"] {
            let result = try CommandRunner.run(["sync", "--archive", archive],
                                               environment: ["SIGMIC_API_KEY": broken, "SIGMIC_BASE_URL": "http://127.0.0.1:\(try closedLoopbackPort())"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("the API key has"), "\(result.stderr)")
            #expect(!result.stderr.contains(String(repeating: "7", count: 8)), "the key was printed: \(result.stderr)")
            #expect(!result.stderr.contains("cannot connect"), "a request was attempted: \(result.stderr)")
        }
    }

    @Test func readingCommandsOnAMissingArchiveSaySoAndCreateNothing() throws {
        let missing = folder.path("mistyped").path
        for arguments in [["tasks"], ["search", "budget"], ["show", "abc"], ["status"], ["verify"], ["export", "--all", "-o", folder.path("out").path]] {
            let result = try CommandRunner.run(arguments + ["--archive", missing])
            expectOneLineRefusal(result, "no archive at \(missing) (run `sigmic-archive sync` first", status: 1)
        }
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    @Test func filtersAreValidatedAlikeInEveryCommand() throws {
        expectOneLineRefusal(try CommandRunner.run(["search", "budget", "--status", "bogus", "--archive", archive]), "unknown status bogus")
        expectOneLineRefusal(try CommandRunner.run(["search", "budget status:bogus", "--archive", archive]), "unknown status bogus", status: 1)
        expectOneLineRefusal(try CommandRunner.run(["tasks", "--status", "bogus", "--archive", archive]), "unknown status bogus")
        for date in ["2026-02-30", "2025-02-29", "2026-04-31", "2026-13-01"] {
            expectOneLineRefusal(try CommandRunner.run(["tasks", "--until", date, "--archive", archive]), "is not a date")
            expectOneLineRefusal(try CommandRunner.run(["search", "budget", "--until", date, "--archive", archive]), "is not a date")
            expectOneLineRefusal(try CommandRunner.run(["search", "budget before:\(date)", "--archive", archive]), "is not a date", status: 1)
        }
        #expect(try CommandRunner.run(["tasks", "--until", "2024-02-29", "--archive", archive]).status == 0)
    }

    @Test func exportOutputPathsAreCheckedAndErrorsNameThePath() throws {
        expectOneLineRefusal(try CommandRunner.run(["export", "--all", "-o", "", "--archive", archive]), "-o needs a folder")
        let proc = try CommandRunner.run(["export", "--all", "-o", "/proc/sigmic-x", "--archive", archive])
        expectOneLineRefusal(proc, "/proc/sigmic-x", status: 1)
        let file = folder.path("a-file")
        try Data("x".utf8).write(to: file)
        let notAFolder = try CommandRunner.run(["export", "--all", "-o", file.appending(path: "sub").path, "--archive", archive])
        expectOneLineRefusal(notAFolder, file.path, status: 1)
    }

    @Test func exportRemovesTheTempFilesOfAKilledExport() throws {
        let out = folder.path("out")
        try FileManager.default.createDirectory(at: out.appending(path: "x.files"), withIntermediateDirectories: true)
        // A process id that cannot be running (above the kernel's maximum), and this test's own, which is.
        let abandoned = [out.appending(path: ".2026-01-01-task.md.tmp-99999999"), out.appending(path: "x.files/.chart.png.tmp-99999999")]
        let live = out.appending(path: ".other.md.tmp-\(getpid())")
        for file in abandoned + [live] { try Data("partial".utf8).write(to: file) }
        let result = try CommandRunner.run(["export", "--all", "-o", out.path, "--archive", archive])
        #expect(result.status == 0, "\(result.stderr)")
        for file in abandoned { #expect(!FileManager.default.fileExists(atPath: file.path), "\(file.lastPathComponent) is left") }
        #expect(FileManager.default.fileExists(atPath: live.path), "a running export's temp file was removed")
    }
}
