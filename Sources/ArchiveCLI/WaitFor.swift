import Foundation

/// Runs async work from a synchronous command and waits for its result. Only for the main thread of
/// a synchronous command (as `tasks`, `show` and `copy` are), never from Swift concurrency code: the
/// work runs on the cooperative pool while this thread waits.
func waitFor<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let result = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { result.set(.success(try await work())) } catch { result.set(.failure(error)) }
        done.signal()
    }
    done.wait()
    return try result.get()
}

/// A result handed from the task to the waiting thread (the semaphore orders the two).
private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private var value: Result<T, any Error>?
    func set(_ value: Result<T, any Error>) { self.value = value }
    func get() throws -> T { try value!.get() }
}
