import Foundation
import Testing
import TestSupport

/// `stats --json` on a fixed archive (`InsightsArchive`), every figure checked against what the test
/// counts itself from the tables with the sqlite3 shell (its own queries, sorting and percentiles),
/// whole and scoped; the terminal's tables; bad input.
@Suite struct StatsCommandTests {
    struct Rig {
        let folder: TempFolder
        let archive: URL
        var database: URL { archive.appending(path: "archive.sqlite") }

        init() throws {
            folder = try TempFolder("stats")
            archive = folder.path("archive")
            try InsightsArchive.create(at: archive)
        }

        func stats(_ arguments: [String] = []) throws -> [String: Any] {
            let result = try CommandRunner.run(["stats", "--json", "--archive", archive.path] + arguments)
            #expect(result.status == 0, "\(result.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
        }

        /// Rows of the sqlite3 shell, split on `|`.
        func sql(_ query: String) throws -> [[String]] {
            try SQLiteShell.run(database, query).split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
        }
    }

    static func nearestRank(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        return sorted[max(1, Int((p * Double(sorted.count)).rounded(.up))) - 1]
    }

    @Test func everyFigureIsWhatTheTablesSay() throws {
        let rig = try Rig()
        let stats = try rig.stats(["--by", "month"])

        // Tasks by status, per month, and the failure rate among tasks that ended.
        let tasks = try #require(stats["tasks"] as? [String: Any])
        var byStatus: [String: Int] = [:]
        for row in try rig.sql("SELECT status, count(*) FROM task GROUP BY status") { byStatus[row[0]] = Int(row[1]) }
        #expect(tasks["byStatus"] as? [String: Int] == byStatus)
        #expect(tasks["total"] as? Int == InsightsArchive.taskCount)
        let ended = ["completed", "failed", "cancelled"].map { byStatus[$0] ?? 0 }.reduce(0, +)
        #expect(abs(((tasks["failureRate"] as? NSNumber)?.doubleValue ?? -1) - Double(byStatus["failed"] ?? 0) / Double(ended)) < 1e-6)
        let months = try rig.sql("SELECT substr(created_at, 1, 7), count(*), sum(status = 'failed') FROM task GROUP BY 1 ORDER BY 1")
        let periods = tasks["periods"] as? [[String: Any]] ?? []
        #expect(periods.map { $0["period"] as? String } == months.map { $0[0] })
        #expect(periods.map { $0["total"] as? Int } == months.map { Int($0[1]) })
        #expect(periods.map { ($0["byStatus"] as? [String: Int])?["failed"] ?? 0 } == months.map { Int($0[2]) ?? -1 })

        // Durations: nearest-rank percentiles of what the test reads and sorts itself.
        let durations = try #require((stats["durations"] as? [String: Any])?["all"] as? [String: Any])
        for (key, from) in [("createdToCompleted", "created_at"), ("startedToCompleted", "started_at")] {
            let values = try rig.sql("""
                SELECT (julianday(completed_at) - julianday(\(from))) * 86400.0 FROM task
                WHERE completed_at IS NOT NULL AND \(from) IS NOT NULL AND completed_at >= \(from)
                """).map { ((Double($0[0]) ?? .nan) * 1000).rounded() / 1000 }
            #expect(values.count > 20)
            let figures = try #require(durations[key] as? [String: Any])
            #expect(figures["count"] as? Int == values.count, "\(key)")
            for (name, expected) in [("p50", Self.nearestRank(values, 0.5)), ("p90", Self.nearestRank(values, 0.9)), ("max", values.max() ?? 0)] {
                #expect(abs(((figures[name] as? NSNumber)?.doubleValue ?? -1) - expected) < 0.0005, "\(key) \(name): \(figures[name] ?? "") vs \(expected)")
            }
        }

        // Tool calls, once per (task, call id) as the last message holding the call has it.
        var latest: [String: (position: Int, name: String, status: String, auto: String)] = [:]
        for row in try rig.sql("""
            SELECT m.task_id, coalesce(json_extract(c.value, '$.callId'), m.position || ':' || c.key), m.position,
                   json_extract(c.value, '$.toolName'), json_extract(c.value, '$.status'), coalesce(t.auto_execute, '')
            FROM message m JOIN task t ON t.id = m.task_id, json_each(m.tool_calls_json) c WHERE m.tool_calls_json IS NOT NULL
            """) {
            let key = row[0] + "/" + row[1]
            let position = Int(row[2]) ?? 0
            if let known = latest[key], known.position > position { continue }
            latest[key] = (position, row[3], row[4], row[5])
        }
        var expectedTools: [String: [String: Int]] = [:]
        for call in latest.values {
            let needed = call.auto == "0" || call.status == "awaiting_approval"
            var counts = expectedTools[call.name, default: [:]]
            counts["calls", default: 0] += 1
            if needed { counts["needingApproval", default: 0] += 1 }
            if needed && !["cancelled", "awaiting_approval"].contains(call.status) { counts["approved", default: 0] += 1 }
            if needed && call.status == "cancelled" { counts["denied", default: 0] += 1 }
            if call.status == "awaiting_approval" { counts["awaiting", default: 0] += 1 }
            if ["error", "failed"].contains(call.status) { counts["failed", default: 0] += 1 }
            expectedTools[call.name] = counts
        }
        let tools = stats["tools"] as? [[String: Any]] ?? []
        #expect(Set(tools.compactMap { $0["name"] as? String }) == Set(expectedTools.keys))
        for tool in tools {
            let name = tool["name"] as? String ?? ""
            for key in ["calls", "needingApproval", "approved", "denied", "awaiting", "failed"] {
                #expect(tool[key] as? Int == expectedTools[name]?[key] ?? 0, "\(name) \(key)")
            }
        }
        #expect(tools.map { $0["calls"] as? Int ?? 0 } == tools.map { $0["calls"] as? Int ?? 0 }.sorted(by: >), "most calls first")
        #expect(tools.contains { ($0["denied"] as? Int ?? 0) > 0 } && tools.contains { ($0["awaiting"] as? Int ?? 0) > 0 })

        // Errors of failed tasks, grouped as written (a blank one as "(no message)").
        var errors: [String: Int] = [:]
        for row in try rig.sql("SELECT coalesce(nullif(trim(error), ''), '(no message)'), count(*) FROM task WHERE status = 'failed' GROUP BY 1") {
            errors[row[0]] = Int(row[1])
        }
        let reported = stats["errors"] as? [[String: Any]] ?? []
        #expect(Dictionary(uniqueKeysWithValues: reported.map { ($0["message"] as? String ?? "", $0["tasks"] as? Int ?? 0) }) == errors)
        #expect(errors["(no message)"] != nil)

        // Artifacts by type, largest tasks.
        let artifacts = try #require(stats["artifacts"] as? [String: Any])
        var types: [String: [Int]] = [:]
        for row in try rig.sql("SELECT coalesce(mime_type, 'unknown'), count(*), sum(size) FROM artifact GROUP BY 1") {
            types[row[0]] = [Int(row[1]) ?? 0, Int(row[2]) ?? 0]
        }
        let byType = artifacts["byType"] as? [[String: Any]] ?? []
        #expect(Dictionary(uniqueKeysWithValues: byType.map { ($0["type"] as? String ?? "", [$0["count"] as? Int ?? 0, $0["bytes"] as? Int ?? 0]) }) == types)
        let biggest = try rig.sql("SELECT t.remote_id, count(*) FROM message m JOIN task t ON t.id = m.task_id GROUP BY t.id ORDER BY 2 DESC, 1 LIMIT 10")
        #expect((artifacts["largestTasksByMessages"] as? [[String: Any]])?.map { $0["id"] as? String } == biggest.map { $0[0] })
        let heaviest = try rig.sql("SELECT t.remote_id, sum(size) FROM artifact a JOIN task t ON t.id = a.task_id GROUP BY t.id ORDER BY 2 DESC, 1 LIMIT 10")
        #expect((artifacts["largestTasksByBytes"] as? [[String: Any]])?.map { $0["bytes"] as? Int } == heaviest.map { Int($0[1]) })

        // Follow-ups: user messages after the first.
        var distribution: [Int: Int] = [:]
        for row in try rig.sql("SELECT t.id, (SELECT count(*) FROM message m WHERE m.task_id = t.id AND m.role = 'user') FROM task t") {
            distribution[max(0, (Int(row[1]) ?? 0) - 1), default: 0] += 1
        }
        let followUps = try #require(stats["followUps"] as? [String: Any])
        let reportedDistribution = (followUps["distribution"] as? [[String: Int]] ?? []).map { ($0["followUps"] ?? -1, $0["tasks"] ?? -1) }
        #expect(Dictionary(uniqueKeysWithValues: reportedDistribution) == distribution)
        #expect(followUps["tasksWithFollowUps"] as? Int == distribution.filter { $0.key > 0 }.values.reduce(0, +))
        #expect(followUps["max"] as? Int == distribution.keys.max())

        // Started through `run` (the task's origin, or a create the outbox sent).
        let run = Int(try rig.sql("""
            SELECT count(*) FROM task WHERE origin = 'run' OR remote_id IN (SELECT remote_id FROM outbox WHERE kind = 'create' AND state = 'sent')
            """)[0][0]) ?? -1
        // Every fifth task was started by `run`, every eleventh by the outbox (0 and 55 are both).
        #expect(run == (0..<InsightsArchive.taskCount).filter { $0 % 5 == 0 || $0 % 11 == 0 }.count)
        #expect(run > 0 && stats["origins"] as? [String: Int] == ["run": run, "elsewhere": InsightsArchive.taskCount - run])

        // Activity: tasks per weekday (Monday first) and hour.
        var activity = Array(repeating: Array(repeating: 0, count: 24), count: 7)
        for row in try rig.sql("SELECT strftime('%w', created_at), strftime('%H', created_at), count(*) FROM task GROUP BY 1, 2") {
            activity[((Int(row[0]) ?? 0) + 6) % 7][Int(row[1]) ?? 0] = Int(row[2]) ?? 0
        }
        #expect((stats["activity"] as? [String: Any])?["hours"] as? [[Int]] == activity)
    }

    /// A range and an account narrow every figure to their tasks; weeks start on Monday.
    @Test func scopesNarrowTheTasks() throws {
        let rig = try Rig()
        let since = "2026-01-19", until = "2026-02-16"
        let scoped = try rig.stats(["--since", since, "--until", until, "--account", "team.sigmic", "--by", "week"])
        let count = Int(try rig.sql("""
            SELECT count(*) FROM task t JOIN account a ON a.id = t.account_id
            WHERE t.created_at >= '\(since)' AND t.created_at < '\(until)' AND a.base_url LIKE '%team.sigmic%'
            """)[0][0])
        let tasks = try #require(scoped["tasks"] as? [String: Any])
        #expect(tasks["total"] as? Int == count && (count ?? 0) > 3)
        let weeks = (tasks["periods"] as? [[String: Any]] ?? []).compactMap { $0["period"] as? String }
        #expect(weeks == ["2026-01-19", "2026-01-26", "2026-02-02", "2026-02-09"].filter(weeks.contains) && !weeks.isEmpty, "\(weeks)")
        #expect((scoped["scope"] as? [String: Any])?["since"] as? String == "2026-01-19T00:00:00.000Z")
        let days = try rig.stats(["--by", "day", "--since", "2026-01-05", "--until", "2026-01-06"])
        #expect(((days["tasks"] as? [String: Any])?["periods"] as? [[String: Any]])?.map { $0["period"] as? String } == ["2026-01-05"])
    }

    @Test func onATerminalItIsTablesAndBars() throws {
        let rig = try Rig()
        let result = try CommandRunner.run(["stats", "--archive", rig.archive.path, "--by", "month"], environment: ["NO_COLOR": "1"])
        #expect(result.status == 0, "\(result.stderr)")
        let text = result.stdout
        for part in ["Tasks created, by month (UTC): 90", "2026-01", "failed", "Durations", "Tool calls", "run_shell",
                     "Most common errors of failed tasks", "(no message)", "Artifacts by type", "Largest tasks", "Follow-ups", "Started", "Activity", "Mon  "] {
            #expect(text.contains(part), "\(part) in:\n\(text)")
        }
        #expect(text.contains("█") && !text.contains("\u{1B}"), "bars, and no escape codes off a terminal")
    }

    @Test(arguments: [
        (["stats", "--by", "year"], "--by"),
        (["stats", "--since", "2026-02-30"], "--since 2026-02-30 is not a date"),
        (["stats", "--until", "soon"], "--until soon is not a date"),
    ])
    func badInputIsOneLine(arguments: [String], message: String) throws {
        let rig = try Rig()
        let result = try CommandRunner.run(arguments + ["--archive", rig.archive.path])
        #expect(result.status == 64 && result.stderr.contains(message) && result.stdout.isEmpty, "\(result.stderr)")
    }
}
