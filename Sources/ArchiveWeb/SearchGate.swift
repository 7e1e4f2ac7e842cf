/// Lets `running` searches work at once and up to `waiting` more wait their turn, in order; one more
/// is refused (`Busy`, a 503). A search can take a core for up to its deadline, and two cores are
/// common: with one search at a time, listing tasks and reading pages keep the other, however many
/// searches are sent (BENCHMARKS.md, long-message search).
actor SearchGate {
    struct Busy: Error {}

    let running: Int
    let waiting: Int
    private var active = 0
    private var queue: [CheckedContinuation<Void, Never>] = []

    init(running: Int, waiting: Int) {
        self.running = running
        self.waiting = waiting
    }

    func run<T: Sendable>(_ work: @Sendable () async throws -> T) async throws -> T {
        if active >= running {
            guard queue.count < waiting else { throw Busy() }
            await withCheckedContinuation { queue.append($0) }   // `active` is handed over by `finish`
        } else {
            active += 1
        }
        defer { finish() }
        return try await work()
    }

    private func finish() {
        if queue.isEmpty {
            active -= 1
        } else {
            queue.removeFirst().resume()
        }
    }
}
