import Foundation

// What an `async` writer body would cost SQLite (ARCHITECTURE.md, "The body of a write is
// synchronous"): GRDB runs a transaction on its writer thread, so each writer call made from async
// code would be handed to that thread and awaited. This measures that hand-over — a closure given to
// a thread parked in its job loop, the caller suspended until it has run — against calling the same
// closure directly, as the synchronous body does.

/// A thread parked in a loop that runs what it is handed, as a writer inside its transaction would be.
final class JobLoop: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var closed = false

    func serve() {
        while true {
            condition.lock()
            while jobs.isEmpty && !closed { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }

    func run(_ work: @escaping @Sendable () -> Int) async -> Int {
        await withCheckedContinuation { continuation in
            condition.withLock {
                jobs.append { continuation.resume(returning: work()) }
                condition.signal()
            }
        }
    }

    func close() {
        condition.withLock {
            closed = true
            condition.signal()
        }
    }
}

@inline(never) func writerCall(_ value: Int) -> Int { value &* 31 &+ 7 }

/// Each call handed to the loop's thread and awaited, as an `async` writer body would make it.
func handedOver(_ calls: Int, to loop: JobLoop) async -> Int {
    var total = 0
    for call in 0..<calls { total &+= await loop.run { writerCall(call) } }
    return total
}

/// Each call made where the body runs, as the synchronous body makes it.
func direct(_ calls: Int) -> Int {
    var total = 0
    for call in 0..<calls { total &+= writerCall(call) }
    return total
}

let calls = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 200_000
let loop = JobLoop()
Thread { loop.serve() }.start()
let clock = ContinuousClock()
var start = clock.now
let viaLoop = await handedOver(calls, to: loop)
let handed = clock.now - start
loop.close()
start = clock.now
let inPlace = direct(calls)
let directly = clock.now - start
func microseconds(_ duration: Duration) -> String {
    String(format: "%.3f", duration / .microseconds(1) / Double(calls))
}
print("{\"calls\": \(calls), \"handedOverMicroseconds\": \(microseconds(handed)), \"directMicroseconds\": \(microseconds(directly)), \"agree\": \(viaLoop == inPlace)}")
