import ArchivePostgres
import Foundation
import SigmicEmulator
import Testing
import TestSupport

/// `watch` with the real binary, on an archive folder and on PostgreSQL: it syncs round after round,
/// says so after each, and on Ctrl-C (SIGINT) stops cleanly, saying where everything is kept; the
/// archive then holds every task.
@Suite struct WatchTests {
    /// Starts `watch`, waits for its first round's summary line on stderr (never a fixed sleep), then
    /// interrupts it. Returns its exit status and all it wrote on stderr.
    func watchOneRound(_ archive: String, environment: [String: String]) async throws -> (status: Int32, stderr: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    let process = try CommandRunner.process(["watch", "--interval", "1", "--archive", archive], environment: environment)
                    let errors = Pipe()
                    process.standardError = errors
                    process.standardOutput = FileHandle.nullDevice
                    try process.run()
                    var seen = Data()
                    // `availableData`: whatever has arrived (`read(upToCount:)` would wait for the whole count).
                    while !String(decoding: seen, as: UTF8.self).contains("Synced: ") {
                        let chunk = errors.fileHandleForReading.availableData
                        if chunk.isEmpty { break }
                        seen.append(chunk)
                    }
                    kill(process.processIdentifier, SIGINT)
                    seen.append(errors.fileHandleForReading.readDataToEndOfFile())
                    process.waitUntilExit()
                    return (process.terminationStatus, String(decoding: seen, as: UTF8.self))
                })
            }.start()
        }
    }

    @Test func watchSyncsRoundsAndStopsOnInterrupt() async throws {
        try await withEmulatorWorld(tasks: 6, label: "watch") { emulator, folder in
            let env = ["SIGMIC_BASE_URL": emulator.baseURL, "SIGMIC_API_KEY": emulator.keys[0], "XDG_CACHE_HOME": folder.path("cache").path]
            // A database of its own, dropped below (TestDatabase.with would close over the whole test).
            let server = try TestDatabase.server()
            let name = "watch_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
            try await TestDatabase.administer("CREATE DATABASE \(name)")
            let database = try PostgresLocation(parsing: "postgres://\(server.user)@\(server.host):\(server.port)/\(name)", defaultUser: server.user)
            let archives = [folder.path("a").path, database.display]
            for archive in archives {
                let (status, stderr) = try await watchOneRound(archive, environment: env)
                #expect(status == 0, "\(archive): \(stderr)")
                #expect(stderr.contains("Synced: 6 new") && stderr.contains("stopped; everything received is saved in \(archive)"),
                        "\(archive): \(stderr)")
                let listed = try await CommandRunner.runDetached(["tasks", "--json", "--archive", archive])
                let tasks = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]]
                #expect(tasks?.count == 6, "\(archive): \(listed.stderr)")
            }
            try await TestDatabase.administer("DROP DATABASE \(database.database) WITH (FORCE)")
        }
    }
}
