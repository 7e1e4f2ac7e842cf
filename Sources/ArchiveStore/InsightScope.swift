/// Which tasks `stats` and `/insights` describe: those created in [since, until) (canonical
/// timestamps), of the accounts matching `account` (as `tasks --account` matches), counted per `period`
/// of their creation (UTC).
public struct InsightScope: Sendable, Equatable {
    public enum Period: String, Sendable, CaseIterable {
        /// `YYYY-MM-DD`.
        case day
        /// The week's Monday, `YYYY-MM-DD`.
        case week
        /// `YYYY-MM`.
        case month
    }

    public var since: String?
    public var until: String?
    public var account: String?
    public var period: Period = .week

    public init() {}
}
