import ArchiveStore
import ArchiveSync
import Foundation
import Testing
import TestSupport

/// Retention decides on the clock it is given: which tasks are past the policy (pinned ones never),
/// when the daily run is due, and what a period means. Nothing here sleeps.
@Suite struct RetentionTests {
    static let now = Timestamp.parse("2026-06-01T00:00:00.000Z")!

    static func daysAgo(_ days: Double) -> String {
        Timestamp.string(from: now.addingTimeInterval(-days * 86_400))
    }

    /// (task, last activity in days before now, pinned, kept by a 30-day policy)
    static let table: [(String, Double, Bool, Bool)] = [
        ("recent", 1, false, true),
        ("at-the-cutoff", 30, false, true),
        ("just-past", 30.001, false, false),
        ("old", 31, false, false),
        ("old-but-pinned", 400, true, true),
        ("ancient", 400, false, false),
    ]

    @Test func thePolicyForgetsUnpinnedTasksPastItsCutoffAndKeepsTheRest() async throws {
        let folder = try TempFolder("retention")
        let archive = try Archive.open(at: folder.path("archive"), now: { Self.now })
        try await archive.write { writer in
            let account = try writer.account(baseURL: Fixtures.baseURL, apiKey: Fixtures.apiKey)
            for (id, days, pinned, _) in Self.table {
                var task = Fixtures.task(id, createdAt: Self.daysAgo(days))
                task.lastActivityAt = Self.daysAgo(days)
                let row = try writer.upsertListedTask(task, account: account)
                try writer.setPinned(row, pinned)
            }
        }
        let retention = Retention(now: { Self.now })
        let policy = try #require(RetentionPolicy(parsing: "30d"))
        let due = try await retention.due(policy, in: archive).map(\.remoteID)
        #expect(Set(due) == Set(Self.table.filter { !$0.3 }.map(\.0)))

        let result = try await retention.apply(policy, to: archive)
        #expect(Set(result.forgotten.map(\.remoteID)) == ["just-past", "old", "ancient"])
        var all = TaskFilter()
        all.limit = 0
        #expect(Set(try await archive.storedTasks(all).map(\.remoteID)) == ["recent", "at-the-cutoff", "old-but-pinned"])
        let tombstones = try await archive.tombstones()
        #expect(Set(tombstones.map(\.remoteID)) == ["just-past", "old", "ancient"])
        #expect(tombstones.allSatisfy { $0.reason == "retention --keep 30d" })
        #expect(try await archive.auditLog().last?.record.command == "retention --keep 30d")
        var pinned = TaskFilter()
        pinned.pinned = true
        #expect(try await archive.storedTasks(pinned).map(\.remoteID) == ["old-but-pinned"])
    }

    @Test func watchAppliesTheArchivesPolicyOnceADay() async throws {
        let folder = try TempFolder("retention-daily")
        let clock = Clock(Self.now)
        let archive = try Archive.open(at: folder.path("archive"), now: { clock.now })
        let retention = Retention(now: { clock.now })
        #expect(try await retention.applyIfDue(to: archive) == nil, "no policy: nothing to do")
        try await archive.write { try $0.setSetting(.retentionKeep, to: "30d") }
        try await archive.write { writer in
            let account = try writer.account(baseURL: Fixtures.baseURL, apiKey: Fixtures.apiKey)
            var task = Fixtures.task("old", createdAt: Self.daysAgo(45))
            task.lastActivityAt = Self.daysAgo(45)
            try writer.upsertListedTask(task, account: account)
        }
        #expect(try await retention.applyIfDue(to: archive)?.forgotten.map(\.remoteID) == ["old"])
        clock.now = Self.now.addingTimeInterval(23 * 3600)
        #expect(try await retention.applyIfDue(to: archive) == nil, "ran less than a day ago")
        clock.now = Self.now.addingTimeInterval(24 * 3600)
        #expect(try await retention.applyIfDue(to: archive)?.forgotten.isEmpty == true, "due again, with nothing left to forget")
    }

    @Test(arguments: [
        (nil, 0.0, true), (Optional(0.0), 23 * 3600.0, false), (Optional(0.0), 24 * 3600.0, true), (Optional(3600.0), 0.0, true),
    ] as [(Double?, Double, Bool)])
    func theDailyRunIsDueADayAfterTheLast(lastApplied: Double?, now: Double, due: Bool) {
        let base = Self.now
        #expect(RetentionPolicy.isDue(lastApplied: lastApplied.map { base.addingTimeInterval($0) }, now: base.addingTimeInterval(now)) == due)
    }

    @Test(arguments: [("90d", 90), ("12w", 84), ("1y", 365), (" 7D ", 7), ("0d", nil), ("90", nil), ("3m", nil), ("-5d", nil), ("d", nil)]
          as [(String, Int?)])
    func aPeriodIsDaysWeeksOrYears(text: String, days: Int?) {
        #expect(RetentionPolicy(parsing: text)?.days == days)
    }

    /// A wall clock the test sets.
    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Date
        init(_ value: Date) { self.value = value }
        var now: Date {
            get { lock.withLock { value } }
            set { lock.withLock { value = newValue } }
        }
    }
}
