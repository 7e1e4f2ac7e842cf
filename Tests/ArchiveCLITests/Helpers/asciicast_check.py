"""Reads an asciicast file with asciinema's own loader, checks every line against the v2 format
strictly (the loader itself is lenient), and plays it with `asciinema cat` on a pseudo-terminal (which
it needs). Prints one JSON object: the header, the output events' times, the problems found, and what
the terminal showed.

Usage: python3 asciicast_check.py FILE
"""
import json
import os
import pty
import sys

from asciinema import asciicast


def main():
    path = sys.argv[1]
    with asciicast.open_from_url(path) as cast:
        header = cast.v2_header
        events = list(cast.events())
    problems = []
    for key, kind in [("version", int), ("width", int), ("height", int), ("timestamp", int), ("idle_time_limit", (int, float))]:
        if not isinstance(header.get(key), kind) or isinstance(header.get(key), bool):
            problems.append(f"header {key}: {header.get(key)!r}")
    if header.get("version") != 2:
        problems.append("not version 2")
    times = []
    for event in events:
        if not (isinstance(event, list) and len(event) == 3 and isinstance(event[0], (int, float))
                and event[1] == "o" and isinstance(event[2], str)):
            problems.append(f"event {event!r}")
            continue
        if times and event[0] < times[-1]:
            problems.append(f"time goes back at {event[0]}")
        times.append(event[0])
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp("asciinema", ["asciinema", "cat", path])
    shown = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"exit": os.waitstatus_to_exitcode(status), "header": header, "times": times, "problems": problems,
                      "shown": shown.decode("utf-8", "replace")}))


if __name__ == "__main__":
    main()
