import ArchiveStore

/// Query strings read the way the CLI reads its options, so `/api/…` answers what `tasks --json`,
/// `show --json` and `search --json` print for the same arguments. A value that is not valid is a
/// 400 that says which.
enum WebQueries {
    static func page(_ query: FormQuery) throws -> Int {
        guard let page = query.count("page") else { throw WebError.badRequest("page must be a whole number ≥ 1") }
        return max(1, page ?? 1)
    }

    static func statuses(_ query: FormQuery) throws -> [String] {
        let values = query.all("status")
        for value in values {
            if let problem = TaskFilter.problem(status: value) { throw WebError.badRequest(problem) }
        }
        return values
    }

    static func date(_ query: FormQuery, _ name: String) throws -> String? {
        guard let value = query[name], !value.isEmpty else { return nil }
        if let problem = TaskFilter.problem(date: value, option: name) { throw WebError.badRequest(problem) }
        return value
    }

    static func listFilters(_ query: FormQuery) throws -> TaskListPage.Filters {
        TaskListPage.Filters(statuses: try statuses(query), account: query["account"].flatMap { $0.isEmpty ? nil : $0 },
                             since: try date(query, "since"), until: try date(query, "until"), page: try page(query))
    }

    static func taskFilter(_ filters: TaskListPage.Filters) throws -> TaskFilter {
        var filter = TaskFilter()
        filter.statuses = filters.statuses.map { TaskStatus($0) }
        filter.since = filters.since.flatMap(SearchQuery.Filters.dateBound)
        filter.until = filters.until.flatMap(SearchQuery.Filters.dateBound)
        filter.account = filters.account
        filter.limit = TaskListPage.pageSize
        filter.offset = (filters.page - 1) * TaskListPage.pageSize
        return filter
    }

    /// `tasks`' options: status (repeatable), since, until, account, limit (50).
    static func cliTaskFilter(_ query: FormQuery) throws -> (TaskFilter, unfiltered: Bool) {
        var filter = TaskFilter()
        filter.statuses = try statuses(query).map { TaskStatus($0) }
        filter.since = try date(query, "since").flatMap(SearchQuery.Filters.dateBound)
        filter.until = try date(query, "until").flatMap(SearchQuery.Filters.dateBound)
        filter.account = query["account"].flatMap { $0.isEmpty ? nil : $0 }
        guard let limit = query.count("limit") else { throw WebError.badRequest("limit must be a whole number ≥ 0") }
        filter.limit = limit ?? 50
        let unfiltered = filter.statuses.isEmpty && filter.since == nil && filter.until == nil && filter.account == nil
        return (filter, unfiltered)
    }

    /// `search`'s arguments: q, and the options sort, limit (20), offset, status, kind, role, since, until.
    static func cliSearch(_ query: FormQuery) throws -> (SearchQuery, SearchOptions) {
        let filters = try SearchQuery.Filters(statuses: query.all("status"), kinds: query.all("kind"), roles: query.all("role"),
                                              since: query["since"].flatMap { $0.isEmpty ? nil : $0 },
                                              until: query["until"].flatMap { $0.isEmpty ? nil : $0 })
        guard let limit = query.count("limit"), let offset = query.count("offset") else {
            throw WebError.badRequest("limit and offset must be whole numbers ≥ 0")
        }
        let sortName = query["sort"].flatMap { $0.isEmpty ? nil : $0 } ?? "relevance"
        guard let sort = SearchOptions.Sort(rawValue: sortName) else {
            throw WebError.badRequest("sort must be one of relevance, newest, oldest")
        }
        return (try SearchQuery.parse(query["q"] ?? "", filters: filters), SearchOptions(sort: sort, limit: limit ?? 20, offset: offset ?? 0))
    }

    /// `stats`' options: since, until, account, by (week).
    static func insightScope(_ query: FormQuery) throws -> InsightScope {
        var scope = InsightScope()
        scope.since = try date(query, "since").flatMap(SearchQuery.Filters.dateBound)
        scope.until = try date(query, "until").flatMap(SearchQuery.Filters.dateBound)
        scope.account = query["account"].flatMap { $0.isEmpty ? nil : $0 }
        let by = query["by"].flatMap { $0.isEmpty ? nil : $0 } ?? "week"
        guard let period = InsightScope.Period(rawValue: by) else { throw WebError.badRequest("by must be one of day, week, month") }
        scope.period = period
        return scope
    }
}
