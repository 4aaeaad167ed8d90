#!/usr/bin/env python3
"""flint-cli submit, status, cancel and logs as CI uses them, on real local Spark.

Run by meson as: test_cli_run.py FLINT_CLI SOURCE_ROOT, with FLINT_PYTHON from
tests/e2e/toolchain.sh (skipped, 77, without it). XDG dirs point into a temporary
directory, so the run store starts empty. Two Spark runs in all: the small join that
succeeds (submit --wait --json) and the same pipeline reading a path that does not exist.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

FLINT_CLI = None
SOURCE_ROOT = None
HOME = None      # the temporary directory holding XDG dirs and the project
PROJECT = None   # the pipeline file and its data/

CUSTOMERS = "customer_id,name,age,country\n1,Ann,34,FR\n2,Bob,17,DE\n3,Cid,51,DE\n"
ORDERS = "order_id,customer_id,amount\n10,1,5.50\n11,2,7.00\n12,3,9.25\n13,3,1.00\n"


def run(*args, timeout=60, home=None):
    home = home or HOME
    env = dict(os.environ, NO_COLOR="1", LC_ALL="C.UTF-8", LANGUAGE="",
               XDG_DATA_HOME=os.path.join(home, "data"),
               XDG_CACHE_HOME=os.path.join(home, "cache"),
               XDG_STATE_HOME=os.path.join(home, "state"),
               XDG_CONFIG_HOME=os.path.join(home, "config"))
    started = time.monotonic()
    proc = subprocess.run([FLINT_CLI, *args], capture_output=True, text=True, env=env,
                          timeout=timeout, stdin=subprocess.DEVNULL)
    print(f"# flint-cli {' '.join(args)}: exit {proc.returncode} in {time.monotonic() - started:.1f} s",
          file=sys.stderr)
    return proc.returncode, proc.stdout, proc.stderr


def output_rows():
    """The data rows (after each part's header) the sink wrote."""
    out = os.path.join(PROJECT, "out", "orders_by_country")
    rows = []
    for name in sorted(os.listdir(out)):
        if name.startswith("part-") and name.endswith(".csv"):
            with open(os.path.join(out, name), encoding="utf-8") as f:
                rows += f.read().strip().splitlines()[1:]
    return rows


class RunTest(unittest.TestCase):
    """One succeeded run and one failed run, looked at the ways a CI job would."""

    ok = None      # (exit, stdout, stderr) of submit --wait --json
    bad = None     # (exit, stdout, stderr) of submit --wait on the broken copy

    @classmethod
    def setUpClass(cls):
        cls.ok = run("submit", os.path.join(PROJECT, "small-join.flint.yaml"), "--wait", "--json",
                     timeout=300)
        cls.bad = run("submit", os.path.join(PROJECT, "missing-input.flint.yaml"), "--wait",
                      timeout=300)

    def ok_run(self):
        code, out, err = self.ok
        self.assertEqual(code, 0, err)
        return json.loads(out)

    def bad_id(self):
        first = self.bad[1].splitlines()[0]
        self.assertTrue(first.startswith("Run "), first)
        return first[len("Run "):].split(":")[0]

    def test_submit_wait_json(self):
        code, out, err = self.ok
        self.assertEqual(code, 0, err)
        run_ = json.loads(out)
        self.assertRegex(run_["id"], r"^[0-9a-z-]{8,}$")
        self.assertEqual(run_["state"], "succeeded")
        self.assertEqual(run_["pipeline"], "small-join")
        self.assertEqual(run_["target"], "local")
        self.assertEqual(run_["target_kind"], "local")
        self.assertIsNone(run_["message"])
        self.assertEqual(run_["attempt"], 1)
        self.assertIsNotNone(run_["finished_at"])
        # The sink's job, followed through the driver's REST API, all done.
        progress = {p["node"]: p for p in run_["progress"]}
        sink = progress["orders_by_country"]
        self.assertEqual(sink["label"], "Orders by country")
        self.assertGreater(sink["jobs_total"], 0)
        self.assertEqual(sink["jobs_done"], sink["jobs_total"])
        self.assertGreater(sink["tasks_total"], 0)
        self.assertEqual(sink["tasks_done"], sink["tasks_total"])
        self.assertEqual(sink["fraction"], 1.0)
        # What the job wrote: adults' orders only (Bob is 17).
        rows = output_rows()
        self.assertEqual(len(rows), 3, rows)
        self.assertIn("10,1,5.50,Ann,34,FR", rows)
        self.assertFalse([r for r in rows if "Bob" in r])

    def test_status_lists_both(self):
        ok = self.ok_run()
        bad = self.bad_id()
        code, out, err = run("status", "--json")
        self.assertEqual(code, 0, err)
        runs = {r["id"]: r for r in json.loads(out)["runs"]}
        self.assertEqual(set(runs), {ok["id"], bad})
        # What the store kept once the CLI had exited.
        self.assertEqual(runs[ok["id"]]["state"], "succeeded")
        self.assertEqual(runs[ok["id"]]["progress"], ok["progress"])
        self.assertEqual(runs[bad]["state"], "failed")
        self.assertIn("PATH_NOT_FOUND", runs[bad]["message"])

        # The table: newest first, one line each, the message's first line only.
        code, out, err = run("status")
        self.assertEqual(code, 0, err)
        lines = out.splitlines()
        self.assertEqual(lines[0].split(), ["RUN", "PIPELINE", "TARGET", "STATE", "DURATION", "MESSAGE"])
        self.assertEqual(len(lines), 3, out)
        self.assertEqual(lines[1].split()[:4], [bad[:8], "small-join", "local", "failed"])
        self.assertIn("PATH_NOT_FOUND", lines[1])
        self.assertRegex(lines[2], r"^%s +small-join +local +succeeded +\d+s +$" % ok["id"][:8])

    def test_status_run(self):
        ok = self.ok_run()
        # By the first characters of its id, as the table shows it.
        code, out, err = run("status", ok["id"][:8], "--json")
        self.assertEqual(code, 0, err)
        shown = json.loads(out)
        self.assertEqual(shown["id"], ok["id"])
        self.assertEqual(shown["state"], "succeeded")
        self.assertEqual(shown["progress"], ok["progress"])
        self.assertEqual(shown["run_dir"], ok["run_dir"])

        code, out, err = run("status", ok["id"])
        self.assertEqual(code, 0, err)
        lines = out.splitlines()
        self.assertEqual(lines[0], f"{ok['id']}  small-join")
        self.assertEqual(lines[1], "  state      succeeded (attempt 1/1)")
        self.assertEqual(lines[2], "  target     local (local)")
        self.assertRegex(lines[3], r"^  duration   \d+s$")
        self.assertIn(f"  directory  {ok['run_dir']}", lines)
        sink = [l for l in lines if l.startswith("  orders_by_country ")]
        self.assertEqual(len(sink), 1, out)
        self.assertRegex(sink[0], r" 100%  jobs (\d+)/\1, stages (\d+)/\2, tasks (\d+)/\3$")

    def test_logs(self):
        ok = self.ok_run()
        code, out, err = run("logs", ok["id"][:8])
        self.assertEqual(code, 0, err)
        # The driver's own files, byte for byte: stdout to stdout, stderr to stderr.
        with open(os.path.join(ok["run_dir"], "stdout.log"), encoding="utf-8") as f:
            self.assertEqual(out, f.read())
        with open(os.path.join(ok["run_dir"], "stderr.log"), encoding="utf-8") as f:
            self.assertEqual(err, f.read())
        self.assertIn("Spark's default log4j profile", err)

        # A failed run's logs hold Python's traceback with Spark's error.
        code, out, err = run("logs", self.bad_id())
        self.assertEqual(code, 0, err)
        self.assertIn("Traceback (most recent call last)", err)
        self.assertIn("[PATH_NOT_FOUND] Path does not exist: file:", err)

    def test_submit_missing_input(self):
        code, out, err = self.bad
        self.assertEqual(code, 1, out + err)
        lines = out.splitlines()
        run_id = self.bad_id()
        self.assertEqual(lines[0], f"Run {run_id}: small-join on local")
        # Without a terminal, a line each time the state or progress changes, then the verdict.
        verdict = lines.index(f"{run_id[:8]} failed")
        self.assertEqual(lines[1], f"{run_id[:8]} submitting orders_by_country 0/0")
        for line in lines[1:verdict]:
            self.assertTrue(line.startswith(f"{run_id[:8]} "), line)
        # Spark's own words, with the path, right under the verdict; then each node's progress.
        self.assertTrue(lines[verdict + 1].startswith("AnalysisException: [PATH_NOT_FOUND] Path does not exist: file:"),
                        lines[verdict + 1])
        self.assertIn(os.path.join(PROJECT, "data", "no-such-file.csv"), lines[verdict + 1])
        self.assertRegex(lines[-1], r"^  orders_by_country +0%  jobs 0/0, stages 0/0, tasks 0/0$")
        self.assertFalse(os.path.exists(os.path.join(PROJECT, "out", "missing")))

    def test_cancel_finished(self):
        ok = self.ok_run()
        code, out, err = run("cancel", ok["id"])
        self.assertEqual(code, 1, out + err)
        self.assertEqual(err, f"flint-cli cancel: Run {ok['id']} already ended (succeeded)\n")
        self.assertEqual(out, "")


class CancelTest(unittest.TestCase):
    """submit without --wait leaves the driver running; cancel, from another process, stops it."""

    def test_cancel_running(self):
        home = os.path.join(HOME, "cancel")   # its own run store, apart from RunTest's
        code, out, err = run("submit", os.path.join(PROJECT, "small-join.flint.yaml"), home=home)
        self.assertEqual(code, 0, err)
        lines = out.splitlines()
        self.assertRegex(lines[0], r"^Run [0-9a-z-]+: small-join on local$")
        run_id = lines[0].split()[1].rstrip(":")
        self.assertRegex(lines[1], r"^%s running — Spark UI http://localhost:\d+$" % run_id[:8])

        code, out, err = run("cancel", run_id[:8], home=home)
        self.assertEqual(code, 0, err)
        self.assertEqual(out, f"{run_id[:8]} cancelled\n")

        code, out, err = run("status", run_id, "--json", home=home)
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["state"], "cancelled")


class InterruptTest(unittest.TestCase):
    """Ctrl+C during submit --wait cancels the run: an aborted CI job leaves nothing running."""

    def test_interrupt_cancels(self):
        home = os.path.join(HOME, "interrupt")
        env = dict(os.environ, NO_COLOR="1", LC_ALL="C.UTF-8", LANGUAGE="",
                   XDG_DATA_HOME=os.path.join(home, "data"),
                   XDG_CACHE_HOME=os.path.join(home, "cache"),
                   XDG_STATE_HOME=os.path.join(home, "state"),
                   XDG_CONFIG_HOME=os.path.join(home, "config"))
        proc = subprocess.Popen([FLINT_CLI, "submit", os.path.join(PROJECT, "small-join.flint.yaml"), "--wait"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                stdin=subprocess.DEVNULL)
        first = proc.stdout.readline()
        self.assertRegex(first, r"^Run [0-9a-z-]+: small-join on local\n$")
        run_id = first.split()[1].rstrip(":")

        # Once the driver process exists (the store says running), interrupt as a terminal would.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            code, out, err = run("status", run_id, "--json", home=home)
            if code == 0 and json.loads(out)["state"] != "queued" and json.loads(out)["state"] != "submitting":
                break
            time.sleep(0.2)
        self.assertEqual(json.loads(out)["state"], "running", out)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)

        self.assertEqual(proc.returncode, 130, err)
        self.assertIn(f"Cancelling run {run_id} (interrupt again to stop waiting)…\n", err)
        self.assertIn(f"\n{run_id[:8]} cancelled\n", out)
        code, out, err = run("status", run_id, "--json", home=home)
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["state"], "cancelled")
        # No process of the run is left: its program lives in the run's directory.
        left = subprocess.run(["pgrep", "-f", run_id], capture_output=True, text=True).stdout
        self.assertEqual(left, "", f"processes of the cancelled run are still there: {left}")


class NoSparkTest(unittest.TestCase):
    """Wrong input never reaches Spark."""

    def test_cancel_unknown(self):
        code, out, err = run("cancel", "nosuchrun")
        self.assertEqual(code, 2)
        self.assertEqual(err, "flint-cli cancel: There is no run nosuchrun\n")
        self.assertEqual(out, "")

    def test_cancel_without_run(self):
        code, out, err = run("cancel")
        self.assertEqual(code, 2)
        self.assertEqual(err, "flint-cli cancel: which run? (see flint-cli status)\n")

    def test_status_unknown(self):
        code, out, err = run("status", "nosuchrun")
        self.assertEqual(code, 2)
        self.assertEqual(err, "flint-cli status: There is no run nosuchrun\n")

    def test_logs_unknown(self):
        code, out, err = run("logs", "nosuchrun")
        self.assertEqual(code, 2)
        self.assertEqual(err, "flint-cli logs: There is no run nosuchrun\n")

    def test_submit_bad_file(self):
        path = os.path.join(HOME, "broken.flint.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write("flint: 1\nname: broken\nnodes: [\n")
        code, out, err = run("submit", path, "--wait")
        self.assertEqual(code, 2)
        self.assertTrue(err.startswith(f"{path}: "), err)
        self.assertEqual(out, "")

    def test_submit_missing_file(self):
        path = os.path.join(HOME, "nowhere.flint.yaml")
        code, out, err = run("submit", path)
        self.assertEqual(code, 2)
        self.assertTrue(err.startswith(f"{path}: "), err)
        self.assertEqual(out, "")

    def test_submit_usage(self):
        code, out, err = run("submit")
        self.assertEqual(code, 2)
        self.assertEqual(err, "flint-cli submit: give one pipeline file (see flint-cli submit --help)\n")
        code, out, err = run("submit", os.path.join(PROJECT, "small-join.flint.yaml"), "--priority", "urgent")
        self.assertEqual(code, 2)
        self.assertEqual(err, "flint-cli submit: unknown priority “urgent” (low, normal, high or critical)\n")

    def test_submit_unknown_target(self):
        code, out, err = run("submit", os.path.join(PROJECT, "small-join.flint.yaml"), "--target", "nowhere")
        self.assertEqual(code, 2)
        self.assertTrue(err.startswith("flint-cli submit: "), err)
        self.assertIn("nowhere", err)


def set_up_project():
    source = os.path.join(SOURCE_ROOT, "tests", "runtime", "data", "small-join.flint.yaml")
    os.makedirs(os.path.join(PROJECT, "data"))
    shutil.copy(source, os.path.join(PROJECT, "small-join.flint.yaml"))
    with open(source, encoding="utf-8") as f:
        text = f.read()
    assert "data/customers.csv" in text and "out/orders_by_country/" in text
    broken = text.replace("data/customers.csv", "data/no-such-file.csv").replace(
        "out/orders_by_country/", "out/missing/")
    with open(os.path.join(PROJECT, "missing-input.flint.yaml"), "w", encoding="utf-8") as f:
        f.write(broken)
    with open(os.path.join(PROJECT, "data", "customers.csv"), "w", encoding="utf-8") as f:
        f.write(CUSTOMERS)
    with open(os.path.join(PROJECT, "data", "orders.csv"), "w", encoding="utf-8") as f:
        f.write(ORDERS)


if __name__ == "__main__":
    if not os.environ.get("FLINT_PYTHON"):
        print("1..0 # SKIP FLINT_PYTHON is not set: run ./flint-dev test, or tests/e2e/toolchain.sh first")
        sys.exit(77)
    FLINT_CLI = os.path.abspath(sys.argv[1])
    SOURCE_ROOT = sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="flint-cli-run-") as home:
        HOME = home
        PROJECT = os.path.join(home, "project")
        set_up_project()
        program = unittest.main(argv=[sys.argv[0], "-v"], exit=False)
    sys.exit(0 if program.result.wasSuccessful() else 1)
