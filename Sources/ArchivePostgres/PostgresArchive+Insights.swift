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
                        SELECT t.id, t.remote_id, t.account_id, t.status, t.message, t.error, t.created_at, t.started_at, t.completed_at,
                               t.auto_execute, t.origin, \(Self.periodSQL(scope.period)) AS period
                        FROM task t JOIN account a ON a.id = t.account_id
                        WHERE \(conditions))
                    \(sql)\(tail)
                    """
                return try await connection.rows(statement, logger: Self.logger).map(Columns.init)
            }
            func int(_ column: Columns, _ name: String) throws -> Int { Int(try column(name, as: Int64.self)) }
            let top: (inout PostgresStatement) -> String = { " LIMIT \($0.bind(InsightAggregates.topCount))" }
            var result = InsightAggregates()
            result.statusCounts = try await rows("""
                SELECT period, status, count(*) AS n FROM scoped GROUP BY period, status ORDER BY period COLLATE "C", status COLLATE "C"
                """).map { InsightAggregates.StatusCount(period: try $0("period"), status: try $0("status"), count: try int($0, "n")) }
            for kind in InsightAggregates.DurationKind.allCases {
                let from = kind == .createdToCompleted ? "created_at" : "started_at"
                result.durations += try await rows("""
                    , timed AS (
                        SELECT period, round(extract(epoch FROM (completed_at::timestamptz - \(from)::timestamptz))::numeric, 3)::float8 AS seconds
                        FROM scoped WHERE completed_at IS NOT NULL AND \(from) IS NOT NULL)
                    SELECT period, count(*) AS n, percentile_disc(0.5) WITHIN GROUP (ORDER BY seconds) AS p50,
                           percentile_disc(0.9) WITHIN GROUP (ORDER BY seconds) AS p90, max(seconds) AS top
                    FROM timed WHERE seconds >= 0 GROUP BY GROUPING SETS ((period), ()) HAVING count(*) > 0
                    ORDER BY period COLLATE "C" NULLS LAST
                    """).map { row in
                    InsightAggregates.Durations(period: try row("period", as: String?.self), kind: kind, count: try int(row, "n"),
                                                p50: try row("p50"), p90: try row("p90"), max: try row("top"))
                }
            }
            let edges = InsightAggregates.durationBucketEdges.map { String($0) }.joined(separator: ", ")
            for row in try await rows("""
                , timed AS (
                    SELECT round(extract(epoch FROM (completed_at::timestamptz - created_at::timestamptz))::numeric, 3)::float8 AS seconds
                    FROM scoped WHERE completed_at IS NOT NULL)
                SELECT width_bucket(seconds, ARRAY[\(edges)]::float8[]) AS bucket, count(*) AS n FROM timed WHERE seconds >= 0 GROUP BY 1
                """) {
                result.durationHistogram[Int(try row("bucket", as: Int32.self))] = try int(row, "n")
            }
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
                SELECT coalesce(nullif(trim(error), ''), '(no message)') AS error_text, count(*) AS n, max(created_at COLLATE "C") AS last
                FROM scoped WHERE status = 'failed' GROUP BY 1 ORDER BY n DESC, coalesce(nullif(trim(error), ''), '(no message)') COLLATE "C"
                """, top).map { InsightAggregates.ErrorGroup(message: try $0("error_text"), tasks: try int($0, "n"), lastAt: try $0("last")) }
            result.artifactTypes = try await rows("""
                SELECT coalesce(nullif(x.mime_type, ''), 'unknown') AS type, count(*) AS n, sum(coalesce(x.size, 0))::bigint AS bytes
                FROM scoped s JOIN artifact x ON x.task_id = s.id GROUP BY 1 ORDER BY n DESC, coalesce(nullif(x.mime_type, ''), 'unknown') COLLATE "C"
                """).map { InsightAggregates.ArtifactType(type: try $0("type"), count: try int($0, "n"), bytes: try $0("bytes")) }
            result.largestByMessages = try await rows("""
                SELECT s.remote_id, s.message, (SELECT count(*) FROM message m WHERE m.task_id = s.id) AS n
                FROM scoped s ORDER BY n DESC, s.remote_id COLLATE "C"
                """, top).map { InsightAggregates.TaskSize(id: try $0("remote_id"), prompt: try $0("message", as: String?.self), value: try $0("n")) }
            result.largestByBytes = try await rows("""
                SELECT s.remote_id, min(s.message) AS message, sum(coalesce(x.size, 0))::bigint AS n
                FROM scoped s JOIN artifact x ON x.task_id = s.id GROUP BY s.id, s.remote_id ORDER BY n DESC, s.remote_id COLLATE "C"
                """, top).map { InsightAggregates.TaskSize(id: try $0("remote_id"), prompt: try $0("message", as: String?.self), value: try $0("n")) }
            result.followUps = try await rows("""
                SELECT greatest(coalesce(u.n, 0) - 1, 0) AS follow_ups, count(*) AS tasks
                FROM scoped s LEFT JOIN (SELECT task_id, count(*) AS n FROM message WHERE role = 'user' GROUP BY task_id) u ON u.task_id = s.id
                GROUP BY 1 ORDER BY 1
                """).map { (followUps: try int($0, "follow_ups"), tasks: try int($0, "tasks")) }
            result.startedByRun = try await rows("""
                SELECT count(*) AS n FROM scoped s WHERE s.origin = 'run'
                """).first.map { try int($0, "n") } ?? 0
            for row in try await rows("""
                SELECT extract(isodow FROM created_at::timestamptz AT TIME ZONE 'UTC')::int - 1 AS weekday,
                       extract(hour FROM created_at::timestamptz AT TIME ZONE 'UTC')::int AS hour, count(*) AS n
                FROM scoped GROUP BY 1, 2
                """) {
                let (weekday, hour): (Int32, Int32) = (try row("weekday"), try row("hour"))
                result.activity[Int(weekday)][Int(hour)] = try int(row, "n")
            }
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
