-- The aggregations `/insights` runs on PostgreSQL for the whole archive by week, as bare statements for
-- psql: the reference `tools/bench/postgres-insights-bench` times the page against.
SELECT to_char(date_trunc('week', created_at::timestamptz AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS period, status, count(*) FROM task GROUP BY 1, 2;
SELECT to_char(date_trunc('week', created_at::timestamptz AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS period,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM (completed_at::timestamptz - created_at::timestamptz))),
       percentile_disc(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM (completed_at::timestamptz - created_at::timestamptz)))
  FROM task WHERE completed_at IS NOT NULL GROUP BY GROUPING SETS ((1), ());
SELECT c.value ->> 'toolName', count(*) FROM message m CROSS JOIN LATERAL json_array_elements(m.tool_calls_json::json) c
  WHERE m.tool_calls_json IS NOT NULL GROUP BY 1;
SELECT error, count(*) FROM task WHERE status = 'failed' GROUP BY 1 ORDER BY 2 DESC LIMIT 10;
SELECT mime_type, count(*), sum(size) FROM artifact GROUP BY 1;
SELECT task_id, count(*) AS n FROM message GROUP BY task_id ORDER BY n DESC LIMIT 10;
SELECT n - 1, count(*) FROM (SELECT task_id, count(*) AS n FROM message WHERE role = 'user' GROUP BY task_id) u GROUP BY 1;
SELECT extract(isodow FROM created_at::timestamptz), extract(hour FROM created_at::timestamptz), count(*) FROM task GROUP BY 1, 2;
