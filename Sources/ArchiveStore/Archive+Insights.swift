import Foundation
import GRDB

extension Archive {
    public func insightAggregates(_ scope: InsightScope) async throws -> InsightAggregates {
        try await read("counting insights") { db in
            let (conditions, arguments) = Self.insightConditions(scope)
            let period = Self.periodSQL(scope.period)
            // Every count reads the scope's tasks as `scoped` (a CTE: the readers may not create tables).
            let scoped = """
                WITH scoped AS (
                    SELECT t.id, t.remote_id, t.account_id, t.status, t.message, t.error, t.created_at, t.started_at, t.completed_at,
                           t.auto_execute, t.origin, \(period) AS period
                    FROM task t JOIN account a ON a.id = t.account_id
                    WHERE \(conditions))

                """
            func rows(_ sql: String, _ extra: [any DatabaseValueConvertible] = []) throws -> [Row] {
                try Row.fetchAll(db, sql: scoped + sql, arguments: StatementArguments(arguments + extra))
            }
            var result = InsightAggregates()
            result.statusCounts = try rows("""
                SELECT period, status, count(*) AS n FROM scoped GROUP BY period, status ORDER BY period, status
                """).map { InsightAggregates.StatusCount(period: $0["period"], status: $0["status"], count: $0["n"]) }
            result.durations = try InsightAggregates.DurationKind.allCases.flatMap { kind in try Self.durations(kind, rows) }
            for row in try rows("""
                SELECT round((julianday(completed_at) - julianday(created_at)) * 86400.0, 3) AS seconds
                FROM scoped WHERE completed_at IS NOT NULL AND seconds >= 0
                """) {
                result.durationHistogram[InsightAggregates.durationBucket(row["seconds"])] += 1
            }
            result.tools = try rows("""
                , calls AS (
                    SELECT s.id AS task, s.auto_execute AS auto, m.position AS position,
                           coalesce(json_extract(c.value, '$.callId'), m.position || ':' || c.key) AS call,
                           coalesce(json_extract(c.value, '$.toolName'), '') AS name, coalesce(json_extract(c.value, '$.status'), '') AS status
                    FROM scoped s JOIN message m ON m.task_id = s.id, json_each(m.tool_calls_json) c
                    WHERE m.tool_calls_json IS NOT NULL AND json_valid(m.tool_calls_json) AND json_type(m.tool_calls_json) = 'array'
                ), latest AS (
                    -- SQLite takes the bare columns from the row with the greatest position.
                    SELECT task, call, name, status, auto, max(position) FROM calls GROUP BY task, call
                ), judged AS (
                    SELECT name, status, CASE WHEN auto = 0 OR status = 'awaiting_approval' THEN 1 ELSE 0 END AS needed FROM latest
                )
                SELECT name, count(*) AS calls, sum(needed) AS needed,
                       sum(CASE WHEN needed = 1 AND status NOT IN ('cancelled', 'awaiting_approval') THEN 1 ELSE 0 END) AS approved,
                       sum(CASE WHEN needed = 1 AND status = 'cancelled' THEN 1 ELSE 0 END) AS denied,
                       sum(CASE WHEN status = 'awaiting_approval' THEN 1 ELSE 0 END) AS awaiting,
                       sum(CASE WHEN status IN ('error', 'failed') THEN 1 ELSE 0 END) AS failed
                FROM judged GROUP BY name ORDER BY calls DESC, name
                """).map { row in
                InsightAggregates.Tool(name: row["name"], calls: row["calls"], needingApproval: row["needed"], approved: row["approved"],
                                       denied: row["denied"], awaiting: row["awaiting"], failed: row["failed"])
            }
            result.errors = try rows("""
                SELECT coalesce(nullif(trim(error), ''), '(no message)') AS error_text, count(*) AS n, max(created_at) AS last
                FROM scoped WHERE status = 'failed' GROUP BY error_text ORDER BY n DESC, error_text LIMIT ?
                """, [InsightAggregates.topCount]).map { InsightAggregates.ErrorGroup(message: $0["error_text"], tasks: $0["n"], lastAt: $0["last"]) }
            result.artifactTypes = try rows("""
                SELECT coalesce(nullif(x.mime_type, ''), 'unknown') AS type, count(*) AS n, sum(coalesce(x.size, 0)) AS bytes
                FROM scoped s JOIN artifact x ON x.task_id = s.id GROUP BY type ORDER BY n DESC, type
                """).map { InsightAggregates.ArtifactType(type: $0["type"], count: $0["n"], bytes: $0["bytes"]) }
            result.largestByMessages = try rows("""
                SELECT s.remote_id, s.message, (SELECT count(*) FROM message m WHERE m.task_id = s.id) AS n
                FROM scoped s ORDER BY n DESC, s.remote_id LIMIT ?
                """, [InsightAggregates.topCount]).map { InsightAggregates.TaskSize(id: $0["remote_id"], prompt: $0["message"], value: $0["n"]) }
            result.largestByBytes = try rows("""
                SELECT s.remote_id, s.message, sum(coalesce(x.size, 0)) AS n
                FROM scoped s JOIN artifact x ON x.task_id = s.id GROUP BY s.id ORDER BY n DESC, s.remote_id LIMIT ?
                """, [InsightAggregates.topCount]).map { InsightAggregates.TaskSize(id: $0["remote_id"], prompt: $0["message"], value: $0["n"]) }
            result.followUps = try rows("""
                SELECT max(coalesce(u.n, 0) - 1, 0) AS follow_ups, count(*) AS tasks
                FROM scoped s LEFT JOIN (SELECT task_id, count(*) AS n FROM message WHERE role = 'user' GROUP BY task_id) u ON u.task_id = s.id
                GROUP BY follow_ups ORDER BY follow_ups
                """).map { (followUps: $0["follow_ups"], tasks: $0["tasks"]) }
            result.startedByRun = try rows("""
                SELECT count(*) AS n FROM scoped s WHERE s.origin = 'run'
                """).first?["n"] ?? 0
            for row in try rows("""
                SELECT (CAST(strftime('%w', created_at) AS INTEGER) + 6) % 7 AS weekday, CAST(strftime('%H', created_at) AS INTEGER) AS hour,
                       count(*) AS n
                FROM scoped WHERE strftime('%w', created_at) IS NOT NULL GROUP BY weekday, hour
                """) {
                let (weekday, hour): (Int, Int) = (row["weekday"], row["hour"])
                result.activity[weekday][hour] = row["n"]
            }
            return result
        }
    }

    /// Durations of one kind per period and over the whole scope, in seconds to the millisecond, as
    /// nearest-rank percentiles of the sorted values (`InsightAggregates.percentile`).
    private static func durations(_ kind: InsightAggregates.DurationKind,
                                  _ rows: (String, [any DatabaseValueConvertible]) throws -> [Row]) throws -> [InsightAggregates.Durations] {
        let from = kind == .createdToCompleted ? "created_at" : "started_at"
        var byPeriod: [(String, [Double])] = []
        var all: [Double] = []
        for row in try rows("""
            SELECT period, round((julianday(completed_at) - julianday(\(from))) * 86400.0, 3) AS seconds
            FROM scoped WHERE completed_at IS NOT NULL AND \(from) IS NOT NULL AND seconds >= 0
            ORDER BY period, seconds
            """, []) {
            let (period, seconds): (String, Double) = (row["period"], row["seconds"])
            if byPeriod.last?.0 != period { byPeriod.append((period, [])) }
            byPeriod[byPeriod.count - 1].1.append(seconds)
            all.append(seconds)
        }
        func summary(_ period: String?, _ values: [Double]) -> InsightAggregates.Durations {
            InsightAggregates.Durations(period: period, kind: kind, count: values.count, p50: InsightAggregates.percentile(values, 0.5),
                                        p90: InsightAggregates.percentile(values, 0.9), max: values.last ?? 0)
        }
        return byPeriod.map { summary($0.0, $0.1) } + (all.isEmpty ? [] : [summary(nil, all.sorted())])
    }

    /// A task's period in SQL: its creation's day, week (the Monday) or month, UTC.
    static func periodSQL(_ period: InsightScope.Period) -> String {
        switch period {
        case .day: "substr(t.created_at, 1, 10)"
        case .week: "date(t.created_at, '-6 days', 'weekday 1')"
        case .month: "substr(t.created_at, 1, 7)"
        }
    }

    static func insightConditions(_ scope: InsightScope) -> (String, [any DatabaseValueConvertible]) {
        var conditions = ["1"]
        var arguments: [any DatabaseValueConvertible] = []
        if let since = scope.since {
            conditions.append("t.created_at >= ?")
            arguments.append(since)
        }
        if let until = scope.until {
            conditions.append("t.created_at < ?")
            arguments.append(until)
        }
        if let account = scope.account {
            conditions.append("(instr(a.base_url, ?) > 0 OR a.key_fingerprint = ?)")
            arguments += [account, account]
        }
        return (conditions.joined(separator: " AND "), arguments)
    }
}
