"""The baseline for the sync benchmark: a plain sequential mirror built only from the vendor's
example functions (shared/reference/sigmic_examples.py): list pages, get_task, parse_sse_stream for
the history, list_artifacts, download_artifact. It writes one JSON file per task and the artifacts.

    SIGMIC_BASE_URL=… SIGMIC_API_KEY=… python3 tools/bench/vendor_mirror.py EXAMPLES.py OUT_DIR
"""
import hashlib
import importlib.util
import json
import os
import sys


def load(path):
    spec = importlib.util.spec_from_file_location("sigmic_examples", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    examples, out = load(sys.argv[1]), sys.argv[2]
    os.makedirs(out, exist_ok=True)
    offset, tasks = 0, []
    while True:
        page = examples.make_request("GET", "/api/v1/tasks", params={"limit": 100, "offset": offset})
        tasks += page["data"]
        offset += len(page["data"])
        if not page["data"] or not page["pagination"]["hasMore"]:
            break
    files = 0
    for summary in tasks:
        task = examples.get_task(summary["id"])
        history = []
        for event, data in examples.parse_sse_stream(summary["id"]):
            if event == "history_message":
                history.append(data)
            elif event == "history_done":
                break
        artifacts = examples.list_artifacts(summary["id"])
        for artifact in artifacts:
            name = hashlib.sha256((summary["id"] + artifact["path"]).encode()).hexdigest()
            examples.download_artifact(summary["id"], artifact["path"], save_as=os.path.join(out, name))
            files += 1
        with open(os.path.join(out, summary["id"] + ".json"), "w") as handle:
            json.dump({"task": task, "messages": history, "artifacts": artifacts}, handle)
    print(f"mirrored {len(tasks)} tasks, {files} files")


if __name__ == "__main__":
    import contextlib, io
    with contextlib.redirect_stdout(io.StringIO()):  # download_artifact prints a line per file
        main()
    print("done")
