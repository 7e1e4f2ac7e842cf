import ArchiveExport
import ArchiveStore
import ArchiveSync
import ArgumentParser
import Foundation
import Pacing
import SigmicAPI

struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Keep syncing: poll the task list every --interval seconds and follow every running task live.",
        discussion: """
            On a terminal, each live task's status, tool calls and streamed text are shown as they arrive. \
            Ctrl-C stops cleanly: every event received so far is already saved. The archive's retention \
            policy (`retention --keep`), if it has one, is applied once a day.
            """)

    @OptionGroup var archiveOptions: ArchiveOptions
    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Seconds between list polls (running tasks are followed continuously meanwhile).")
    var interval = 15.0
    @OptionGroup var fetching: FetchOptions

    func validate() throws {
        try NumberOption.check(interval, option: "--interval", in: 1...NumberOption.week, unit: "seconds")
    }

    func run() async throws {
        try await HTTPClientBox.with(connectionsPerHost: fetching.connectionsPerHost) { http in
            let client = try connection.makeClient(http: http)
            do {
                _ = try await client.listTasks(limit: 1, offset: 0)
            } catch {
                throw CLIError(description: Sync.explain(error, baseURL: connection.resolvedBaseURL))
            }
            let archive = try await archiveOptions.openWritable()
            let lock = try archive.claimWriter(purpose: "watch")
            defer { withExtendedLifetime(lock) {} }
            let display = LiveDisplay(enabled: Terminal.stderrIsTerminal || Terminal.stdoutIsTerminal)
            let engine = SyncEngine(archive: archive, client: client, onEvent: { id, event in display.show(id, event) })
            var options = SyncEngine.Options()
            fetching.apply(to: &options)
            options.wait = interval
            // Ctrl-C is caught from the start: one that comes during the first round stops it cleanly too.
            let stop = Interrupts.first()
            // Rounds are paced on the client's clock, as every other wait of a sync is.
            let clock = client.clock
            let retention = Retention()
            let loop = Task {
                while !Task.isCancelled {
                    let started = clock.now
                    do {
                        _ = try await Sync.sendOutbox(archive: archive, client: client, baseURL: connection.resolvedBaseURL, quiet: false)
                        let report = try await engine.run(options)
                        Terminal.note(Sync.summary(report))
                        for failure in report.failures { Terminal.note("task \(failure.taskId) not synced: \(failure.error)") }
                        // The archive's retention policy, once a day (`retention`).
                        if let kept = try await retention.applyIfDue(to: archive), !kept.forgotten.isEmpty {
                            Terminal.note("retention: forgot \(counted(kept.forgotten.count, "task")) inactive for longer than the policy keeps")
                        }
                    } catch let error as SigmicAPIError where error.kind == .auth {
                        throw CLIError(description: Sync.explain(error, baseURL: connection.resolvedBaseURL))
                    } catch is CancellationError {
                        return
                    } catch {
                        if Task.isCancelled { return }
                        Terminal.note("sync failed, retrying next round: \(Sync.explain(error, baseURL: connection.resolvedBaseURL))")
                    }
                    try? await clock.sleep(until: started + .seconds(interval))
                }
            }
            let stopper = Task {
                await stop()
                loop.cancel()
            }
            defer { stopper.cancel() }
            try await loop.value
            Terminal.note("stopped; everything received is saved in \(archiveOptions.displayName)")
        }
    }
}

/// SIGINT / SIGTERM as an async wait.
enum Interrupts {
    nonisolated(unsafe) static var sources: [any DispatchSourceSignal] = []

    static func first() -> @Sendable () async -> Void {
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield() }
            source.resume()
            sources.append(source)
        }
        return {
            var iterator = stream.makeAsyncIterator()
            _ = await iterator.next()
        }
    }
}

/// Live events on the terminal, as `StreamScreen` reads them, written as they arrive.
final class LiveDisplay: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var screen: StreamScreen

    /// - Parameter tagged: lines start with the task's id (`watch` shows many tasks, `run` one).
    init(enabled: Bool, tagged: Bool = true) {
        self.enabled = enabled
        self.screen = StreamScreen(tagged: tagged)
    }

    func show(_ id: String, _ record: StreamRecord) {
        guard enabled else { return }
        lock.withLock {
            let text = screen.text(type: record.type, data: record.data, taskID: id)
            if !text.isEmpty { FileHandle.standardOutput.write(Data(text.utf8)) }
        }
    }
}
