"""The reference for searches inside a long-running process: the bare FTS5 query of a term, timed inside
the sqlite3 shell (`.timer on`, median of N after one warm-up), so neither side pays a process start."""
import re
import statistics
import subprocess


def fts_query(term):
    return ("SELECT rowid, snippet(search_fts, 0, '[', ']', '…', 16) FROM search_fts "
            f"WHERE search_fts MATCH '\"{term}\"' ORDER BY rank LIMIT 20;")


def sqlite_query_ms(database, term, reps=30):
    script = ".timer on\n" + "\n".join([fts_query(term)] * (reps + 1)) + "\n"
    out = subprocess.run(["sqlite3", "-readonly", database], input=script, check=True, text=True, capture_output=True).stdout
    times = [float(t) * 1000 for t in re.findall(r"Run Time: real ([\d.]+)", out)][1:]
    return statistics.median(times)
