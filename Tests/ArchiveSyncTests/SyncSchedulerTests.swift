import ArchiveSync
import Synchronization
import Testing

@Suite struct SyncSchedulerTests {
    /// Counts bodies inside their network part, and the most at once.
    final class Gauge: Sendable {
        private let state = Mutex((now: 0, most: 0, ran: 0))
        func enter() { state.withLock { $0.now += 1; $0.most = max($0.most, $0.now); $0.ran += 1 } }
        func leave() { state.withLock { $0.now -= 1 } }
        var most: Int { state.withLock { $0.most } }
        var ran: Int { state.withLock { $0.ran } }
    }

    static func fetches(_ count: Int) -> [SyncAction] { (0..<count).map { .fetch(taskID: "t\($0)", isNew: true) } }

    @Test func atMostJobsFetchesHaveRequestsInFlight() async throws {
        let gauge = Gauge()
        try await SyncScheduler(jobs: 3).run(Self.fetches(40)) { _, requestsDone in
            gauge.enter()
            await Task.yield()
            gauge.leave()
            await requestsDone()
            await requestsDone()   // a second release gives nothing back twice
            await Task.yield()     // waiting for the writer holds no network slot
        }
        #expect(gauge.ran == 40)
        #expect(gauge.most <= 3 && gauge.most >= 1)
    }

    struct Boom: Error {}

    /// With one slot, the actions after a failed first one are admitted only if its failure gave the
    /// slot back (otherwise the run would hang, and the time limit fails the test).
    @Test(.timeLimit(.minutes(1)))
    func aFailedTaskGivesItsSlotsBackAndTheFirstErrorEndsTheRun() async {
        let gauge = Gauge()
        await #expect(throws: Boom.self) {
            try await SyncScheduler(jobs: 1).run(Self.fetches(5) + [.attach(taskID: "live", isNew: false)]) { action, _ in
                gauge.enter()
                gauge.leave()
                if action.taskID == "t0" { throw Boom() }
            }
        }
        #expect(gauge.ran >= 1)
    }

    @Test func aSyncKeepsTwiceItsJobsAsConnections() {
        #expect(SyncScheduler.connections(forJobs: 8) == 16)
        #expect(SyncScheduler.connections(forJobs: 0) == 2)
    }
}
