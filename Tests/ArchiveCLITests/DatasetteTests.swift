import Foundation
import SigmicEmulator
import Testing
import TestSupport

/// Real Datasette (PyPI) on a synced archive, run as the README says: with the metadata of
/// `datasette-metadata`, `?_search=` on search_doc finds exactly the entries that hold a token planted
/// through our own `run`; without it, Datasette ignores the search and lists every row.
@Suite struct DatasetteTests {
    @Test func datasettesSearchBoxFindsThePlantedToken() async throws {
        try await withEmulatorWorld(tasks: 6, label: "datasette") { emulator, folder in
            let env = ["SIGMIC_BASE_URL": emulator.baseURL, "SIGMIC_API_KEY": emulator.keys[0],
                       "SIGMIC_ARCHIVE": folder.path("a").path]
            let sync = try await CommandRunner.runDetached(["sync"], environment: env)
            #expect(sync.status == 0, "\(sync.stderr)")
            let run = try await CommandRunner.runDetached(["run", "Find the zqxjplanted budget line", "--json"], environment: env)
            #expect(run.status == 0, "\(run.stderr)")

            try MachinePart.python(["datasette"]).require()
            let helper = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Helpers/datasette_check.py")
            let database = folder.path("a").appending(path: "archive.sqlite").path
            let result = try await CommandRunner.runDetached(
                ["python3", helper.path, database, try CommandRunner.binary().path, "zqxjplanted"],
                executable: URL(fileURLWithPath: "/usr/bin/env"))
            #expect(result.status == 0, "\(result.stderr.suffix(2000))")
            let seen = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
            let truth = seen["truth"] as? [Int] ?? []
            #expect(!truth.isEmpty, "the run's message is archived and indexed")
            #expect(seen["withMetadata"] as? [Int] == truth, "\(seen)")
            #expect((seen["withoutMetadata"] as? Int ?? 0) > truth.count, "without the metadata Datasette does not filter: \(seen)")
        }
    }
}
