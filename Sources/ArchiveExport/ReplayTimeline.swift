public import Foundation

/// When each recorded event is shown again (`replay`, and an asciicast's times), decided from the times
/// the events were received: the gaps between them, each shortened to at most `idleLimit` and divided
/// by `speed`. Attach sessions play one after another; between two, a separator comes after one capped
/// gap and says how long the task was not watched. Pure: no clock, no I/O.
public struct ReplayTimeline: Sendable, Equatable {
    /// One thing to show: an event, or the line between two sessions.
    public enum Item: Sendable, Equatable {
        /// The `index`-th event of session `session` (both counted from 0).
        case event(session: Int, index: Int)
        /// Before session `session`: the task was not watched for `unwatched` seconds.
        case separator(session: Int, unwatched: Double)
    }

    public struct Frame: Sendable, Equatable {
        /// Seconds from the start of the replay.
        public let at: Double
        public let item: Item

        public init(at: Double, item: Item) {
            (self.at, self.item) = (at, item)
        }
    }

    public let frames: [Frame]

    /// The played length, in seconds.
    public var duration: Double { frames.last?.at ?? 0 }

    /// - Parameters:
    ///   - sessions: each session's events' receive times, in order.
    ///   - speed: how many times faster than recorded; 0 shows everything at once.
    ///   - idleLimit: the longest pause played, in recorded seconds (before `speed` divides it).
    public init(sessions: [[Date]], speed: Double, idleLimit: Double) {
        var frames: [Frame] = []
        var at = 0.0
        var previous: Date?
        func advance(to time: Date) {
            if let previous, speed > 0 {
                at += min(max(0, time.timeIntervalSince(previous)), idleLimit) / speed
            }
            previous = time
        }
        for (session, times) in sessions.enumerated() {
            if session > 0, let first = times.first, let last = previous {
                advance(to: first)
                frames.append(Frame(at: at, item: .separator(session: session, unwatched: max(0, first.timeIntervalSince(last)))))
            }
            for (index, time) in times.enumerated() {
                advance(to: time)
                frames.append(Frame(at: at, item: .event(session: session, index: index)))
            }
        }
        self.frames = frames
    }
}
