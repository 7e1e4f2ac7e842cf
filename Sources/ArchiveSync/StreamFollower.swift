import Synchronization
public import SigmicAPI
public import ArchiveStore
import Pacing

/// What a follower does with what it reads: `ArchivedFollow` records it (one attach session per
/// connection); a follower that may not write the archive only shows it.
public protocol FollowRecording: Sendable {
    /// A connection is about to be opened.
    func sessionBegan() async throws
    /// Events in arrival order: a batch holds what arrived while the previous batch was handled.
    func record(_ records: [StreamRecord]) async throws
    /// The connection is over (every event read was handed to `record` first).
    func sessionEnded(_ reason: AttachSessionEnd) async throws
}

/// Carries out a `FollowMachine` over the client's stream, on the client's stopwatch: connects,
/// hands events to a `FollowRecording`, waits the retrier's backoff between connections, and stops
/// reading when the machine's deadline passes or the calling task is cancelled. It returns how the
/// follow ended; settling the task (fetching it as it is now) is the caller's.
public struct StreamFollower: Sendable {
    let client: SigmicClient

    public init(client: SigmicClient) {
        self.client = client
    }

    /// - Parameter ask: called with calls to put to the user (`Approvals.ask`); it must not block the
    ///   stream, which goes on meanwhile.
    public func follow(_ id: String, machine: FollowMachine, recording: some FollowRecording,
                       ask: @escaping @Sendable ([FollowMachine.Call]) -> Void = { _ in }) async throws -> FollowMachine.Ending {
        var machine = machine
        var action = machine.start(at: client.clock.now)
        var failure: (any Error)?
        while true {
            switch action {
            case .connect:
                try await recording.sessionBegan()
                (machine, action, failure) = try await readSession(id, machine: machine, recording: recording, ask: ask)
            case .endSession(let reason, let then):
                try await recording.sessionEnded(reason)
                switch then {
                case .settle(let ending):
                    return ending
                case .fail:
                    throw failure ?? CancellationError()
                case .reconnect(let retry):
                    do {
                        try await client.retrier.wait(beforeRetry: retry, atMost: FollowMachine.reconnectCap)
                        action = machine.backoffElapsed(at: client.clock.now)
                    } catch {
                        action = machine.detached(reading: false)
                    }
                }
            case .settle(let ending):
                return ending
            case .keepReading, .ask:
                // Answered inside a session only; the machine never gives them outside one.
                preconditionFailure("follow machine asked to read outside a session")
            }
        }
    }

    /// Reads one connection until the machine ends the session. Reading and recording run side by
    /// side: the reader queues each event as it arrives, and the recording takes whatever has queued
    /// while its previous batch was handled, so a fast stream costs a commit per batch, not per event
    /// (a 20,000-event stream, see BENCHMARKS.md). Every event read is recorded before this returns,
    /// or the recording's failure is thrown.
    private func readSession(_ id: String, machine: FollowMachine, recording: some FollowRecording,
                             ask: @escaping @Sendable ([FollowMachine.Call]) -> Void) async throws
        -> (FollowMachine, FollowMachine.Action, (any Error)?) {
        let queue = EventQueue()
        let (arrivals, arrived) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let deadlinePassed = Flag()
        let (client, clock) = (self.client, self.client.clock)
        let reader = Task { () async -> (FollowMachine, FollowMachine.Action, (any Error)?) in
            var machine = machine
            defer { arrived.finish() }
            do {
                for try await record in client.stream(id) {
                    await queue.append(record)
                    arrived.yield()
                    switch machine.received(record.event) {
                    case .keepReading: continue
                    case .ask(let calls): ask(calls)
                    case let ending: return (machine, ending, nil)
                    }
                }
                if Task.isCancelled { return (machine, Self.stopped(&machine, deadlinePassed: deadlinePassed.isSet), nil) }
                return (machine, machine.streamEnded(at: clock.now), nil)
            } catch {
                if Task.isCancelled { return (machine, Self.stopped(&machine, deadlinePassed: deadlinePassed.isSet), nil) }
                return (machine, machine.streamFailed(FollowMachine.StreamFailure(error), at: clock.now), error)
            }
        }
        let writer = Task {
            do {
                for await _ in arrivals { try await Self.hand(await queue.takeAll(), to: recording) }
                try await Self.hand(await queue.takeAll(), to: recording)
            } catch {
                reader.cancel()   // nothing more can be recorded: stop reading
                throw error
            }
        }
        let timer = Task {
            guard (try? await clock.sleep(until: machine.deadline)) != nil else { return }
            deadlinePassed.set()
            reader.cancel()
        }
        defer { timer.cancel() }
        let result = await withTaskCancellationHandler {
            // Cancelling the follower (Ctrl-C in `watch`) ends the read; what arrived is recorded below.
            await reader.value
        } onCancel: {
            reader.cancel()
        }
        try await writer.value
        return result
    }

    private static func stopped(_ machine: inout FollowMachine, deadlinePassed: Bool) -> FollowMachine.Action {
        deadlinePassed ? machine.deadlinePassed() : machine.detached(reading: true)
    }

    private static func hand(_ records: [StreamRecord], to recording: some FollowRecording) async throws {
        guard !records.isEmpty else { return }
        try await recording.record(records)
    }
}

/// Events read but not yet recorded, in arrival order.
actor EventQueue {
    private var records: [StreamRecord] = []

    func append(_ record: StreamRecord) {
        records.append(record)
    }

    func takeAll() -> [StreamRecord] {
        defer { records = [] }
        return records
    }
}

/// A flag one task raises and another reads.
final class Flag: Sendable {
    private let value = Atomic(false)

    var isSet: Bool { value.load(ordering: .acquiring) }

    func set() { value.store(true, ordering: .releasing) }
}
