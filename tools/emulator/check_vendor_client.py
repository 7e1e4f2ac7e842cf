"""Runs the vendor's own example client (docs.sigmic.ai/examples/python, kept unmodified in
shared/reference/sigmic_examples.py) against a running emulator and checks what it gets back.

    SIGMIC_BASE_URL=http://127.0.0.1:PORT SIGMIC_API_KEY=sigmic_... \
        python3 tools/emulator/check_vendor_client.py path/to/sigmic_examples.py

Prints one line per flow and a closing 'N passed, N failed' line; exits non-zero on any failure.
"""
import contextlib
import importlib.util
import io
import os
import sys
import tempfile
import traceback


def load(path):
    spec = importlib.util.spec_from_file_location("sigmic_examples", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    examples = load(sys.argv[1])
    results = []

    def check(name, flow):
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                flow()
            results.append(True)
            print(f"ok   {name}")
        except Exception:
            results.append(False)
            print(f"FAIL {name}\n{out.getvalue()}{traceback.format_exc()}")

    def demo():
        examples.main()

    def approval_granted():
        asked = []
        result = examples.create_task_with_approval(
            "List all files in the project", lambda tool, args: asked.append(tool) or True)
        assert asked, "no tool call asked for approval"
        assert result["final_response"], "no final response after approval"
        assert examples.get_task(result["task_id"])["status"] == "completed"

    def approval_refused():
        result = examples.create_task_with_approval("Rename the columns", lambda tool, args: False)
        assert result["final_response"], "the agent should carry on after a refusal"

    def download():
        for task in examples.list_tasks(100):
            files = examples.list_artifacts(task["id"])
            if files:
                with tempfile.TemporaryDirectory() as folder:
                    target = os.path.join(folder, "artifact.bin")
                    examples.download_artifact(task["id"], files[0]["path"], save_as=target)
                    assert os.path.getsize(target) == files[0]["size"], "downloaded size differs from the listing"
                return
        raise AssertionError("no task with artifacts to download")

    def cancel():
        created = examples.make_request("POST", "/api/v1/tasks", data={"message": "Reconcile the ledger", "autoExecute": "false"})
        task_id = created["data"]["id"]
        assert examples.cancel_task(task_id)["message"] == "Task cancelled"
        assert examples.get_task(task_id)["status"] == "cancelled"

    def errors():
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            examples.error_handling_example()
        assert "Task not found" in out.getvalue(), out.getvalue()

    def upload():
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as handle:
            handle.write("a,b\n1,2\n")
            path = handle.name
        try:
            result = examples.analyze_file(path, "Summarize the data in this CSV file")
            assert result["final_response"], "no answer for the uploaded file"
        finally:
            os.unlink(path)

    for name, flow in [("main()", demo), ("create_task_with_approval (approve)", approval_granted),
                       ("create_task_with_approval (refuse)", approval_refused), ("download_artifact", download),
                       ("cancel_task", cancel), ("error handling", errors), ("analyze_file upload", upload)]:
        check(name, flow)
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
