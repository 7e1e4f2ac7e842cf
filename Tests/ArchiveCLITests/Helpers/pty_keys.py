"""Runs a command on a pseudo-terminal and presses keys at given moments after its first output, as
a person watching it would. Prints one JSON object: the exit status, everything the terminal showed,
and when each piece of output came (seconds after the command started).

Usage: python3 pty_keys.py [--key SECONDS:KEY ...] -- COMMAND [ARG ...]
KEY is space, q or ctrl-c; SECONDS counts from the command's first output.
"""
import json
import os
import pty
import select
import sys
import time

KEYS = {"space": b" ", "q": b"q", "ctrl-c": b"\x03"}


def main():
    split = sys.argv.index("--")
    keys = []
    options = sys.argv[1:split]
    while options:
        flag, value = options[0], options[1]
        options = options[2:]
        assert flag == "--key", flag
        at, key = value.split(":")
        keys.append((float(at), KEYS[key]))
    keys.sort()
    command = sys.argv[split + 1:]
    started = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    shown, chunks, first = b"", [], None
    while True:
        now = time.monotonic()
        timeout = 120
        if first is not None and keys:
            timeout = max(0, first + keys[0][0] - now)
        ready, _, _ = select.select([fd], [], [], timeout)
        now = time.monotonic()
        if first is not None and keys and now >= first + keys[0][0]:
            os.write(fd, keys.pop(0)[1])
        if not ready:
            if now - started > 120:
                os.kill(pid, 9)
                break
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:   # the child closed the terminal
            break
        if not chunk:
            break
        if first is None:
            first = now
        shown += chunk
        chunks.append([round(now - started, 4), len(chunk)])
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"exit": os.waitstatus_to_exitcode(status), "chunks": chunks,
                      "shown": shown.decode("utf-8", "replace")}))


if __name__ == "__main__":
    main()
