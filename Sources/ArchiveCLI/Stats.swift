import ArchiveExport
import ArchiveStore
import ArgumentParser
import Foundation

struct Stats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "What the archive says about the work: tasks, failures, durations, tools, errors, files (offline).",
        discussion: """
            Counts the tasks created in the range (by their creation, UTC), per --by period: tasks by status \
            with the failure rate (failed among those that ended), durations (created→completed and \
            started→completed: p50, p90, max), tool calls by tool (how many needed approval, were approved, \
            denied or failed; each call counted once), the most common error messages of failed tasks, \
            artifacts by type, the largest tasks, follow-ups per task, tasks started through `run`, and \
            activity by weekday and hour. --json prints one object, documented in SCHEMA.md; `serve` draws \
            the same at /insights.
            """)

    @OptionGroup var options: ArchiveOptions
    @Option(help: ArgumentHelp("Only tasks created on or after this date (YYYY-MM-DD or ISO-8601).", valueName: "date"))
    var since: String?
    @Option(help: ArgumentHelp("Only tasks created before this date.", valueName: "date"))
    var until: String?
    @Option(help: ArgumentHelp("Only this account (part of its base URL, or its key fingerprint).", valueName: "account"))
    var account: String?
    @Option(help: ArgumentHelp("Count per day, week (from Monday) or month.", valueName: "period"))
    var by: PeriodOption = .week
    @Flag(help: "Print the figures as one JSON object.")
    var json = false

    func validate() throws {
        try FilterCheck.validate(statuses: [], dates: [("--since", since), ("--until", until)])
    }

    var scope: InsightScope {
        var scope = InsightScope()
        scope.since = since.flatMap(SearchQuery.Filters.dateBound)
        scope.until = until.flatMap(SearchQuery.Filters.dateBound)
        (scope.account, scope.period) = (account, by.period)
        return scope
    }

    func run() async throws {
        let archive = try await options.openReader()
        let report = InsightsReport(try await archive.insightAggregates(scope), scope: scope)
        if json {
            Terminal.print(report.json.pretty)
        } else {
            Terminal.print(StatsText.render(report, colour: Terminal.useColour))
        }
    }


    enum PeriodOption: String, ExpressibleByArgument, CaseIterable {
        case day, week, month
        var period: InsightScope.Period { InsightScope.Period(rawValue: rawValue)! }
    }
}
