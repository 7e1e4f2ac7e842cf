import ArchiveStore
import ArchiveSync
import Foundation
import SigmicEmulator
import Testing
import TestSupport

/// The outbox never sends for a forgotten task: a follow-up queued for it (here queued before a
/// tombstone arrived, as `copy` can bring one) is marked stale, and the server never hears of it.
@Suite struct OutboxForgottenTests {
    @Test func aQueuedFollowUpForAForgottenTaskIsNotSent() async throws {
        try await withSyncRig({ $0.tasksPerKey = 3 }) { rig in
            let archive = try rig.archive()
            _ = try await rig.sync(archive)
            let task = try #require(try await archive.tasks(TaskFilter()).first { $0.status == .completed })
            let before = await rig.emulator.world.snapshot(key: 0).first { $0.id == task.id }?.messages.count
            let queued = try await archive.write { writer in
                let account = try writer.account(baseURL: rig.emulator.baseURL, apiKey: rig.emulator.keys[0])
                let id = try writer.enqueue(NewOutboxItem(kind: .followUp, taskID: task.id, message: "One more thing"), account: account)
                try writer.recordTombstone(remoteID: task.id, account: account, forgottenAt: "2026-12-07T00:00:00.000Z",
                                           reason: "forget", lastActivityAt: nil)
                return id
            }
            let report = try await OutboxSender(archive: archive, client: rig.client()).send()
            #expect(report.stale == [queued] && report.sent.isEmpty)
            let item = try #require(try await archive.outbox(account: nil, states: nil).first { $0.id == queued })
            #expect(item.state == .stale && item.note?.contains("forgotten") == true)
            #expect(await rig.emulator.world.snapshot(key: 0).first { $0.id == task.id }?.messages.count == before)
        }
    }
}
