import ArchiveStore
import ArchiveSync
import Foundation
import SigmicAPI
import SigmicEmulator
import Testing
import TestSupport

@Suite struct SyncAccountsTests {
    @Test func twoKeysShareOneArchiveAsTwoAccounts() async throws {
        try await withSyncRig({ $0.keyCount = 2; $0.tasksPerKey = 15 }) { rig in
            let archive = try rig.archive()
            for key in 0..<2 {
                let report = try await SyncEngine(archive: archive, client: try rig.client(key: key)).run(SyncEngine.Options())
                #expect(report.tasks.new == 15 && report.failures.isEmpty)
            }
            let status = try await archive.status()
            #expect(status.accounts.count == 2)
            #expect(Set(status.accounts.map(\.keyFingerprint)).count == 2)
            #expect(status.accounts.allSatisfy { $0.tasks == 15 && $0.lastSyncAt != nil })
            // Search spans both accounts.
            let hits = try await archive.search(SearchQuery.parse("kind:message"), options: SearchOptions(limit: 10_000))
            #expect(Set(hits.map(\.taskID)).count == 30)
        }
    }

    @Test func chosenTasksAloneAreSynced() async throws {
        try await withSyncRig { rig in
            let archive = try rig.archive()
            let ids = try await rig.client().listTasks(limit: 3).tasks.map(\.id)
            let report = try await rig.sync(archive) { $0.taskIDs = ids }
            #expect(report.tasks.new == 3 && report.failures.isEmpty)
            #expect(try await archive.status().tables["task"] == 3)
            let unknown = try await rig.sync(archive) { $0.taskIDs = ["00000000-0000-4000-8000-000000000000"] }
            #expect(unknown.failures.map(\.taskId) == ["00000000-0000-4000-8000-000000000000"])
        }
    }

    @Test func hostileArtifactNamesAreMetadataOnly() async throws {
        try await withSyncRig({ $0.hostileArtifactNames = true; $0.tasksPerKey = 3 }) { rig in
            let archive = try rig.archive()
            let report = try await rig.sync(archive)
            #expect(report.failures.isEmpty, "\(report.failures)")
            // Every file written is inside the archive: the database, blobs named by hash, nothing else.
            for path in rig.folder.tree() {
                let allowed = path == "archive" || path.hasPrefix("archive/archive.sqlite") || path == "archive/blobs"
                    || path == "archive/blobs/tmp" || path.range(of: #"^archive/blobs/[0-9a-f]{2}(/[0-9a-f]{62})?$"#, options: .regularExpression) != nil
                #expect(allowed, "unexpected file \(path)")
            }
            let parent = rig.folder.url.deletingLastPathComponent()
            #expect(!FileManager.default.fileExists(atPath: parent.appending(path: "escape.txt").path))
            // The names are kept exactly, as metadata.
            let paths = try await archive.status().tables["artifact"] ?? 0
            #expect(paths >= 10)
            // Some task has more files than are downloaded at once, so the exact comparison below
            // covers downloads that overlap.
            let remote = await rig.emulator.world.snapshot(key: 0)
            #expect(remote.contains { $0.files.count > SyncEngine.Options().downloadsPerTask })
            let diffs = try await differences(archive, rig.emulator)
            #expect(diffs.isEmpty, "\(diffs.prefix(3))")
        }
    }
}

@Suite struct SyncChosenLiveTaskTests {
    @Test func aChosenRunningTaskIsFollowedToTheEnd() async throws {
        // The run waits on the emulator's clock, which stands still until the sync follows the task: on
        // a loaded machine a run on the wall clock could finish before the sync looked at it.
        let clock = ManualClock()
        try await withSyncRig({ $0.clock = clock; $0.startDelay = 0.2 }) { rig in
            let archive = try rig.archive()
            let id = try await rig.client().createTask(CreateTaskRequest(message: "What is 2+2?"))
            async let synced = rig.sync(archive) {
                $0.taskIDs = [id]
                $0.wait = 20
            }
            // Asleep on the clock: the run's start, and the followed stream's heartbeat.
            await clock.waitForSleepers(2)
            let driver = clock.drive(step: 0.01)
            await rig.emulator.world.waitForStatus(id, ["completed", "failed", "cancelled"])
            driver.cancel()
            await driver.value
            let report = try await synced
            #expect(report.failures.isEmpty, "\(report.failures)")
            let task = try await archive.task(matching: id)
            #expect(task.status == "completed")
            #expect(try await archive.messages(of: task.rowID).last?.content == "2+2 equals 4.")
            #expect(try await !archive.events(of: task.rowID).isEmpty)
        }
    }
}
