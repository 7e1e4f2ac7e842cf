import ArchiveStore
import Foundation
import SigmicEmulator
import Testing
import TestSupport

/// SIGKILL the real `sigmic-archive sync` at random instants, rerun it, and compare with a sync that
/// was never interrupted: nothing lost, nothing twice.
@Suite struct SyncCrashTests {
    @Test func aKilledSyncResumesToTheSameArchiveWithoutDuplicates() async throws {
        try await withSyncRig({ $0.tasksPerKey = 120; $0.faults.slowFirstByte = 0 }) { rig in
            let environment = ["SIGMIC_BASE_URL": rig.emulator.baseURL, "SIGMIC_API_KEY": rig.emulator.keys[0]]
            let baseline = rig.folder.path("baseline")
            let clean = try await CommandRunner.runDetached(["sync", "--archive", baseline.path], environment: environment)
            #expect(clean.status == 0, "\(clean.stderr)")
            let expected = try contentDump(try Archive.open(at: baseline))
            #expect(expected.contains("## message"))

            var random = SystemRandomNumberGenerator()
            var killed = 0
            // CI runs a few rounds; tools/soak/crash-soak runs hundreds (SIGMIC_CRASH_ROUNDS).
            let rounds = Int(ProcessInfo.processInfo.environment["SIGMIC_CRASH_ROUNDS"] ?? "") ?? 6
            for round in 0..<rounds {
                let folder = rig.folder.path("crash-\(round)")
                // Kill at a random instant of the first sync (and, every other round, of a second one too).
                for _ in 0..<(round % 2 + 1) {
                    let delay = Double.random(in: 0.05...0.9, using: &random)
                    if try await CommandRunner.killAfter(delay, ["sync", "--archive", folder.path, "--jobs", "4"], environment: environment) {
                        killed += 1
                    }
                }
                let rerun = try await CommandRunner.runDetached(["sync", "--archive", folder.path], environment: environment)
                #expect(rerun.status == 0, "round \(round): \(rerun.stderr)")
                let archive = try Archive.open(at: folder)
                #expect(try contentDump(archive) == expected, "round \(round) differs from an uninterrupted sync")
                let report = try archive.verify()
                #expect(report.isClean, "round \(round): \(report.problems.prefix(3))")
                let problems = try await differences(archive, rig.emulator)
                #expect(problems.isEmpty, "round \(round): \(problems.prefix(3))")
            }
            #expect(killed > 0, "no sync was still running when killed")
            print("crash suite: \(rounds) rounds, \(killed) syncs killed mid-run, every rerun equal to an uninterrupted sync")
        }
    }
}
