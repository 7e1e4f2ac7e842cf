import Synchronization

/// Says that whoever asked for a search has gone (a web client closed its connection), once, to
/// everyone listening: SQLite's progress handler reads `isCancelled`; PostgreSQL registers an action
/// that asks the server to cancel the running statement. Actions registered after the fact run at once.
public final class SearchCancellation: Sendable {
    private struct State {
        var cancelled = false
        var actions: [@Sendable () -> Void] = []
    }

    private let state = Mutex(State())

    public init() {}

    public var isCancelled: Bool { state.withLock { $0.cancelled } }

    public func cancel() {
        let actions = state.withLock { state -> [@Sendable () -> Void] in
            guard !state.cancelled else { return [] }
            state.cancelled = true
            defer { state.actions = [] }
            return state.actions
        }
        for action in actions { action() }
    }

    /// Runs `action` when the search is cancelled (now, if it already is).
    public func onCancel(_ action: @escaping @Sendable () -> Void) {
        let now = state.withLock { state -> Bool in
            if state.cancelled { return true }
            state.actions.append(action)
            return false
        }
        if now { action() }
    }
}
