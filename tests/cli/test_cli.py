#!/usr/bin/env python3
"""flint-cli as CI uses it: verdicts, messages, exit codes and --json.

Run by meson as: test_cli.py FLINT_CLI SOURCE_ROOT. Broken pipelines are made from the
bundled examples by small edits, the way a user breaks them.
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

FLINT_CLI = None
EXAMPLES = None


def run(*args):
    env = dict(os.environ, NO_COLOR="1", LC_ALL="C.UTF-8", LANGUAGE="")
    proc = subprocess.run([FLINT_CLI, *args], capture_output=True, text=True, env=env, timeout=60)
    return proc.returncode, proc.stdout, proc.stderr


def example(name):
    with open(os.path.join(EXAMPLES, name), encoding="utf-8") as f:
        return f.read()


def line_of(text, needle):
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


class Broken:
    """A temporary copy of an example with an edit applied."""

    def __init__(self, name, old, new, count=1):
        text = example(name)
        assert old in text, old
        self.text = text.replace(old, new, count)
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, name)
        with open(self.path, "w", encoding="utf-8") as f:
            f.write(self.text)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.dir.cleanup()


class ValidateTest(unittest.TestCase):
    def test_examples_are_clean(self):
        for name in sorted(os.listdir(EXAMPLES)):
            if not name.endswith(".flint.yaml"):
                continue
            with self.subTest(example=name):
                code, out, err = run("validate", os.path.join(EXAMPLES, name))
                self.assertEqual((code, out, err), (0, "", ""))

    def test_unknown_column(self):
        with Broken("customer-join.flint.yaml", "age >= 18", "agee >= 18") as b:
            code, out, err = run("validate", b.path)
            line = line_of(b.text, "agee >= 18")
            self.assertEqual(code, 1)
            self.assertEqual(
                out,
                f"{b.path}:{line}: node 'adults': error: unknown column 'agee' (did you mean 'age'?)\n",
            )

    def test_unknown_join_key(self):
        with Broken("customer-join.flint.yaml", "{left: customer_id, right: customer_id}",
                    "{left: customer_id, right: customerid}") as b:
            code, out, _ = run("validate", b.path)
            self.assertEqual(code, 1)
            self.assertIn(f":{line_of(b.text, 'right: customerid')}: node 'orders_with_customers': "
                          "error: unknown column 'customerid' (did you mean 'customer_id'?)", out)

    def test_unknown_kind_is_unreadable(self):
        with Broken("customer-join.flint.yaml", "kind: transform.filter", "kind: transform.filtr") as b:
            code, out, err = run("validate", b.path)
            line = line_of(b.text, "transform.filtr")
            self.assertEqual(code, 2)
            self.assertEqual(out, "")
            self.assertTrue(err.startswith(f"{b.path}:{line}:"), err)
            self.assertIn("transform.filtr", err)
            self.assertIn("transform.filter", err)  # the suggestion

    def test_malformed_yaml(self):
        with Broken("daily-sales-rollup.flint.yaml", "  - id: valid_sales\n", "  - id: valid_sales\n   bad: [\n") as b:
            code, out, err = run("validate", b.path)
            self.assertEqual(code, 2)
            self.assertRegex(err, r"^" + __import__("re").escape(b.path) + r":\d+:\d+: error: ")

    def test_newer_version(self):
        with Broken("customer-join.flint.yaml", "flint: 1", "flint: 99") as b:
            code, _, err = run("validate", b.path)
            self.assertEqual(code, 2)
            self.assertIn(f"{b.path}:1:", err)
            self.assertIn("99", err)

    def test_cycle(self):
        with Broken("daily-sales-rollup.flint.yaml", "  - {from: daily, to: daily_sales}\n",
                    "  - {from: daily, to: daily_sales}\n  - {from: with_day, to: valid_sales}\n") as b:
            # valid_sales already has an input: the loader refuses a second edge into it.
            code, _, err = run("validate", b.path)
            self.assertEqual(code, 2)
            self.assertIn("valid_sales", err)
        with Broken("customer-join.flint.yaml", "  - {from: customers, to: adults}\n",
                    "  - {from: customers, to: mix}\n  - {from: mix, to: adults}\n"
                    "  - {from: adults, to: mix}\n") as b:
            text = b.text.replace("nodes:\n", "nodes:\n  - id: mix\n    kind: transform.union\n", 1)
            with open(b.path, "w", encoding="utf-8") as f:
                f.write(text)
            code, out, _ = run("validate", b.path)
            self.assertEqual(code, 1)
            self.assertIn("node 'mix': error: part of a cycle with 'adults'", out)
            self.assertIn("node 'adults': error: part of a cycle with 'mix'", out)

    def test_missing_parameter_and_warning(self):
        with Broken("customer-join.flint.yaml", "    params: {condition: age >= 18}\n", "") as b:
            code, out, _ = run("validate", b.path)
            self.assertEqual(code, 1)
            self.assertIn("node 'adults': error: 'condition' is required", out)
        with Broken("customer-join.flint.yaml", "edges:\n", "  - id: spare\n    kind: source.csv\n"
                    "    params: {path: data/spare.csv}\nedges:\n") as b:
            code, out, _ = run("validate", b.path)
            self.assertEqual(code, 0)  # warnings do not fail
            self.assertIn("node 'spare': warning: this source is not used", out)

    def test_streaming_without_watermark(self):
        # The example without its watermark: its windowed aggregation can no longer be
        # written in append mode.
        with Broken("streaming-click-counter.flint.yaml",
                    "  - {from: parsed, to: late_limit}\n  - {from: late_limit, to: windowed}\n",
                    "  - {from: parsed, to: windowed}\n") as b:
            text = b.text.replace("  - id: late_limit\n    kind: transform.watermark\n"
                                  "    label: Ten minutes late at most\n"
                                  "    params: {column: event_time, delay: 10 minutes}\n", "")
            text = text.replace("  late_limit: [560, 120]\n", "")
            with open(b.path, "w", encoding="utf-8") as f:
                f.write(text)
            code, out, err = run("validate", b.path)
            self.assertEqual(code, 1, err)
            self.assertIn("node 'page_views': error: a streaming aggregation cannot be written in append "
                          "mode unless it groups by a watermarked event time", out)
        with Broken("streaming-click-counter.flint.yaml", "output_mode: append", "output_mode: update") as b:
            code, out, _ = run("validate", b.path)
            self.assertEqual(code, 1)
            self.assertIn("node 'page_views': error: a Delta table takes a stream in append or complete "
                          "mode, not update", out)

    def test_json(self):
        with Broken("customer-join.flint.yaml", "age >= 18", "agee >= 18") as b:
            code, out, _ = run("validate", "--json", b.path, os.path.join(EXAMPLES, "daily-sales-rollup.flint.yaml"))
            self.assertEqual(code, 1)
            report = json.loads(out)
            self.assertEqual(report["exit_code"], 1)
            broken, clean = report["files"]
            self.assertFalse(broken["valid"])
            self.assertEqual(broken["errors"], 1)
            self.assertEqual(broken["diagnostics"], [{
                "severity": "error", "code": "unknown-column", "node": "adults",
                "param": "params.condition", "line": line_of(b.text, "agee"),
                "message": "unknown column 'agee'", "hint": "did you mean 'age'?",
            }])
            self.assertTrue(clean["valid"])
            self.assertEqual(clean["diagnostics"], [])

    def test_unreadable(self):
        code, out, err = run("validate", "/nonexistent/x.flint.yaml")
        self.assertEqual(code, 2)
        self.assertIn("/nonexistent/x.flint.yaml", err)
        code, out, _ = run("validate", "--json", "/nonexistent/x.flint.yaml")
        self.assertEqual(code, 2)
        self.assertFalse(json.loads(out)["files"][0]["readable"])


class CliTest(unittest.TestCase):
    def test_help_and_usage(self):
        code, out, _ = run("--help")
        self.assertEqual(code, 0)
        self.assertIn("validate", out)
        self.assertIn("catalog", out)
        code, _, err = run("frobnicate")
        self.assertEqual(code, 2)
        self.assertIn("frobnicate", err)
        code, _, err = run("validate")
        self.assertEqual(code, 2)
        code, out, _ = run("validate", "--help")
        self.assertEqual(code, 0)
        self.assertIn("--json", out)

    def test_catalog(self):
        code, out, _ = run("catalog", "--json")
        self.assertEqual(code, 0)
        catalog = json.loads(out)
        ids = [kind["id"] for kind in catalog["kinds"]]
        for kind in ("source.csv", "source.kafka", "transform.join", "transform.quality", "sink.delta"):
            self.assertIn(kind, ids)
        code, out, _ = run("catalog")
        self.assertEqual(code, 0)
        self.assertEqual(len(out.splitlines()), len(ids))
        code, out, _ = run("catalog", "transform.join")
        self.assertEqual(code, 0)
        self.assertIn("inputs: left, right", out)
        self.assertIn("keys", out)
        code, _, err = run("catalog", "transform.nope")
        self.assertEqual(code, 2)


if __name__ == "__main__":
    FLINT_CLI = os.path.abspath(sys.argv[1])
    EXAMPLES = os.path.join(sys.argv[2], "data", "examples")
    unittest.main(argv=[sys.argv[0], "-v"])
