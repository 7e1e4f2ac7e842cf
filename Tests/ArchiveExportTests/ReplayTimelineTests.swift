import ArchiveExport
import Foundation
import Testing

/// When a replay shows each event, decided from receive times alone: gaps capped at the idle limit and
/// divided by the speed, sessions one after another with a separator saying how long nobody watched.
@Suite struct ReplayTimelineTests {
    static let start = Date(timeIntervalSince1970: 1_780_000_000)

    static func times(_ offsets: [Double]) -> [Date] { offsets.map { start.addingTimeInterval($0) } }

    /// (receive offsets, speed, idle limit, expected frame times)
    static let oneSession: [([Double], Double, Double, [Double])] = [
        ([0, 1, 1.5, 4], 1, 2, [0, 1, 1.5, 3.5]),          // the 2.5 s pause is played as 2 s
        ([0, 1, 1.5, 4], 4, 2, [0, 0.25, 0.375, 0.875]),   // four times faster, after the cap
        ([0, 1, 1.5, 4], 0, 2, [0, 0, 0, 0]),              // speed 0: everything at once
        ([0, 10, 20], 1, 30, [0, 10, 20]),                 // under the cap: as recorded
        ([5, 4, 6], 1, 2, [0, 0, 2]),                      // a clock stepped back plays no pause
    ]

    @Test(arguments: 0..<oneSession.count)
    func gapsAreCappedThenSpedUp(case index: Int) {
        let (offsets, speed, idle, expected) = Self.oneSession[index]
        let timeline = ReplayTimeline(sessions: [Self.times(offsets)], speed: speed, idleLimit: idle)
        #expect(timeline.frames.map(\.at) == expected)
        #expect(timeline.frames.map(\.item) == offsets.indices.map { .event(session: 0, index: $0) })
    }

    @Test func sessionsPlayOneAfterAnotherWithTheUnwatchedTimeBetween() {
        let timeline = ReplayTimeline(sessions: [Self.times([0, 1]), Self.times([3601, 3602.5])], speed: 2, idleLimit: 2)
        #expect(timeline.frames == [
            .init(at: 0, item: .event(session: 0, index: 0)),
            .init(at: 0.5, item: .event(session: 0, index: 1)),
            .init(at: 1.5, item: .separator(session: 1, unwatched: 3600)),
            .init(at: 1.5, item: .event(session: 1, index: 0)),
            .init(at: 2.25, item: .event(session: 1, index: 1)),
        ])
        #expect(timeline.duration == 2.25)
        #expect(ReplayTimeline(sessions: [], speed: 1, idleLimit: 2).frames.isEmpty)
    }
}
