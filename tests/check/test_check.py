#!/usr/bin/env python3
"""flint-cli check on real local Spark: what it reports, and the designer's schemas held
equal to Spark's.

Run by meson as: test_check.py FLINT_CLI SOURCE_ROOT, with FLINT_PYTHON from
tests/e2e/toolchain.sh (skipped, 77, without it).

Schema equality, for every node of every pipeline in tests/codegen/pipelines,
tests/e2e/pipelines and data/examples (Scala-only pipelines excepted: check runs PySpark):
- column names and their order: always equal;
- types: equal wherever the designer knows the type; where it does not (null type, or no
  schema at all after a code or SQL node), Spark's is allowed to be anything;
- nullability, loosely: the designer may say nullable where Spark proves not-null (it
  does not track Spark's non-null proofs through aggregates, windows, literals and
  fill_nulls), but never the reverse: a column the designer calls NOT NULL must be so in
  Spark, since code may rely on it.
"""

import glob
import json
import os
import subprocess
import sys
import tempfile
import unittest

FLINT_CLI = None
ROOT = None


def run(*args, env=None):
    full = dict(os.environ, NO_COLOR="1", LC_ALL="C.UTF-8", LANGUAGE="")
    full.update(env or {})
    proc = subprocess.run([FLINT_CLI, "check", *args], capture_output=True, text=True,
                          env=full, timeout=900)
    return proc.returncode, proc.stdout, proc.stderr


def pipelines():
    files = sorted(glob.glob(os.path.join(ROOT, "tests/codegen/pipelines/*.flint.yaml")) +
                   glob.glob(os.path.join(ROOT, "tests/e2e/pipelines/*.flint.yaml")) +
                   glob.glob(os.path.join(ROOT, "data/examples/*.flint.yaml")))
    return [f for f in files if "scala" not in os.path.basename(f)]


BROKEN = """flint: 1
name: broken-types
job: {mode: batch}
nodes:
  - id: people
    kind: source.rows
    params:
      rows: [{id: 1, name: Ann}]
    schema: [{name: id, type: long}, {name: name, type: string}]
  - id: upper_names
    kind: transform.derive
    params:
      columns:
        - {name: shout, expr: "upper(name)"}
        - {name: bumped, expr: "transform(name, v -> v + 1)"}
  - id: out
    kind: sink.console
edges:
  - {from: people, to: upper_names}
  - {from: upper_names, to: out}
"""


class Check(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.files = pipelines()
        code, out, err = run("--json", *cls.files)
        cls.code, cls.err = code, err
        cls.result = json.loads(out) if out else {"files": []}

    def test_every_pipeline_analyses_clean(self):
        self.assertEqual(self.code, 0, self.err)
        self.assertEqual(len(self.result["files"]), len(self.files))
        for f in self.result["files"]:
            self.assertEqual(f["errors"], 0, f)
            for node in f["nodes"]:
                # A source without a declared schema is the one thing check cannot analyse.
                if node["status"] == "unknown":
                    self.assertTrue(node["kind"] in ("source.jdbc", "source.table", "source.delta"), node)
                    continue
                self.assertIn(node["status"], ("ok", "sink"), (f["file"], node))

    def test_designer_schemas_equal_spark(self):
        kinds = set()
        problems = []
        for f in self.result["files"]:
            name = os.path.basename(f["file"])
            for node in f["nodes"]:
                for out in node["outputs"]:
                    kinds.add(node["kind"])
                    spark, designer = out["columns"], out["designer"]
                    where = f"{name}: node {node['node']} ({node['kind']}) port {out['port']}"
                    if designer is None:
                        continue  # the designer does not know this schema (code, SQL)
                    if [c["name"] for c in spark] != [c["name"] for c in designer]:
                        problems.append(f"{where}: columns {[c['name'] for c in designer]} "
                                        f"but Spark has {[c['name'] for c in spark]}")
                        continue
                    for s, d in zip(spark, designer):
                        if d["type"] is not None and d["type"] != s["type"]:
                            problems.append(f"{where}: {s['name']} is {d['type']} in the designer, "
                                            f"{s['type']} in Spark")
                        if not d["nullable"] and s["nullable"]:
                            problems.append(f"{where}: {s['name']} is NOT NULL in the designer, "
                                            "nullable in Spark")
        self.assertEqual(problems, [])
        # Every kind with an output was compared at least once.
        for kind in ("source.csv", "source.json", "source.parquet", "source.orc", "source.avro",
                     "source.text", "source.kafka", "source.rows", "transform.select",
                     "transform.filter", "transform.derive", "transform.drop", "transform.join",
                     "transform.aggregate", "transform.window", "transform.union",
                     "transform.distinct", "transform.deduplicate", "transform.sort",
                     "transform.limit", "transform.sample", "transform.fill_nulls",
                     "transform.drop_nulls", "transform.pivot", "transform.explode",
                     "transform.repartition", "transform.cache", "transform.quality",
                     "transform.watermark"):
            self.assertIn(kind, kinds)

    def test_spark_refusal_at_node_and_parameter(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "broken.flint.yaml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(BROKEN)
            code, out, err = run(path)
            self.assertEqual(code, 1, err)
            self.assertIn(f"{path}:15: node 'upper_names': error: Spark: "
                          "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve "
                          '"transform(name, lambdafunction((v + 1), v))" due to data type mismatch: '
                          'The first parameter requires the "ARRAY" type, however "name" has the '
                          'type "STRING".\n', out)
            # Nodes Spark accepted still show their columns.
            self.assertIn("people: id long, name string\n", out)

            code, out, err = run("--json", path)
            self.assertEqual(code, 1)
            report = json.loads(out)["files"][0]
            self.assertEqual(report["errors"], 1)
            [diagnostic] = report["diagnostics"]
            self.assertEqual((diagnostic["node"], diagnostic["param"], diagnostic["line"],
                              diagnostic["condition"]),
                             ("upper_names", "params.columns.1.expr", 15,
                              "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"))

    def test_columns_as_spark_computes_them(self):
        code, out, err = run(os.path.join(ROOT, "data/examples/daily-sales-rollup.flint.yaml"))
        self.assertEqual(code, 0, err)
        self.assertIn("daily: store_id int, day date, orders long not null, units long, "
                      "revenue double\n", out)

    def test_no_python_lists_what_was_tried(self):
        with tempfile.TemporaryDirectory() as empty:
            code, out, err = run(os.path.join(ROOT, "data/examples/customer-join.flint.yaml"),
                                 env={"FLINT_PYTHON": "/nonexistent/python", "PATH": empty})
        self.assertEqual(code, 2)
        self.assertEqual(err, "flint-cli check: no Python with pyspark found. Tried:\n"
                              "  FLINT_PYTHON=/nonexistent/python: does not import pyspark\n"
                              "  python3: not found on PATH\n"
                              "Set FLINT_PYTHON to a python that imports pyspark (pip install pyspark).\n")

    def test_unreadable_file(self):
        code, out, err = run("/nonexistent/pipeline.flint.yaml")
        self.assertEqual(code, 2)
        self.assertEqual(out, "")


if __name__ == "__main__":
    if not os.environ.get("FLINT_PYTHON"):
        print("1..0 # SKIP FLINT_PYTHON is not set: run ./flint-dev test, or tests/e2e/toolchain.sh first")
        sys.exit(77)
    FLINT_CLI, ROOT = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0]], verbosity=2)
