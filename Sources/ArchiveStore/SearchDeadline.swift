import Foundation
import GRDB
import GRDBSQLite

/// How long one search may work before it stops as too broad, so no query — however many entries it
/// ranks — holds a reader, a `serve` thread or an `mcp` answer for long. Time comes from the clock
/// given (a `ContinuousClock` by default), so a test can run a search past its deadline without waiting.
/// SQLite checks it every `instructionsPerCheck` virtual-machine steps (a progress handler,
/// https://sqlite.org/c3ref/progress_handler.html); PostgreSQL sets it as the statement's timeout.
public struct SearchDeadline: Sendable {
    public let limit: Duration
    /// Starts a stopwatch: the closure it returns tells the time since.
    let startStopwatch: @Sendable () -> @Sendable () -> Duration
    /// Whoever asked has gone (a web client that closed its connection): the search stops with
    /// `CancellationError`, on SQLite at the progress handler's next look, on PostgreSQL by a cancel
    /// request for its statement.
    public var cancellation: SearchCancellation?

    public init<C: Clock>(limit: Duration, clock: C) where C.Duration == Duration {
        self.limit = limit
        startStopwatch = {
            let start = clock.now
            return { start.duration(to: clock.now) }
        }
    }

    /// Two seconds: a search over a million messages answers in tens of milliseconds (BENCHMARKS.md),
    /// so only a query that matches nearly everything, or a damaged index, gets near it.
    public static let standard = SearchDeadline(limit: .seconds(2), clock: ContinuousClock())

    /// This deadline, for a search that also stops when `cancellation` is cancelled.
    public func cancelled(by cancellation: SearchCancellation?) -> SearchDeadline {
        var deadline = self
        deadline.cancellation = cancellation
        return deadline
    }

    package var isCancelled: Bool { cancellation?.isCancelled ?? false }

    /// The error an interrupted search ends with: its asker is gone, or it is past its deadline.
    var interrupted: any Error {
        isCancelled ? CancellationError() : exceeded
    }

    /// The error a search past its deadline ends with.
    public var exceeded: ArchiveError {
        .invalidQuery("the search is too broad: it was stopped after \(Self.seconds(limit)); add a word or a filter, or make a prefix longer")
    }

    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let value = Double(seconds) + Double(attoseconds) / 1e18
        return value == value.rounded() ? "\(Int(value)) s" : String(format: "%.3g s", value)
    }

    /// Virtual-machine steps between two looks at the clock: about a tenth of a millisecond of work.
    static let instructionsPerCheck: Int32 = 1000
}

/// What the progress handler reads: the stopwatch and the limit.
private final class DeadlineCheck {
    let elapsed: @Sendable () -> Duration
    let limit: Duration
    let cancellation: SearchCancellation?
    init(_ deadline: SearchDeadline) {
        elapsed = deadline.startStopwatch()
        limit = deadline.limit
        cancellation = deadline.cancellation
    }
}

/// Runs `body` on `db` with the deadline's progress handler installed: SQLite interrupts the running
/// statement (SQLITE_INTERRUPT) once the deadline has passed. The handler is removed afterwards, so a
/// pooled connection carries nothing into its next read.
func withSearchDeadline<T>(_ db: Database, _ deadline: SearchDeadline, _ body: () throws -> T) throws -> T {
    let check = Unmanaged.passRetained(DeadlineCheck(deadline))
    sqlite3_progress_handler(db.sqliteConnection, SearchDeadline.instructionsPerCheck, { context in
        let check = Unmanaged<DeadlineCheck>.fromOpaque(context!).takeUnretainedValue()
        return check.cancellation?.isCancelled == true || check.elapsed() >= check.limit ? 1 : 0
    }, check.toOpaque())
    defer {
        sqlite3_progress_handler(db.sqliteConnection, 0, nil, nil)
        check.release()
    }
    return try body()
}
