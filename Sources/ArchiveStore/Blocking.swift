import Foundation

/// Runs a store call from async code on a thread of its own. The store's calls block — SQLite reads,
/// and PostgreSQL's waits on postgres-nio futures — so they must not run on one of the concurrency
/// runtime's few threads (it would stall every other request) nor on a NIO event loop (where waiting
/// on a future is refused). Servers (`serve`, `mcp`) make every store call through this.
public enum Blocking {
    private static let queue = DispatchQueue(label: "sigmic-archive.store-calls", attributes: .concurrent)

    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
