/// The `--limit` of a list command (`tasks`, `search`): a default a person may not know about, `0` for
/// no limit, and a note on stderr when the default cut the list — so a script that wanted everything
/// learns that it got 50 of 812, while its JSON stays a plain array.
struct ListLimit {
    /// What `--limit` said, or nil for the default.
    let requested: Int?
    let defaultRows: Int

    /// Rows to ask the archive for (0: all).
    var rows: Int { requested ?? defaultRows }

    /// The note for a list of `shown` rows from `offset` on, or nil when the default did not cut it.
    /// `total` is asked only when the list is exactly as long as the default.
    func note(shown: Int, offset: Int = 0, total: () async throws -> Int) async rethrows -> String? {
        guard requested == nil, shown == defaultRows else { return nil }
        let all = try await total()
        guard all > offset + shown else { return nil }
        let range = offset == 0 ? "\(shown)" : "\(offset + 1)–\(offset + shown)"
        return "\(range) of \(all) shown; --limit 0 for all"
    }

}
