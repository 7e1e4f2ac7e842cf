-- The aggregations `stats` runs for the whole archive by week, as bare statements for the sqlite3 shell:
-- the reference `tools/bench/stats-bench` times `stats` against (the same GROUP BYs, no process start,
-- no JSON, no percentiles or tables computed after).
SELECT date(created_at, '-6 days', 'weekday 1') AS period, status, count(*) FROM task GROUP BY 1, 2;
SELECT date(created_at, '-6 days', 'weekday 1') AS period, round((julianday(completed_at) - julianday(created_at)) * 86400.0, 3) AS s
  FROM task WHERE completed_at IS NOT NULL ORDER BY 1, 2;
SELECT date(created_at, '-6 days', 'weekday 1') AS period, round((julianday(completed_at) - julianday(started_at)) * 86400.0, 3) AS s
  FROM task WHERE completed_at IS NOT NULL AND started_at IS NOT NULL ORDER BY 1, 2;
SELECT json_extract(c.value, '$.toolName') AS name, count(*) FROM message m, json_each(m.tool_calls_json) c
  WHERE m.tool_calls_json IS NOT NULL GROUP BY 1;
SELECT error, count(*) FROM task WHERE status = 'failed' GROUP BY 1 ORDER BY 2 DESC LIMIT 10;
SELECT mime_type, count(*), sum(size) FROM artifact GROUP BY 1;
SELECT t.remote_id, (SELECT count(*) FROM message m WHERE m.task_id = t.id) AS n FROM task t ORDER BY n DESC LIMIT 10;
SELECT t.remote_id, sum(x.size) AS n FROM task t JOIN artifact x ON x.task_id = t.id GROUP BY t.id ORDER BY n DESC LIMIT 10;
SELECT n - 1, count(*) FROM (SELECT task_id, count(*) AS n FROM message WHERE role = 'user' GROUP BY task_id) GROUP BY 1;
SELECT count(*) FROM task WHERE origin = 'run';
SELECT strftime('%w', created_at), strftime('%H', created_at), count(*) FROM task GROUP BY 1, 2;
