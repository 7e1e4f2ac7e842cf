"""Runs the real `datasette` command (from PyPI) over an archive, as the README says to —
`datasette ARCHIVE/archive.sqlite --metadata <(sigmic-archive datasette-metadata)` — asking with its
`--get` what `?_search=TERM` on search_doc returns, then again without the metadata, and prints both
beside the ids that truly hold the term, as one JSON object.

Usage: datasette_check.py ARCHIVE_SQLITE SIGMIC_ARCHIVE_BINARY TERM"""
import json
import sqlite3
import subprocess
import sys


def datasette_rows(database, binary, term, with_metadata):
    path = f"/archive/search_doc.json?_search={term}&_shape=array&_size=max"
    metadata = '--metadata <("$2" datasette-metadata)' if with_metadata else ""
    out = subprocess.run(["bash", "-c", f'datasette "$1" {metadata} --get "$3"', "bash", database, binary, path],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    database, binary, term = sys.argv[1:4]
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    truth = sorted(row[0] for row in connection.execute(
        "SELECT id FROM search_doc WHERE id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?)", (term,)))
    print(json.dumps({
        "withMetadata": sorted(row["id"] for row in datasette_rows(database, binary, term, True)),
        "withoutMetadata": len(datasette_rows(database, binary, term, False)),
        "truth": truth,
        "rows": connection.execute("SELECT count(*) FROM search_doc").fetchone()[0],
    }))


if __name__ == "__main__":
    main()
