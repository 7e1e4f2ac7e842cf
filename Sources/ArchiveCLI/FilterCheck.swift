import ArchiveStore
import ArgumentParser

/// The filter options `tasks`, `search` and `export` share, checked one way (the store's own rules,
/// which `serve` and `mcp` apply to the same filters): a usage error naming the option.
enum FilterCheck {
    static func validate(statuses: [String] = [], dates: [(option: String, value: String?)] = []) throws {
        for value in statuses {
            if let problem = TaskFilter.problem(status: value) { throw ValidationError(problem) }
        }
        for (option, value) in dates {
            if let value, let problem = TaskFilter.problem(date: value, option: option) { throw ValidationError(problem) }
        }
    }
}
