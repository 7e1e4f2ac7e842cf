import ArchiveStore
import Foundation
import Testing
import TestSupport

/// A sync that stops (a full disk, failed tasks, a crash) may leave files stored before the commits that
/// would name them. Right after it, `verify` counts them as awaiting the next sync, not as problems;
/// once a sync has ended well, a file no row names is an orphan again.
@Suite struct VerifyAfterStoppedSyncTests {
    @Test(arguments: [SyncRunOutcome.partial, .failed, .interrupted, nil])
    func filesOfAStoppedSyncAwaitTheNextOne(_ outcome: SyncRunOutcome?) throws {
        let folder = try TempFolder("verify-stopped")
        let (archive, account, _) = try Fixtures.archiveWithTask(in: folder)
        try archive.write { writer in
            let run = try writer.beginSyncRun(account: account, mode: .incremental)
            if let outcome { try writer.finishSyncRun(run, outcome: outcome, totals: SyncRunTotals(), error: nil) }
        }
        _ = try archive.blobs.store(Data("stored before its commit".utf8))
        let report = try archive.verify()
        #expect(report.isClean, "\(report.problems)")
        #expect(report.awaitingSync == 1)
        // --repair leaves it to the next sync.
        #expect(try archive.verify(repair: true).awaitingSync == 1)
    }

    @Test func afterASyncThatEndedWellAnUnnamedFileIsAnOrphan() throws {
        let folder = try TempFolder("verify-ok")
        let (archive, account, _) = try Fixtures.archiveWithTask(in: folder)
        try archive.write { writer in
            let run = try writer.beginSyncRun(account: account, mode: .incremental)
            try writer.finishSyncRun(run, outcome: .ok, totals: SyncRunTotals(), error: nil)
        }
        _ = try archive.blobs.store(Data("named by nothing".utf8))
        let report = try archive.verify()
        #expect(report.awaitingSync == 0)
        #expect(report.problems.map(\.kind) == [.blobOrphaned])
    }
}
