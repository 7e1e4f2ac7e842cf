"""Runs a command on a pseudo-terminal, as a person at a terminal would, answering each
`approve? [y/N]` prompt with ANSWER. Prints one JSON object: the exit status, how many prompts were
answered, and everything the terminal showed.

Usage: python3 pty_run.py ANSWER COMMAND [ARG ...]
"""
import json
import os
import pty
import select
import sys


def main():
    answer, command = sys.argv[1], sys.argv[2:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    shown, prompts, pending = b"", 0, b""
    while True:
        ready, _, _ = select.select([fd], [], [], 120)
        if not ready:
            os.kill(pid, 9)
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError:   # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
        pending += chunk
        if b"approve? [y/N]" in pending:
            pending = b""
            prompts += 1
            os.write(fd, (answer + "\n").encode())
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"exit": os.waitstatus_to_exitcode(status), "prompts": prompts,
                      "shown": shown.decode("utf-8", "replace")}))


if __name__ == "__main__":
    main()
