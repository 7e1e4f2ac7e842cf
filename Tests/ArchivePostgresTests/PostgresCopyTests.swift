import ArchivePostgres
import ArchiveStore
import Foundation
import SigmicEmulator
import Testing
import TestSupport

/// `copy --from DIR --to postgres://…` with the real binary: a synced archive (with a followed run's
/// live events and artifact files) moves to PostgreSQL so that `tasks --json` and every task's
/// `show --json` read the same from both; the files arrive whole; a second copy changes nothing, and
/// after more work in the folder a third copies only what changed.
@Suite
struct PostgresCopyTests {
    func json(_ result: CommandResult) throws -> [String: Any] {
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
    }

    /// `show --events --json` without the attach-session numbers, which each archive gives its own.
    func withoutSessionNumbers(_ text: String) -> String {
        text.replacing(/"session" : \d+/, with: "\"session\" : _")
    }

    /// Runs a command that follows a run (`run`, `reply`) with the emulator's time standing still until
    /// the command is watching, so the run's live events are archived however loaded the machine.
    func followed(_ arguments: [String], environment: [String: String], emulator: Emulator, clock: ManualClock) async throws -> CommandResult {
        async let result = CommandRunner.runDetached(arguments, environment: environment)
        let watched = await emulator.world.waitForAnySubscriber()
        let driver = clock.drive(step: 0.01)
        await emulator.world.waitForStatus(watched, ["completed", "failed", "cancelled", "awaiting_approval"])
        driver.cancel()
        await driver.value
        return try await result
    }

    @Test func aSyncedArchiveReadsTheSameFromPostgreSQL() async throws {
        let clock = ManualClock()
        try await withEmulatorWorld(tasks: 8, label: "postgres-copy", clock: clock) { emulator, folder in
            let archive = folder.path("a").path
            let env = ["SIGMIC_BASE_URL": emulator.baseURL, "SIGMIC_API_KEY": emulator.keys[0], "SIGMIC_ARCHIVE": archive]
            #expect(try await CommandRunner.runDetached(["sync"], environment: env).status == 0)
            let run = try await followed(["run", "Chart the quarter", "--json"], environment: env, emulator: emulator, clock: clock)
            #expect(run.status == 0, "\(run.stderr)")

            try await TestDatabase.with { location in
                let url = location.display
                let first = try json(try await CommandRunner.runDetached(["copy", "--from", archive, "--to", url, "--json"]))
                #expect(first["tasks"] as? Int == 9 && first["copied"] as? Int == 9 && (first["blobBytes"] as? Int ?? 0) > 0, "\(first)")

                let listed = try await CommandRunner.runDetached(["tasks", "--json", "--limit", "0", "--archive", archive])
                let listedThere = try await CommandRunner.runDetached(["tasks", "--json", "--limit", "0", "--archive", url])
                #expect(listedThere.status == 0 && listedThere.stdout == listed.stdout, "\(listedThere.stderr)")
                let ids = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]]).compactMap { $0["id"] as? String }
                #expect(ids.count == 9)
                var withEvents = 0
                for id in ids {
                    let here = try await CommandRunner.runDetached(["show", id, "--json", "--events", "--archive", archive])
                    let there = try await CommandRunner.runDetached(["show", id, "--json", "--events", "--archive", url])
                    #expect(there.status == 0 && withoutSessionNumbers(there.stdout) == withoutSessionNumbers(here.stdout), "\(id): \(there.stderr)")
                    let plain = try await CommandRunner.runDetached(["show", id, "--json", "--archive", url])
                    let plainHere = try await CommandRunner.runDetached(["show", id, "--json", "--archive", archive])
                    #expect(plain.stdout == plainHere.stdout)
                    if here.stdout.contains("\"receivedAt\"") { withEvents += 1 }
                }
                #expect(withEvents >= 1, "the followed run's events were copied")

                // `status` counts the same rows, tasks, files and accounts in both (the sync-run log stays
                // in the folder: it is the folder's history).
                let statusHere = try json(try await CommandRunner.runDetached(["status", "--json", "--archive", archive]))
                let statusThere = try json(try await CommandRunner.runDetached(["status", "--json", "--archive", url]))
                var tablesHere = statusHere["tables"] as? [String: Int] ?? [:]
                var tablesThere = statusThere["tables"] as? [String: Int] ?? [:]
                tablesHere["sync_run"] = nil
                tablesThere["sync_run"] = nil
                #expect(!tablesHere.isEmpty && tablesHere == tablesThere, "\(tablesHere) vs \(tablesThere)")
                for key in ["tasksByStatus", "artifacts", "accounts", "liveTasks", "blobBytes"] {
                    let here = NSDictionary(dictionary: statusHere).value(forKey: key) as? NSObject
                    let there = NSDictionary(dictionary: statusThere).value(forKey: key) as? NSObject
                    #expect(here != nil && here == there, "status \(key): \(here.map { "\($0)" } ?? "-") vs \(there.map { "\($0)" } ?? "-")")
                }

                // Every file arrived whole: its chunks, in order, hash to its name.
                let blobs = try await TestDatabase.rows(location, """
                    SELECT b.sha256, encode(sha256(string_agg(c.data, ''::bytea ORDER BY c.chunk)), 'hex'), b.size::text,
                           sum(length(c.data))::text
                    FROM blob b JOIN blob_chunk c ON c.sha256 = b.sha256 GROUP BY b.sha256, b.size
                    """)
                #expect(!blobs.isEmpty && blobs.allSatisfy { $0[0] == $0[1] && $0[2] == $0[3] }, "\(blobs.prefix(3))")

                let verified = try await CommandRunner.runDetached(["verify", "--archive", url])
                #expect(verified.status == 0 && verified.stdout.hasPrefix("OK:"), "\(verified.stdout)\(verified.stderr)")

                let again = try json(try await CommandRunner.runDetached(["copy", "--from", archive, "--to", url, "--json"]))
                #expect(again["copied"] as? Int == 0 && again["unchanged"] as? Int == 9, "\(again)")

                let reply = try await followed(["reply", ids[0], "And per month?"], environment: env, emulator: emulator, clock: clock)
                #expect(reply.status == 0, "\(reply.stderr)")
                let third = try json(try await CommandRunner.runDetached(["copy", "--from", archive, "--to", url, "--json"]))
                #expect(third["copied"] as? Int == 1 && third["unchanged"] as? Int == 8, "\(third)")
                // A damaged chunk is found.
                _ = try await TestDatabase.rows(location, "UPDATE blob_chunk SET data = data || '\\x00'::bytea WHERE chunk = 0 AND sha256 = (SELECT min(sha256) FROM blob)")
                let damaged = try await CommandRunner.runDetached(["verify", "--archive", url])
                #expect(damaged.status == 1 && damaged.stdout.contains("blob-damaged: blob "), "\(damaged.stdout)")

                let shown = try await CommandRunner.runDetached(["show", ids[0], "--json", "--archive", url])
                let shownHere = try await CommandRunner.runDetached(["show", ids[0], "--json", "--archive", archive])
                #expect(shown.stdout.contains("And per month?") && shown.stdout == shownHere.stdout)

                // And back. The damaged file stops the copy with one line, before any row names it.
                let back = folder.path("back").path
                let refused = try await CommandRunner.runDetached(["copy", "--from", url, "--to", back])
                #expect(refused.status != 0 && refused.stderr.contains("sha256") && refused.stderr.split(separator: "\n").count == 1,
                        "\(refused.stderr)")
                // Mended, the copy resumes; the new folder reads as the original folder, verifies clean
                // (its files re-hashed), searches alike, and a second copy changes nothing.
                _ = try await TestDatabase.rows(location, "UPDATE blob_chunk SET data = substring(data FROM 1 FOR length(data) - 1) WHERE chunk = 0 AND sha256 = (SELECT min(sha256) FROM blob)")
                let out = try json(try await CommandRunner.runDetached(["copy", "--from", url, "--to", back, "--json"]))
                #expect(out["tasks"] as? Int == 9 && (out["copied"] as? Int ?? 0) + (out["unchanged"] as? Int ?? 0) == 9
                        && (out["blobBytes"] as? Int ?? 0) > 0, "\(out)")
                for id in ids {
                    let original = try await CommandRunner.runDetached(["show", id, "--json", "--events", "--archive", archive])
                    let returned = try await CommandRunner.runDetached(["show", id, "--json", "--events", "--archive", back])
                    #expect(returned.status == 0 && withoutSessionNumbers(returned.stdout) == withoutSessionNumbers(original.stdout), "\(id): \(returned.stderr)")
                }
                let verifiedBack = try await CommandRunner.runDetached(["verify", "--archive", back])
                #expect(verifiedBack.status == 0, "\(verifiedBack.stdout)\(verifiedBack.stderr)")
                // The same entries with the same scores (equal scores may come in either order).
                func hits(_ archive: String) async throws -> Set<String> {
                    let found = try await CommandRunner.runDetached(["search", "month", "--json", "--limit", "0", "--archive", archive])
                    let hits = try #require(try JSONSerialization.jsonObject(with: Data(found.stdout.utf8)) as? [[String: Any]], "\(found.stderr)")
                    return Set(hits.map { hit in ["taskId", "messageId", "kind", "snippet", "score"].map { "\(hit[$0] ?? "-")" }.joined(separator: "|") })
                }
                let (foundBack, foundHere) = (try await hits(back), try await hits(archive))
                #expect(foundBack.count > 1 && foundBack == foundHere && foundBack.contains { $0.contains("And per") })
                let outAgain = try json(try await CommandRunner.runDetached(["copy", "--from", url, "--to", back, "--json"]))
                #expect(outAgain["copied"] as? Int == 0 && outAgain["unchanged"] as? Int == 9, "\(outAgain)")

                // `verify --repair`: a damaged file is dropped (its artifacts wait for the next sync) and
                // lost search entries are rebuilt; then the database verifies clean.
                _ = try await TestDatabase.rows(location, "UPDATE blob_chunk SET data = data || '\\x00'::bytea WHERE chunk = 0 AND sha256 = (SELECT min(sha256) FROM blob)")
                let beforeLoss = try await hits(url)
                _ = try await TestDatabase.rows(location, "DELETE FROM search_doc WHERE id IN (SELECT id FROM search_doc ORDER BY id LIMIT 3)")
                let found = try await CommandRunner.runDetached(["verify", "--archive", url])
                #expect(found.status == 1 && found.stdout.contains("blob-damaged") && found.stdout.contains("search-index"), "\(found.stdout)")
                let repaired = try await CommandRunner.runDetached(["verify", "--repair", "--archive", url])
                #expect(repaired.status == 0 && repaired.stdout.contains("repaired: "), "\(repaired.stdout)\(repaired.stderr)")
                let clean = try await CommandRunner.runDetached(["verify", "--archive", url])
                #expect(clean.status == 0 && clean.stdout.hasPrefix("OK:"), "\(clean.stdout)")
                let pending = try await TestDatabase.rows(location, "SELECT count(*)::text FROM artifact WHERE fetch_state = 'pending' AND blob_sha256 IS NULL")
                #expect(pending.first?.first != "0", "the damaged file's artifacts wait for the next sync")
                let afterRepair = try await hits(url)
                #expect(afterRepair == beforeLoss, "search finds what it found before the entries were lost")
            }
        }
    }

    @Test func copyRefusesBadInputWithOneLine() async throws {
        let folder = try TempFolder("postgres-copy-bad")
        let server = try TestDatabase.server()
        let missing = try await CommandRunner.runDetached(["copy", "--from", folder.path("none").path, "--to", server.display])
        #expect(missing.status != 0 && missing.stderr.contains("no archive here"), "\(missing.stderr)")
        let withPassword = try await CommandRunner.runDetached(["copy", "--from", folder.path("none").path,
                                                                "--to", "postgres://u:secret99@127.0.0.1:1/db"])
        #expect(withPassword.status != 0 && !withPassword.stderr.contains("secret99"), "\(withPassword.stderr)")
        let twoFolders = try await CommandRunner.runDetached(["copy", "--from", folder.path("a").path, "--to", folder.path("b").path])
        #expect(twoFolders.status != 0 && twoFolders.stderr.contains("between a folder and postgres://"), "\(twoFolders.stderr)")
    }
}

extension PostgresCopyTests {
    /// Three copies of one folder into one database at the same time: all finish, every task and file
    /// is there once, and the database verifies clean.
    @Test func threeCopiesAtOnceLeaveOneCleanArchive() async throws {
        try await withEmulatorWorld(tasks: 30, label: "postgres-copy-thrice") { emulator, folder in
            let archive = folder.path("a").path
            let env = ["SIGMIC_BASE_URL": emulator.baseURL, "SIGMIC_API_KEY": emulator.keys[0], "SIGMIC_ARCHIVE": archive]
            #expect(try await CommandRunner.runDetached(["sync"], environment: env).status == 0)
            try await TestDatabase.with { location in
                async let first = CommandRunner.runDetached(["copy", "--from", archive, "--to", location.display, "--json"])
                async let second = CommandRunner.runDetached(["copy", "--from", archive, "--to", location.display, "--json"])
                async let third = CommandRunner.runDetached(["copy", "--from", archive, "--to", location.display, "--json"])
                let results = try await [first, second, third]
                let summaries = try results.map(json)
                #expect(summaries.map { ($0["copied"] as? Int ?? 0) + ($0["unchanged"] as? Int ?? 0) } == [30, 30, 30], "\(summaries)")
                let counts = try await TestDatabase.rows(location, """
                    SELECT (SELECT count(*) FROM task)::text, (SELECT count(DISTINCT remote_id) FROM task)::text,
                           (SELECT count(*) FROM account)::text
                    """)
                #expect(counts.first == ["30", "30", "1"], "\(counts)")
                let verified = try await CommandRunner.runDetached(["verify", "--archive", location.display])
                #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
            }
        }
    }
}
