import ArchivePostgres
import Foundation
import Testing
import TestSupport

/// `replay`, its JSON, the asciicast export and `serve`'s events endpoint give the same bytes on a
/// folder and on PostgreSQL (after `copy`): the recorded stream, its times and sessions read the same
/// from either engine.
@Suite struct ReplayPostgresTests {
    @Test func replayReadsTheSameFromBothEngines() async throws {
        let folder = try TempFolder("replay-postgres")
        let archive = folder.path("archive")
        try HostileArchive.create(at: archive)
        try RecordedRun.create(at: archive, sessions: [RecordedRun.evenlySpaced(steps: 8, interval: 0.75),
                                                       RecordedRun.evenlySpaced(steps: 6, interval: 0.5, from: 90)])
        try await TestDatabase.with { location in
            let copy = try await CommandRunner.runDetached(["copy", "--from", archive.path, "--to", location.display])
            #expect(copy.status == 0, "\(copy.stderr)")
            for arguments in [
                ["replay", HostileArchive.taskID, "--speed", "0"],
                ["replay", RecordedRun.taskID, "--speed", "0", "--session", "2"],
                ["replay", RecordedRun.taskID, "--json", "--idle-limit", "1"],
                ["replay", RecordedRun.taskID, "--speed", "0", "--from", "0:03"],
                ["export", HostileArchive.taskID, "--format", "asciicast", "-o", "-"],
                ["export", RecordedRun.taskID, "--format", "asciicast", "-o", "-"],
            ] {
                let here = try await CommandRunner.runDetached(arguments + ["--archive", archive.path])
                let there = try await CommandRunner.runDetached(arguments + ["--archive", location.display])
                #expect(here.status == 0 && there.status == 0, "\(arguments): \(here.stderr) \(there.stderr)")
                #expect(!here.stdout.isEmpty && here.stdout == there.stdout, "\(arguments)")
            }
            let bad = try await CommandRunner.runDetached(["replay", RecordedRun.taskID, "--session", "3", "--archive", location.display])
            #expect(bad.status == 1 && bad.stderr.contains("--session 3 is out of range: the task has 2 recorded sessions"), "\(bad.stderr)")

            let server = try ServeProcess(archive: location.display)
            let events = try await server.get("/api/tasks/\(RecordedRun.taskID)/events")
            let cli = try await CommandRunner.runDetached(["replay", RecordedRun.taskID, "--json", "--archive", archive.path])
            #expect(events.status == 200 && events.text == cli.stdout)
            let page = try await server.get("/tasks/\(RecordedRun.taskID)")
            #expect(page.text.contains("<section id=\"replay\""))
        }
    }
}
