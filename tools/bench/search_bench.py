#!/usr/bin/env python3
"""Search benchmark: whole-process wall time and peak RSS of `sigmic-archive search TERM --limit 20`
against the `sqlite3` shell running the equivalent FTS5 query on the same file, and against
`llm logs -q` on the same conversations loaded into an llm logs database (when `llm` is installed).

Usage: search_bench.py SIGMIC_ARCHIVE_BINARY ARCHIVE_DIR [--llm-db PATH] [--reps N]
Prints a Markdown table. Each command runs once to warm the page cache, then N times; the median
wall time and the largest peak RSS (from wait4) are reported.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import time

QUERIES = [
    # label, our query, FTS5 MATCH expression for sqlite3, llm -q text
    ("rare term (0.005 %)", "quetzalcoatl", '"quetzalcoatl"', "quetzalcoatl"),
    ("1 % term", "kubernetes", '"kubernetes"', "kubernetes"),
    ("50 % term", "status", '"status"', "status"),
    ("phrase (0.5 %)", '"error budget"', '"error budget"', '"error budget"'),
    ("prefix (2 %)", "deplo*", '"deplo" *', "deplo*"),
]


def measure(command, reps, env=None):
    """Median wall seconds and max peak RSS (KiB) of running `command` reps times after one warm-up."""
    times, peak = [], 0
    for i in range(reps + 1):
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"failed: {' '.join(command)}: {process.stderr.read().decode()[:300]}")
        process.stderr.close()
        if i > 0:
            times.append(elapsed)
            peak = max(peak, usage.ru_maxrss)
    return statistics.median(times), peak


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("archive")
    parser.add_argument("--llm-db")
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args()
    database = os.path.join(args.archive, "archive.sqlite")
    sqlite3 = shutil.which("sqlite3")
    llm = shutil.which("llm") if args.llm_db else None

    print("| query | sigmic-archive | sqlite3 | ratio | llm logs -q | peak RSS ours |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, ours_query, match, llm_query in QUERIES:
        ours, rss = measure([args.binary, "search", ours_query, "--limit", "20", "--archive", args.archive], args.reps)
        if sqlite3:
            escaped = match.replace("'", "''")
            sql = ("SELECT rowid, snippet(search_fts, 0, '[', ']', '…', 16) FROM search_fts "
                   f"WHERE search_fts MATCH '{escaped}' ORDER BY rank LIMIT 20")
            reference, _ = measure([sqlite3, database, sql], args.reps)
            ratio = f"{ours / reference:.2f}×"
            reference_text = f"{reference * 1000:.1f} ms"
        else:
            reference_text, ratio = "n/a", "n/a"
        if llm:
            env = dict(os.environ, LLM_USER_PATH=os.path.dirname(args.llm_db))
            theirs, _ = measure([llm, "logs", "-q", llm_query, "-n", "20", "--database", args.llm_db], args.reps, env)
            llm_text = f"{theirs * 1000:.1f} ms"
        else:
            llm_text = "n/a"
        print(f"| {label} | {ours * 1000:.1f} ms | {reference_text} | {ratio} | {llm_text} | {rss / 1024:.1f} MiB |")


if __name__ == "__main__":
    main()
