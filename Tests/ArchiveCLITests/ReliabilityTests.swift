import ArchiveStore
import Foundation
import SigmicEmulator
import Testing
import TestSupport

/// Secrets, file modes, concurrent readers and bad remotes, through the real binary.
@Suite struct ReliabilityTests {
    func withWorld<T>(tasks: Int = 30, _ body: (Emulator, TempFolder) async throws -> T) async throws -> T {
        try await withEmulatorWorld(tasks: tasks, label: "cli-reliability", body)
    }

    @Test func theKeyAppearsInNoFileAndNoOutput() async throws {
        try await withWorld { emulator, folder in
            let key = emulator.keys[0]
            let archive = folder.path("archive").path
            let env = ["SIGMIC_BASE_URL": emulator.baseURL, "SIGMIC_API_KEY": key, "SIGMIC_ARCHIVE": archive]
            var outputs: [CommandResult] = []
            outputs.append(try await CommandRunner.runDetached(["sync", "--json"], environment: env))
            #expect(outputs[0].status == 0, "\(outputs[0].stderr)")
            let id = try await Archive.open(at: folder.path("archive")).tasks(TaskFilter()).first!.id
            for arguments in [["status", "--json"], ["verify"], ["tasks", "--json"], ["show", id, "--json", "--events"],
                              ["search", "the", "--json"], ["export", "--all", "-o", folder.path("export").path, "--with-artifacts"],
                              ["sync", "--task", "no-such-task"]] {
                outputs.append(try await CommandRunner.runDetached(arguments, environment: env))
            }
            // A wrong key and a key sent to a remote that is not there: errors must not echo it.
            outputs.append(try await CommandRunner.runDetached(["sync"], environment: env.merging(["SIGMIC_API_KEY": key + "x"]) { $1 }))
            outputs.append(try await CommandRunner.runDetached(["sync"], environment: env.merging(["SIGMIC_BASE_URL": "http://127.0.0.1:9"]) { $1 }))
            for output in outputs {
                #expect(!output.stdout.contains(key) && !output.stderr.contains(key))
            }
            var files = 0
            for relative in folder.tree() {
                let url = folder.url.appending(path: relative)
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
                files += 1
                let bytes = try Data(contentsOf: url)
                #expect(bytes.range(of: Data(key.utf8)) == nil, "the key is in \(relative)")
            }
            #expect(files > 20)
        }
    }

    @Test func archiveFilesArePrivate() async throws {
        try await withWorld(tasks: 10) { emulator, folder in
            let env = ["SIGMIC_BASE_URL": emulator.baseURL, "SIGMIC_API_KEY": emulator.keys[0], "SIGMIC_ARCHIVE": folder.path("archive").path]
            #expect(try await CommandRunner.runDetached(["sync"], environment: env).status == 0)
            let root = folder.path("archive")
            let walker = FileManager.default.enumerator(atPath: root.path)!
            var checked = 0
            for case let relative as String in walker {
                let attributes = try FileManager.default.attributesOfItem(atPath: root.appending(path: relative).path)
                let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
                let isFolder = attributes[.type] as? FileAttributeType == .typeDirectory
                #expect(mode == (isFolder ? 0o700 : 0o600), "\(relative) has mode \(String(mode, radix: 8))")
                checked += 1
            }
            #expect(checked > 5)
        }
    }

    @Test func readersWorkWhileASyncWrites() async throws {
        try await withWorld(tasks: 300) { emulator, folder in
            let env = ["SIGMIC_BASE_URL": emulator.baseURL, "SIGMIC_API_KEY": emulator.keys[0], "SIGMIC_ARCHIVE": folder.path("archive").path]
            // The archive exists before the sync starts, so readers never race its creation.
            try Archive.open(at: folder.path("archive")).close()
            async let sync = CommandRunner.runDetached(["sync", "--jobs", "4"], environment: env)
            var reads = 0
            var failures: [String] = []
            for round in 0..<12 {
                for arguments in [["tasks", "--limit", "5"], ["search", "the", "--limit", "3"], ["status", "--json"]] {
                    let result = try await CommandRunner.runDetached(arguments, environment: env)
                    reads += 1
                    if result.status != 0 { failures.append("\(arguments) round \(round): \(result.stderr)") }
                }
            }
            let finished = try await sync
            #expect(finished.status == 0, "\(finished.stderr)")
            #expect(failures.isEmpty, "\(failures)")
            #expect(reads == 36)
            let verify = try await CommandRunner.runDetached(["verify"], environment: env)
            #expect(verify.status == 0, "\(verify.stdout)")
        }
    }

    @Test(arguments: [
        ("text/html", "<html><body>Welcome to nginx!</body></html>"),
        ("application/json", #"{"hello":"world"}"#),
        ("application/json", #"{"success":true,"data":["#),
        ("application/json", #"{"success":true,"data":{"tasks":"not a list"}}"#),
    ])
    func aRemoteThatIsNotTheAPIIsAOneLineErrorAndWritesNothing(contentType: String, body: String) async throws {
        let server = try FakeServer(contentType: contentType, body: body)
        let folder = try TempFolder("cli-badremote")
        let result = try await CommandRunner.runDetached(["sync", "--archive", folder.path("a").path], environment: [
            "SIGMIC_BASE_URL": server.url, "SIGMIC_API_KEY": Fixtures.apiKey,
        ])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("sigmic-archive: error: "), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("a").path))
        withExtendedLifetime(server) {}
    }

    @Test func aTruncatedArchiveIsReportedAndLeftAlone() throws {
        let folder = try TempFolder("cli-truncated")
        try GoldenArchive.create(at: folder.path("a"))
        let database = folder.path("a/archive.sqlite")
        try SQLiteShell.run(database, "PRAGMA wal_checkpoint(TRUNCATE)")   // everything in the main file
        let whole = try Data(contentsOf: database)
        let truncated = whole.prefix(3 * 4096)   // the header and schema survive; the tables do not
        try truncated.write(to: database)
        for arguments in [["status"], ["search", "canary"], ["show", "aaaa1"], ["verify"]] {
            let result = try CommandRunner.run(arguments + ["--archive", folder.path("a").path])
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.hasPrefix("sigmic-archive: error: ") && result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
        }
        #expect(try Data(contentsOf: database) == truncated)
    }
}

extension ReliabilityTests {
    @Test func runningOutOfSpaceMidSyncIsReportedAndTheRerunCompletes() async throws {
        try await withWorld(tasks: 40) { emulator, folder in
            let binary = try CommandRunner.binary().path
            let env = ["SIGMIC_BASE_URL": emulator.baseURL, "SIGMIC_API_KEY": emulator.keys[0], "SIGMIC_ARCHIVE": folder.path("a").path]
            // A 300 KiB file-size limit stands in for a disk that fills up during the first sync.
            let limited = try await CommandRunner.runDetached(["-c", "ulimit -f 300; exec \"$0\" sync", binary],
                                                              executable: URL(fileURLWithPath: "/bin/bash"), environment: env)
            #expect(limited.status == 1, "\(limited.stdout)")
            #expect(limited.stderr.hasPrefix("sigmic-archive: error: "), "\(limited.stderr)")
            #expect(!limited.stderr.contains("Fatal error"))
            let rerun = try await CommandRunner.runDetached(["sync"], environment: env)
            #expect(rerun.status == 0, "\(rerun.stderr)")
            #expect(rerun.stdout.contains("40 new") || rerun.stdout.contains(" new, "))
            let verify = try await CommandRunner.runDetached(["verify"], environment: env)
            #expect(verify.status == 0, "\(verify.stdout)")
        }
    }
}
