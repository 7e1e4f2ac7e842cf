"""The reference for searches inside a long-running process: the bare FTS5 query of a term (ranked, with a
snippet, 20 rows), run through the system libsqlite3 — the library the sqlite3 shell and our binary use —
from Python's sqlite3 module, timed with a microsecond clock (the shell's `.timer` counts whole
milliseconds): the median of N runs after 5 warm-ups on one read-only connection, so neither side
pays a process start. By default with SQLite's default page cache, as in the shell; `cache_kib` gives it
the page cache our readers keep (4 MiB), to show what the server adds beyond the query itself."""
import sqlite3
import statistics
import time


def fts_query(term):
    return ("SELECT rowid, snippet(search_fts, 0, '[', ']', '…', 16) FROM search_fts "
            f"WHERE search_fts MATCH '\"{term}\"' ORDER BY rank LIMIT 20")


READER_CACHE_KIB = 4096   # `PRAGMA cache_size` of our read connections (Archive.swift)


def sqlite_query_ms(database, term, reps=50, cache_kib=None):
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    if cache_kib:
        connection.execute(f"PRAGMA cache_size = -{cache_kib}")
    times = []
    for i in range(reps + 5):
        start = time.perf_counter()
        rows = connection.execute(fts_query(term)).fetchall()
        elapsed = time.perf_counter() - start
        assert rows, f"no match for {term}"
        if i >= 5:
            times.append(elapsed * 1000)
    connection.close()
    return statistics.median(times)
