#!/usr/bin/env python3
"""Loads the search benchmark's conversations (JSON lines from `archive-bench ndjson N` on stdin)
into an `llm` logs database, so `llm logs -q` searches the same text: each user message and the
assistant reply after it become one logged response (prompt, response), one conversation per task.

Usage: archive-bench ndjson N | llm_corpus.py LLM_BINARY DATABASE
"""
import json
import os
import sqlite3
import subprocess
import sys


def main():
    llm, path = sys.argv[1], sys.argv[2]
    if os.path.exists(path):
        raise SystemExit(f"{path} exists; give a new path")
    open(path, "w").close()
    # Let llm create its own schema (it migrates the database on first use).
    env = dict(os.environ, LLM_USER_PATH=os.path.dirname(os.path.abspath(path)))
    subprocess.run([llm, "logs", "-n", "1", "--database", path], check=True, env=env, stdout=subprocess.DEVNULL)
    db = sqlite3.connect(path)
    conversations, responses, prompt = set(), 0, None
    with db:
        for line in sys.stdin:
            message = json.loads(line)
            if message["task"] not in conversations:
                conversations.add(message["task"])
                db.execute("INSERT INTO conversations (id, name, model) VALUES (?, ?, 'bench')",
                           (message["task"], message["content"][:40]))
            if message["role"] == "user":
                prompt = message
                continue
            responses += 1
            db.execute(
                "INSERT INTO responses (id, model, prompt, response, conversation_id, datetime_utc, duration_ms) "
                "VALUES (?, 'bench', ?, ?, ?, ?, 0)",
                (f"r{responses:09d}", prompt["content"] if prompt else "", message["content"], message["task"],
                 message["createdAt"]))
            prompt = None
    print(json.dumps({"responses": responses, "conversations": len(conversations)}))


if __name__ == "__main__":
    main()
