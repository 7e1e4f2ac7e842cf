import ArchivePostgres
import Foundation
import Testing
import TestSupport

/// `stats --json` counts in PostgreSQL what a folder counts in SQLite: the same bytes for every period
/// and scope, from a folder and from its copy (percentiles, week starts, tool calls once per id,
/// text ordered alike).
@Suite struct StatsPostgresTests {
    @Test func bothEnginesPrintTheSameStats() async throws {
        let folder = try TempFolder("stats-postgres")
        let archive = folder.path("archive")
        try InsightsArchive.create(at: archive)
        try await TestDatabase.with { location in
            let copy = try await CommandRunner.runDetached(["copy", "--from", archive.path, "--to", location.display])
            #expect(copy.status == 0, "\(copy.stderr)")
            for arguments in [
                ["--by", "day"], ["--by", "week"], ["--by", "month"],
                ["--since", "2026-01-19", "--until", "2026-02-16T12:00:00Z", "--account", "team.sigmic"],
                ["--since", "2030-01-01"],
            ] {
                let here = try await CommandRunner.runDetached(["stats", "--json", "--archive", archive.path] + arguments)
                let there = try await CommandRunner.runDetached(["stats", "--json", "--archive", location.display] + arguments)
                #expect(here.status == 0 && there.status == 0, "\(arguments): \(here.stderr) \(there.stderr)")
                #expect(!here.stdout.isEmpty && here.stdout == there.stdout, "\(arguments): \(firstDifference(here.stdout, there.stdout))")
            }
        }
    }

    func firstDifference(_ a: String, _ b: String) -> String {
        let (left, right) = (a.split(separator: "\n"), b.split(separator: "\n"))
        for (index, (x, y)) in zip(left, right).enumerated() where x != y { return "line \(index + 1): \(x) ≠ \(y)" }
        return "lengths \(left.count) and \(right.count)"
    }
}
