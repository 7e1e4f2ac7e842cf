public import ArchiveStore
import PostgresNIO

extension PostgresArchive {
    /// The same figures as a folder's (`InsightAggregates` defines them), each counted in the database
    /// in one statement: percentiles by `percentile_disc`, tool calls read with `json_array_elements`
    /// (json, not jsonb, which refuses the `\u0000` escape a server may send). Text is ordered by
    /// code point (`COLLATE "C"`), as SQLite orders it.
    public func insightAggregates(_ scope: InsightScope) async throws -> InsightAggregates {
        try await read("counting insights") {
            func rows(_ sql: String, _ extra: (inout PostgresStatement) -> String = { _ in "" }) async throws -> [Columns] {
                var statement = PostgresStatement()
                let conditions = Self.insightConditions(scope, &statement)
                let tail = extra(&statement)
                statement.sql = """
                    WITH scoped AS (
                        SELECT t.id, t.remote_id, t.status, t.auto_execute, t.origin, t.created_at, t.started_at, t.completed_at,
                               \(Self.periodSQL(scope.period)) AS period
                        FROM task t JOIN account a ON a.id = t.account_id
                        WHERE \(conditions))
                    \(sql)\(tail)
                    """
                return try await connection.rows(statement, logger: Self.logger).map(Columns.init)
            }
            func int(_ column: Columns, _ name: String) throws -> Int { Int(try column(name, as: Int64.self)) }
            let top: (inout PostgresStatement) -> String = { " LIMIT \($0.bind(InsightAggregates.topCount))" }
            var result = InsightAggregates()
            // Every figure of the task rows in one statement, their times read once (the CTE is materialized).
            let edges = InsightAggregates.durationBucketEdges.map { String($0) }.joined(separator: ", ")
            let figures = try await rows("""
                , timed AS MATERIALIZED (
                    SELECT status, origin, period, extract(epoch FROM created_at::timestamptz)::float8 AS created,
                           round(extract(epoch FROM (completed_at::timestamptz - created_at::timestamptz))::numeric, 3)::float8 AS whole,
                           round(extract(epoch FROM (completed_at::timestamptz - started_at::timestamptz))::numeric, 3)::float8 AS running
                    FROM scoped)
                SELECT 'status' AS figure, period, status AS key, count(*) AS n, NULL::float8 AS p50, NULL::float8 AS p90, NULL::float8 AS top
                FROM timed GROUP BY period, status
                UNION ALL
                SELECT 'createdToCompleted', period, NULL, count(*), percentile_disc(0.5) WITHIN GROUP (ORDER BY whole),
                       percentile_disc(0.9) WITHIN GROUP (ORDER BY whole), max(whole)
                FROM timed WHERE whole >= 0 GROUP BY GROUPING SETS ((period), ()) HAVING count(*) > 0
                UNION ALL
                SELECT 'startedToCompleted', period, NULL, count(*), percentile_disc(0.5) WITHIN GROUP (ORDER BY running),
                       percentile_disc(0.9) WITHIN GROUP (ORDER BY running), max(running)
                FROM timed WHERE running >= 0 GROUP BY GROUPING SETS ((period), ()) HAVING count(*) > 0
                UNION ALL
                SELECT 'histogram', NULL, width_bucket(whole, ARRAY[\(edges)]::float8[])::text, count(*), NULL, NULL, NULL
                FROM timed WHERE whole >= 0 GROUP BY 3
                UNION ALL
                SELECT 'activity', NULL, (((floor(created / 86400)::bigint % 7) + 10) % 7) || ':' || floor((created - floor(created / 86400) * 86400) / 3600)::int,
                       count(*), NULL, NULL, NULL
                FROM timed GROUP BY 3
                UNION ALL
                SELECT 'run', NULL, NULL, count(*), NULL, NULL, NULL FROM timed WHERE origin = 'run'
                """)
            var durations: [InsightAggregates.DurationKind: [InsightAggregates.Durations]] = [:]
            for row in figures {
                let (figure, period, key, count): (String, String?, String?, Int) = (try row("figure"), try row("period"), try row("key"), try int(row, "n"))
                switch figure {
                case "status":
                    result.statusCounts.append(InsightAggregates.StatusCount(period: period ?? "", status: key ?? "", count: count))
                case "histogram":
                    result.durationHistogram[Int(key ?? "") ?? 0] = count
                case "activity":
                    let parts = (key ?? "").split(separator: ":").compactMap { Int($0) }
                    if parts.count == 2 { result.activity[parts[0]][parts[1]] = count }
                case "run":
                    result.startedByRun = count
                default:
                    guard let kind = InsightAggregates.DurationKind(rawValue: figure) else { continue }
                    durations[kind, default: []].append(InsightAggregates.Durations(period: period, kind: kind, count: count, p50: try row("p50"),
                                                                                   p90: try row("p90"), max: try row("top")))
                }
            }
            // In the folder's order: by period as bytes, each kind's whole scope last.
            let byPeriod = { (a: InsightAggregates.Durations, b: InsightAggregates.Durations) -> Bool in
                guard let x = a.period else { return false }
                guard let y = b.period else { return true }
                return InsightAggregates.byteOrder(x, y)
            }
            result.statusCounts.sort { $0.period != $1.period ? InsightAggregates.byteOrder($0.period, $1.period) : InsightAggregates.byteOrder($0.status, $1.status) }
            result.durations = InsightAggregates.DurationKind.allCases.flatMap { (durations[$0] ?? []).sorted(by: byPeriod) }
            result.tools = try await rows("""
                , calls AS (
                    SELECT s.id AS task, s.auto_execute AS auto, m.position AS position,
                           coalesce(c.value ->> 'callId', m.position || ':' || (c.ordinality - 1)) AS call,
                           coalesce(c.value ->> 'toolName', '') AS name, coalesce(c.value ->> 'status', '') AS status
                    FROM scoped s JOIN message m ON m.task_id = s.id
                    CROSS JOIN LATERAL json_array_elements(CASE WHEN json_typeof(m.tool_calls_json::json) = 'array'
                                                                THEN m.tool_calls_json::json ELSE '[]'::json END) WITH ORDINALITY AS c(value, ordinality)
                    WHERE m.tool_calls_json IS NOT NULL
                ), latest AS (
                    SELECT DISTINCT ON (task, call) task, call, name, status, auto FROM calls ORDER BY task, call, position DESC
                ), judged AS (
                    SELECT name, status, (auto = false OR status = 'awaiting_approval') IS TRUE AS needed FROM latest
                )
                SELECT name, count(*) AS calls, count(*) FILTER (WHERE needed) AS needed,
                       count(*) FILTER (WHERE needed AND status NOT IN ('cancelled', 'awaiting_approval')) AS approved,
                       count(*) FILTER (WHERE needed AND status = 'cancelled') AS denied,
                       count(*) FILTER (WHERE status = 'awaiting_approval') AS awaiting,
                       count(*) FILTER (WHERE status IN ('error', 'failed')) AS failed
                FROM judged GROUP BY name ORDER BY calls DESC, name COLLATE "C"
                """).map { row in
                InsightAggregates.Tool(name: try row("name"), calls: try int(row, "calls"), needingApproval: try int(row, "needed"),
                                       approved: try int(row, "approved"), denied: try int(row, "denied"), awaiting: try int(row, "awaiting"),
                                       failed: try int(row, "failed"))
            }
            result.errors = try await rows("""
                SELECT coalesce(nullif(trim(t.error), ''), '(no message)') AS error_text, count(*) AS n, max(t.created_at COLLATE "C") AS last
                FROM scoped s JOIN task t ON t.id = s.id WHERE s.status = 'failed'
                GROUP BY 1 ORDER BY n DESC, coalesce(nullif(trim(t.error), ''), '(no message)') COLLATE "C"
                """, top).map { InsightAggregates.ErrorGroup(message: try $0("error_text"), tasks: try int($0, "n"), lastAt: try $0("last")) }
            result.artifactTypes = try await rows("""
                SELECT coalesce(nullif(x.mime_type, ''), 'unknown') AS type, count(*) AS n, sum(coalesce(x.size, 0))::bigint AS bytes
                FROM scoped s JOIN artifact x ON x.task_id = s.id GROUP BY 1 ORDER BY n DESC, coalesce(nullif(x.mime_type, ''), 'unknown') COLLATE "C"
                """).map { InsightAggregates.ArtifactType(type: try $0("type"), count: try int($0, "n"), bytes: try $0("bytes")) }
            // The top ten first, then their prompts: a task's wide row is read only for those.
            result.largestByMessages = try await rows("""
                , counts AS (SELECT task_id, count(*) AS n FROM message GROUP BY task_id),
                top AS (SELECT s.id, s.remote_id, coalesce(c.n, 0) AS n FROM scoped s LEFT JOIN counts c ON c.task_id = s.id
                        ORDER BY n DESC, s.remote_id COLLATE "C" LIMIT \(InsightAggregates.topCount))
                SELECT top.remote_id, t.message, top.n FROM top JOIN task t ON t.id = top.id ORDER BY top.n DESC, top.remote_id COLLATE "C"
                """).map { InsightAggregates.TaskSize(id: try $0("remote_id"), prompt: try $0("message", as: String?.self), value: try $0("n")) }
            result.largestByBytes = try await rows("""
                , top AS (SELECT s.id, s.remote_id, sum(coalesce(x.size, 0))::bigint AS n FROM scoped s JOIN artifact x ON x.task_id = s.id
                          GROUP BY s.id, s.remote_id ORDER BY n DESC, s.remote_id COLLATE "C" LIMIT \(InsightAggregates.topCount))
                SELECT top.remote_id, t.message, top.n FROM top JOIN task t ON t.id = top.id ORDER BY top.n DESC, top.remote_id COLLATE "C"
                """).map { InsightAggregates.TaskSize(id: try $0("remote_id"), prompt: try $0("message", as: String?.self), value: try $0("n")) }
            result.followUps = try await rows("""
                , users AS (SELECT task_id, count(*) AS n FROM message WHERE role = 'user' GROUP BY task_id)
                SELECT greatest(coalesce(u.n, 0) - 1, 0) AS follow_ups, count(*) AS tasks
                FROM scoped s LEFT JOIN users u ON u.task_id = s.id GROUP BY 1 ORDER BY 1
                """).map { (followUps: try int($0, "follow_ups"), tasks: try int($0, "tasks")) }
            return result
        }
    }

    /// A task's period in SQL: its creation's day, week (the Monday) or month, UTC — the same text as
    /// the folder's.
    static func periodSQL(_ period: InsightScope.Period) -> String {
        switch period {
        case .day: "substr(t.created_at, 1, 10)"
        case .week: "to_char(date_trunc('week', t.created_at::timestamptz AT TIME ZONE 'UTC'), 'YYYY-MM-DD')"
        case .month: "substr(t.created_at, 1, 7)"
        }
    }

    static func insightConditions(_ scope: InsightScope, _ statement: inout PostgresStatement) -> String {
        var conditions = ["TRUE"]
        if let since = scope.since { conditions.append("t.created_at >= \(statement.bind(since))") }
        if let until = scope.until { conditions.append("t.created_at < \(statement.bind(until))") }
        if let account = scope.account {
            let value = statement.bind(account)
            conditions.append("(strpos(a.base_url, \(value)) > 0 OR a.key_fingerprint = \(value))")
        }
        return conditions.joined(separator: " AND ")
    }
}
