@testable import ArchiveCLI
import ArchiveExport
import ArchiveStore
import Foundation
import Pacing
import Synchronization
import Testing
import TestSupport

/// `replay`'s pacing on a clock the test moves by hand: each frame is written when the clock reaches
/// its time, a pause holds every later frame back by its length, and a replay at 4× ends at a quarter
/// of the recorded time. Nothing sleeps.
@Suite struct ReplayPlayerTests {
    /// Plays `frames` (and a last frame far later, so the player always has a wait ahead and the test
    /// can step until the frames before it are written), calling `during` with the clock at each step.
    static func play(_ frames: [ReplayScript.Frame], step: Double,
                     during: (TestClock, PlaybackControl, Int) async -> Void = { _, _, _ in }) async throws -> [(at: Double, text: String)] {
        let clock = TestClock()
        let stopwatch = Stopwatch(clock)
        let control = PlaybackControl(clock: stopwatch)
        let written = Mutex<[(at: Double, text: String)]>([])
        let player = ReplayPlayer(clock: stopwatch, control: control) { text in
            let now = stopwatch.now.components
            written.withLock { $0.append((Double(now.seconds) + Double(now.attoseconds) / 1e18, text)) }
        }
        let sentinel = ReplayScript.Frame(at: 1_000, text: "never", kind: .separator, session: 1, toolName: nil)
        let playing = Task { try await player.play(frames + [sentinel]) }
        let wanted = frames.filter { !$0.text.isEmpty }.count
        while written.withLock({ $0.count }) < wanted {
            await clock.sleepers(atLeast: 1)
            if written.withLock({ $0.count }) >= wanted { break }
            await during(clock, control, written.withLock { $0.count })
            clock.advance(by: .seconds(step))
        }
        playing.cancel()
        await #expect(throws: CancellationError.self) { try await playing.value }
        return written.withLock { $0 }
    }

    static func frames(_ times: [Double]) -> [ReplayScript.Frame] {
        times.enumerated().map { ReplayScript.Frame(at: $0.element, text: "f\($0.offset)\n", kind: .event("status"), session: 1, toolName: nil) }
    }

    @Test func eachFrameIsWrittenWhenTheClockReachesIt() async throws {
        let written = try await Self.play(Self.frames([0, 0, 0.5, 1.25, 3]), step: 0.25)
        #expect(written.map(\.at) == [0, 0, 0.5, 1.25, 3])
        #expect(written.map(\.text) == ["f0\n", "f1\n", "f2\n", "f3\n", "f4\n"])
    }

    /// Space at 1.5 s and again 3 s later: the frames due meanwhile come 3 s late, the rest follow at
    /// their recorded distance.
    @Test func aPauseHoldsEveryLaterFrameBackByItsLength() async throws {
        let pausedOnce = Mutex(false)
        let written = try await Self.play(Self.frames([0, 1, 2, 3]), step: 0.25) { clock, control, count in
            guard count == 2, clock.now.offset == .milliseconds(1_500), !pausedOnce.withLock({ $0 }) else { return }
            pausedOnce.withLock { $0 = true }
            await control.toggle()
            #expect(await control.paused)
            clock.advance(by: .seconds(3))
            await control.toggle()
            #expect(await control.pausedBefore == .seconds(3))
        }
        #expect(pausedOnce.withLock { $0 })
        #expect(written.map(\.at) == [0, 1, 5, 6])
    }

    /// The recorded run of `RecordedRun` (10 events half a second apart, 4.5 s) at `--speed 4` takes
    /// 4.5 / 4 s on the player's clock, each event a quarter of its recorded distance after the last.
    @Test func atFourTimesTheSpeedTheReplayTakesAQuarterOfTheRecordedTime() async throws {
        let session = RecordedRun.evenlySpaced(steps: 10, interval: 0.5)
        let events = session.enumerated().map { seq, event in
            StoredEvent(session: AttachSessionID(rawValue: 1), seq: seq, type: event.type, data: event.data,
                        receivedAt: Timestamp.string(from: RecordedRun.start.addingTimeInterval(event.at)))
        }
        var options = ReplayScript.Options()
        options.speed = 4
        let script = try ReplayScript(events: events, taskID: RecordedRun.taskID, options: options)
        #expect(script.duration == 4.5 / 4)
        let written = try await Self.play(script.frames, step: 0.125)
        #expect(written.last?.at == 4.5 / 4)
        #expect(written.map(\.at) == (0..<10).map { Double($0) * 0.125 })
        #expect(written.map(\.text).joined() == script.text)
    }
}
