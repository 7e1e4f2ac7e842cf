#!/usr/bin/env python3
"""Checks exported Markdown transcripts with a real CommonMark parser (markdown-it-py) and a real
YAML parser (PyYAML). Reads a JSON spec on stdin: {"files": [{"path", "title", "id", "messages":
[{"role", "markers": [...]}], "fences": [...], "links": bool}]}. Prints one line per problem and
exits 1 if there is any; prints "ok N" otherwise."""
import json
import os
import sys

import yaml
from markdown_it import MarkdownIt


def check(spec, problems):
    path = spec["path"]
    text = open(path, encoding="utf-8").read()
    if not text.startswith("---\n"):
        problems.append(f"{path}: no front matter")
        return
    end = text.index("\n---\n", 4)
    front = yaml.safe_load(text[4:end])
    if front.get("id") != spec["id"] or front.get("title") != spec["title"]:
        problems.append(f"{path}: front matter id/title {front.get('id')!r}/{front.get('title')!r}")
    for key in ["status", "createdAt", "lastActivityAt", "messageCount", "account", "artifacts", "exporter"]:
        if key not in front:
            problems.append(f"{path}: front matter lacks {key}")
    body = text[end + 5:]
    tokens = MarkdownIt("commonmark").parse(body)
    def plain(inline):  # the text a reader sees, escapes resolved
        return "".join(c.content for c in inline.children or [] if c.type in ("text", "code_inline"))
    headings = [(t.tag, plain(tokens[i + 1])) for i, t in enumerate(tokens) if t.type == "heading_open"]
    h1 = [c for tag, c in headings if tag == "h1"]
    if h1 != [spec["title"]]:
        problems.append(f"{path}: H1s {h1!r}, want exactly [{spec['title']!r}]")
    h2 = [c for tag, c in headings if tag == "h2" and c != "Artifacts"]
    roles = [c.split(" · ")[0].lower() for c in h2]
    want = [m["role"] for m in spec["messages"]]
    if roles != want:
        problems.append(f"{path}: message sections {roles!r}, want {want!r}")
    rendered = " ".join(t.content for t in tokens if t.content) + " " + " ".join(
        c.content for t in tokens if t.children for c in t.children if c.content)
    for message in spec["messages"]:
        for marker in message["markers"]:
            if marker not in rendered:
                problems.append(f"{path}: {marker!r} from a {message['role']} message is not in the rendered text")
    fences = [t.content for t in tokens if t.type == "fence"]
    for fence in spec.get("fences", []):
        if fence + ("" if fence.endswith("\n") else "\n") not in fences:
            problems.append(f"{path}: no fenced block holds {fence[:40]!r} exactly")
    if spec.get("links"):
        base = os.path.dirname(path)
        for t in tokens:
            for child in t.children or []:
                if child.type == "link_open":
                    href = child.attrs["href"]
                    from urllib.parse import unquote
                    target = os.path.realpath(os.path.join(base, unquote(href)))
                    if not target.startswith(os.path.realpath(base) + os.sep) or not os.path.isfile(target):
                        problems.append(f"{path}: link {href!r} does not lead to a file inside the export")


def main():
    spec = json.load(sys.stdin)
    problems = []
    for file_spec in spec["files"]:
        try:
            check(file_spec, problems)
        except Exception as error:  # a parse failure is a finding, not a crash
            problems.append(f"{file_spec['path']}: {type(error).__name__}: {error}")
    for problem in problems:
        print(problem)
    if problems:
        sys.exit(1)
    print(f"ok {len(spec['files'])}")


if __name__ == "__main__":
    main()
