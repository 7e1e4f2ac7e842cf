import ArchiveStore
import Foundation
import SigmicEmulator
import Testing
import TestSupport

@Suite struct SyncCommandTests {
    func withWorld<T>(_ body: (Emulator, TempFolder) async throws -> T) async throws -> T {
        try await withEmulatorWorld(tasks: 25, label: "cli-sync", body)
    }

    @Test func syncPrintsItsSummaryAsJSONAndAResyncChangesNothing() async throws {
        try await withWorld { emulator, folder in
            let env = ["SIGMIC_BASE_URL": emulator.baseURL, "SIGMIC_API_KEY": emulator.keys[0], "SIGMIC_ARCHIVE": folder.path("a").path]
            let first = try await CommandRunner.runDetached(["sync", "--json"], environment: env)
            #expect(first.status == 0, "\(first.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
            #expect((json["tasks"] as? [String: Int])?["new"] == 25)
            #expect((json["artifacts"] as? [String: Any])?["downloaded"] as? Int ?? 0 > 0)
            for key in ["messages", "events", "requests", "seconds"] { #expect(json[key] != nil, "\(key)") }
            let again = try await CommandRunner.runDetached(["sync"], environment: env)
            #expect(again.status == 0)
            #expect(again.stdout.contains("0 new, 0 updated, 25 unchanged"))
            #expect(again.stdout.contains("1 requests"))
        }
    }

    /// The archive keeps the server's numbers as sent: each of these would change on a trip through a
    /// `Double` (rounded, overflowed to infinity, or written in another form).
    @Test func numbersReachShowJSONExactlyAsTheServerSentThem() async throws {
        try await withWorld { emulator, folder in
            let env = ["SIGMIC_BASE_URL": emulator.baseURL, "SIGMIC_API_KEY": emulator.keys[0], "SIGMIC_ARCHIVE": folder.path("a").path]
            let id = try #require(await emulator.world.snapshot(key: 0).first?.id)
            let numbers = ["9223372036854775807", "1e400", "-0", "1.0", "0.1000000000000000055"]
            await emulator.world.setOutput(task: id, .object([("numbers", .array(numbers.map { .numberText($0) }))]))
            let sync = try await CommandRunner.runDetached(["sync"], environment: env)
            #expect(sync.status == 0, "\(sync.stderr)")
            let show = try await CommandRunner.runDetached(["show", id, "--json"], environment: env)
            #expect(show.status == 0, "\(show.stderr)")
            // Pretty-printed: compared without its layout.
            let compact = show.stdout.filter { !$0.isWhitespace }
            #expect(compact.contains(#""numbers":["# + numbers.joined(separator: ",") + "]"), "\(show.stdout.prefix(3000))")
        }
    }

    /// A file the server lists but will not send fails its task's sync twice (exit 1, named), and at the
    /// third sync is given up on: `show` says so and `status` counts it.
    @Test func aFileThatKeepsAnswering404IsShownAsFailedAfterThreeSyncs() async throws {
        try await withWorld { emulator, folder in
            let env = ["SIGMIC_BASE_URL": emulator.baseURL, "SIGMIC_API_KEY": emulator.keys[0], "SIGMIC_ARCHIVE": folder.path("a").path]
            let target = try #require(await emulator.world.snapshot(key: 0).first { !$0.files.isEmpty })
            let lost = target.files[0].path
            await emulator.world.makeUnreadable(task: target.id, path: lost)
            for attempt in 1...2 {
                let sync = try await CommandRunner.runDetached(["sync"], environment: env)
                #expect(sync.status == 1)
                #expect(sync.stderr.contains("\(lost): ") && sync.stderr.contains("(\(attempt) of 3 tries)"), "\(sync.stderr)")
            }
            let third = try await CommandRunner.runDetached(["sync"], environment: env)
            #expect(third.status == 0, "\(third.stderr)")
            let show = try await CommandRunner.runDetached(["show", target.id], environment: env)
            #expect(show.stdout.contains("\(lost)"), "\(show.stdout)")
            #expect(show.stdout.contains("failed after 3 syncs: ") && show.stdout.contains("HTTP 404"), "\(show.stdout)")
            let status = try await CommandRunner.runDetached(["status"], environment: env)
            #expect(status.stdout.contains(" 1 failed)"), "\(status.stdout)")
        }
    }

    @Test func aSecondWriterStopsAtOnceNamingTheFirst() async throws {
        try await withWorld { emulator, folder in
            let env = ["SIGMIC_BASE_URL": emulator.baseURL, "SIGMIC_API_KEY": emulator.keys[0], "SIGMIC_ARCHIVE": folder.path("a").path]
            let archive = try Archive.open(at: folder.path("a"))
            var held: ArchiveLock? = try ArchiveLock.acquire(archive, purpose: "sync")
            for arguments in [["sync"], ["verify", "--repair"]] {
                let second = try await CommandRunner.runDetached(arguments, environment: env)
                #expect(second.status == 1)
                #expect(second.stderr.hasPrefix("sigmic-archive: error: the archive is busy: sync (pid \(getpid()))"), "\(second.stderr)")
            }
            // Readers never wait for the writer.
            #expect(try await CommandRunner.runDetached(["tasks"], environment: env).status == 0)
            let status = try await CommandRunner.runDetached(["status"], environment: env)
            #expect(status.stdout.contains("Writing     sync (pid \(getpid())) is writing to the archive now"), "\(status.stdout)")
            #expect(held != nil)
            held = nil   // released: the next sync may go
            let after = try await CommandRunner.runDetached(["sync"], environment: env)
            #expect(after.status == 0, "\(after.stderr)")
            #expect(!(try await CommandRunner.runDetached(["status"], environment: env)).stdout.contains("Writing"))
        }
    }

    @Test func aWrongKeyIsOneLineAndCreatesNothing() async throws {
        try await withWorld { emulator, folder in
            let archive = folder.path("never")
            let result = try await CommandRunner.runDetached(["sync", "--archive", archive.path], environment: [
                "SIGMIC_BASE_URL": emulator.baseURL, "SIGMIC_API_KEY": "sigmic_" + String(repeating: "9", count: 64),
            ])
            #expect(result.status == 1)
            #expect(result.stderr.hasPrefix("sigmic-archive: error: the API rejected the key (INVALID_API_KEY)"))
            #expect(result.stderr.split(separator: "\n").count == 1)
            #expect(!result.stderr.contains(String(repeating: "9", count: 20)), "the key must not be echoed")
            #expect(!FileManager.default.fileExists(atPath: archive.path))
        }
    }

    @Test func aMissingKeyOrAPlainHTTPRemoteIsRefusedWithAReason() async throws {
        let folder = try TempFolder("cli-sync-refuse")
        let noKey = try await CommandRunner.runDetached(["sync", "--archive", folder.path("a").path])
        #expect(noKey.status == 1 && noKey.stderr.contains("SIGMIC_API_KEY"))
        let plain = try await CommandRunner.runDetached(["sync", "--archive", folder.path("a").path, "--base-url", "http://example.com"],
                                                        environment: ["SIGMIC_API_KEY": "sigmic_x"])
        #expect(plain.status == 1 && plain.stderr.contains("refusing plain http://"))
        let html = try await CommandRunner.runDetached(["sync", "--archive", folder.path("a").path, "--base-url", "http://127.0.0.1:1"],
                                                       environment: ["SIGMIC_API_KEY": "sigmic_x"])
        #expect(html.status == 1 && html.stderr.hasPrefix("sigmic-archive: error: "))
    }

    @Test func theKeyCanComeFromAFile() async throws {
        try await withWorld { emulator, folder in
            let keyFile = folder.path("key")
            try Data((emulator.keys[0] + "\n").utf8).write(to: keyFile)
            let result = try await CommandRunner.runDetached(["sync", "--archive", folder.path("a").path, "--api-key-file", keyFile.path,
                                                              "--base-url", emulator.baseURL, "--no-artifacts"])
            #expect(result.status == 0, "\(result.stderr)")
            await #expect(try Archive.open(at: folder.path("a")).status().artifacts.stored == 0)
        }
    }

    /// `demo` starts the emulator program beside it; without one it says what to do, in one line.
    @Test func demoWithoutTheEmulatorSaysHowToGetIt() async throws {
        let folder = try TempFolder("cli-demo-missing")
        let result = try await CommandRunner.runDetached(["demo", "--archive", folder.path("demo").path],
                                                         environment: ["SIGMIC_EMULATOR": folder.path("nowhere").path])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("sigmic-archive: error: demo needs the sigmic-emulator program, which is not at \(folder.path("nowhere").path)"),
                "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: folder.path("demo").path), "nothing is written")
    }

    @Test func demoRunsOnAFreshMachine() async throws {
        let folder = try TempFolder("cli-demo")
        let result = try await CommandRunner.runDetached(["demo", "--archive", folder.path("demo").path, "--tasks", "20"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Started the API emulator"))
        #expect(result.stdout.contains("Synced:"))
        #expect(result.stdout.contains("Try next"))
        // Every command the demo suggests works on what it made.
        let suggested = result.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix("sigmic-archive ") }
        #expect(suggested.count >= 6)
        for line in suggested {
            let arguments = try shellWords(String(line.dropFirst("sigmic-archive ".count)))
            let run = try await CommandRunner.runDetached(arguments, environment: ["SIGMIC_ARCHIVE": folder.path("demo").path])
            #expect(run.status == 0, "\(line): \(run.stderr)")
            #expect(!run.stdout.isEmpty, "\(line)")
        }
        let status = try await Archive.open(at: folder.path("demo")).status()
        #expect((status.tables["task"] ?? 0) == 21)
        #expect((status.tables["stream_event"] ?? 0) > 0)
    }
}

/// Splits a suggested command line into arguments: spaces separate, single quotes group.
func shellWords(_ line: String) throws -> [String] {
    var words: [String] = []
    var current = ""
    var quoted = false
    for character in line {
        if character == "'" {
            quoted.toggle()
        } else if character == " " && !quoted {
            if !current.isEmpty { words.append(current) }
            current = ""
        } else {
            current.append(character)
        }
    }
    if !current.isEmpty { words.append(current) }
    return words
}
