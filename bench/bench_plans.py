#!/usr/bin/env python3
# bench_plans.py: is the PySpark Flint generates as efficient as hand-written Spark SQL?
#
# For each pipeline of bench/pipelines/NAME.flint.yaml and its hand-written equivalent,
# bench/sql/NAME.sql (one query over tables named as the pipeline's sources), this:
#   1. generates the pipeline's PySpark module with `flint-cli generate --lang python`, the
#      sources' `bench-data/` paths rewritten to the run's data directory;
#   2. builds the DataFrame its sink would write: build(spark) runs with DataFrameWriter's
#      save() replaced by a function that records the DataFrame instead of writing it;
#   3. runs the SQL with each table a temporary view over the same Parquet directory;
#   4. compares the two physical plans (executedPlan, before execution) once expression ids,
#      plan ids and scan locations are normalised: they must be EQUAL;
#   5. times both with write.format("noop"), alternating which goes first, after a warm-up,
#      and reports the medians and the ratio generated / hand-written (goal: within 5 %).
#
# Data comes from spark.range (deterministic: hashes of the row number), written once as
# Parquet under a temporary directory; --scale multiplies the row counts.
#
#   bench_plans.py --flint-cli _build/app/flint-cli [--runs 5] [--scale 1] [--markdown]
#
# Run it with a python that has pyspark 4.0.1; if this one has none it re-executes itself
# with $FLINT_PYTHON, or with the one tests/e2e/toolchain.sh prints.
#
# Exit status: 0 when every plan is equal and every ratio within the goal, 1 otherwise
# with --strict (plain runs report and exit 0), 2 when something could not run.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import argparse
import difflib
import importlib.util
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.dirname(HERE)

PIPELINES = [
    "orders-customers-join",
    "daily-channel-rollup",
    "customer-order-ranks",
    "latest-order-status",
    "sales-star",
]

GOAL = 1.05


def ensure_pyspark():
    """Re-executes this script with a python that has pyspark, when this one has none."""
    try:
        import pyspark  # noqa: F401

        return
    except ImportError:
        pass
    if os.environ.get("FLINT_BENCH_REEXEC"):
        sys.exit("bench_plans: no pyspark in %s either" % sys.executable)
    python = os.environ.get("FLINT_PYTHON")
    if not python:
        out = subprocess.run(
            ["bash", os.path.join(SOURCE_ROOT, "tests", "e2e", "toolchain.sh")],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
        for line in out.splitlines():
            if line.startswith("FLINT_PYTHON="):
                python = line.split("=", 1)[1]
    if not python:
        sys.exit("bench_plans: no python with pyspark (set FLINT_PYTHON)")
    os.environ["FLINT_BENCH_REEXEC"] = "1"
    os.execv(python, [python, os.path.abspath(__file__)] + sys.argv[1:])


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# Row counts at --scale 1: a few seconds of work per query in local[2].
SIZES = {
    "customers": 1_500_000,
    "orders": 2_000_000,
    "order_updates": 3_000_000,
    "sales": 5_000_000,
    "products": 5_000,
    "stores": 200,
    "dates": 1_096,
}


def make_data(spark, data_dir, scale):
    """Writes every table the pipelines read, as Parquet, with the declared column types."""
    from pyspark.sql import functions as F

    n = {k: max(1, int(v * scale)) if k in ("customers", "orders", "order_updates", "sales") else v
         for k, v in SIZES.items()}

    def h(seed, modulo):
        return F.pmod(F.hash(F.col("id"), F.lit(seed)), F.lit(modulo))

    def pick(seed, words):
        arr = F.array(*[F.lit(w) for w in words])
        return F.element_at(arr, (h(seed, len(words)) + 1).cast("int"))

    jan_2024 = 1704067200
    tables = {}
    tables["customers"] = spark.range(n["customers"]).select(
        F.col("id").alias("customer_id"),
        F.concat(F.lit("customer "), F.col("id").cast("string")).alias("name"),
        (h(1, 80) + 10).cast("int").alias("age"),
        pick(2, ["DE", "FR", "US", "GB", "ES", "IT", "NL", "PL"]).alias("country"),
        pick(3, ["consumer", "corporate", "small business"]).alias("segment"),
    )
    tables["orders"] = spark.range(n["orders"]).select(
        F.col("id").alias("order_id"),
        h(10, n["customers"]).cast("bigint").alias("customer_id"),
        h(11, SIZES["products"]).cast("int").alias("product_id"),
        h(12, SIZES["stores"]).cast("int").alias("store_id"),
        (h(13, 50_000) / 100).cast("decimal(12,2)").alias("amount"),
        (h(14, 10) + 1).cast("int").alias("quantity"),
        pick(15, ["shipped", "shipped", "shipped", "pending", "cancelled", "returned"]).alias("status"),
        pick(16, ["web", "app", "store", "phone"]).alias("channel"),
        F.timestamp_seconds(F.lit(jan_2024) + h(17, 365 * 86400)).alias("ordered_at"),
    )
    tables["order_updates"] = spark.range(n["order_updates"]).select(
        h(20, max(1, n["order_updates"] // 4)).cast("bigint").alias("order_id"),
        pick(21, ["created", "paid", "shipped", "delivered", "cancelled"]).alias("status"),
        (h(22, 50_000) / 100).cast("decimal(12,2)").alias("amount"),
        pick(23, ["oltp", "batch", "api"]).alias("source"),
        F.timestamp_seconds(F.lit(jan_2024) + h(24, 90 * 86400)).alias("updated_at"),
    )
    tables["sales"] = spark.range(n["sales"]).select(
        F.col("id").alias("sale_id"),
        h(30, SIZES["products"]).cast("int").alias("product_id"),
        h(31, SIZES["stores"]).cast("int").alias("store_id"),
        F.date_add(F.lit("2023-01-01").cast("date"), h(32, SIZES["dates"]).cast("int")).alias("date_key"),
        (h(33, 10) + 1).cast("int").alias("quantity"),
        (h(34, 20_000) / 100).cast("decimal(10,2)").alias("unit_price"),
    )
    tables["products"] = spark.range(SIZES["products"]).select(
        F.col("id").cast("int").alias("product_id"),
        F.concat(F.lit("category "), (F.col("id") % 25).cast("string")).alias("category"),
        F.concat(F.lit("brand "), (F.col("id") % 300).cast("string")).alias("brand"),
    )
    tables["stores"] = spark.range(SIZES["stores"]).select(
        F.col("id").cast("int").alias("store_id"),
        pick(40, ["north", "south", "east", "west", "central"]).alias("region"),
        F.concat(F.lit("city "), (F.col("id") % 60).cast("string")).alias("city"),
    )
    day = F.date_add(F.lit("2023-01-01").cast("date"), F.col("id").cast("int"))
    tables["dates"] = spark.range(SIZES["dates"]).select(
        day.alias("date_key"),
        F.year(day).alias("year"),
        F.quarter(day).alias("quarter"),
        F.dayofweek(day).isin(1, 7).alias("is_weekend"),
    )
    for name, df in tables.items():
        path = os.path.join(data_dir, name)
        if not os.path.isdir(path):
            df.write.mode("overwrite").parquet(path)
    return n


def generate(flint_cli, name, data_dir, work):
    """Generates NAME's PySpark module, its sources pointed at DATA_DIR; returns the module."""
    with open(os.path.join(HERE, "pipelines", name + ".flint.yaml"), encoding="utf-8") as f:
        text = f.read()
    # The pipelines read bench-data/TABLE/: the run's data directory.
    text = text.replace("bench-data/", data_dir.rstrip("/") + "/")
    pipeline = os.path.join(work, "pipelines", name + ".flint.yaml")
    os.makedirs(os.path.dirname(pipeline), exist_ok=True)
    with open(pipeline, "w", encoding="utf-8") as f:
        f.write(text)
    out_dir = os.path.join(work, "generated", name)
    shutil.rmtree(out_dir, ignore_errors=True)
    subprocess.run([flint_cli, "generate", pipeline, "--lang", "python", "-o", out_dir],
                   check=True, stdout=subprocess.DEVNULL)
    files = [f for f in os.listdir(out_dir) if f.endswith(".py")]
    if len(files) != 1:
        raise RuntimeError("%s: expected one module, got %s" % (name, files))
    path = os.path.join(out_dir, files[0])
    spec = importlib.util.spec_from_file_location("flint_bench_" + name.replace("-", "_"), path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, path


def sink_input(spark, module):
    """Runs module.build(spark) with the sink's write recorded instead of done."""
    from pyspark.sql.readwriter import DataFrameWriter

    captured = []
    saved = (DataFrameWriter.save, DataFrameWriter.saveAsTable)

    def record(self, *args, **kwargs):
        captured.append(self._df)

    DataFrameWriter.save = record
    DataFrameWriter.saveAsTable = record
    try:
        module.build(spark)
    finally:
        DataFrameWriter.save, DataFrameWriter.saveAsTable = saved
    if len(captured) != 1:
        raise RuntimeError("expected one sink, got %d" % len(captured))
    return captured[0]


def hand_written(spark, name, data_dir, tables, variant=""):
    for table in tables:
        spark.read.parquet(os.path.join(data_dir, table)).createOrReplaceTempView(table)
    with open(os.path.join(HERE, "sql", name + variant + ".sql"), encoding="utf-8") as f:
        return spark.sql(f.read())


def variants(name):
    """The other forms of NAME's query, bench/sql/NAME.FORM.sql: ".FORM" for each."""
    return sorted(f[len(name):-len(".sql")] for f in os.listdir(os.path.join(HERE, "sql"))
                  if f.startswith(name + ".") and f.endswith(".sql") and f != name + ".sql")


def physical_plan(df, data_dir):
    text = df._jdf.queryExecution().executedPlan().toString()
    text = re.sub(r"#\d+L?", "#N", text)            # expression ids (L: long literals' ids)
    text = re.sub(r"plan_id=\d+", "plan_id=N", text)
    text = re.sub(r"\[plan_id=N\]", "", text)
    # The only name the generated code invents: deduplicate's row number (rn in the SQL).
    text = text.replace("_flint_row#N", "rn#N")
    text = text.replace("file:" + data_dir.rstrip("/"), "DATA").replace(data_dir.rstrip("/"), "DATA")
    return text.strip()


def noop(df):
    start = time.perf_counter()
    df.write.format("noop").mode("overwrite").save()
    return time.perf_counter() - start


def time_pair(gen_df, sql_df, runs):
    noop(gen_df)  # warm-up: JIT, file listing and Parquet footers cached alike for both
    noop(sql_df)
    gen, hand = [], []
    for i in range(runs):
        # Alternate which goes first so that neither always runs on a warmer machine.
        if i % 2 == 0:
            gen.append(noop(gen_df))
            hand.append(noop(sql_df))
        else:
            hand.append(noop(sql_df))
            gen.append(noop(gen_df))
    return gen, hand


def main():
    ensure_pyspark()
    parser = argparse.ArgumentParser(description="Physical plans and run times of generated PySpark against hand-written Spark SQL.")
    parser.add_argument("--flint-cli", default=os.environ.get("FLINT_CLI"), required=False)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--only", action="append", help="a pipeline name (repeatable)")
    parser.add_argument("--data-dir", help="reuse (or make once) the data here")
    parser.add_argument("--plans", action="store_true", help="print both plans of each pipeline")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args()
    if not args.flint_cli:
        parser.error("--flint-cli PATH (or FLINT_CLI) is required")
    flint_cli = os.path.abspath(args.flint_cli)

    from pyspark.sql import SparkSession
    import pyspark

    work = tempfile.mkdtemp(prefix="flint-bench-plans-")
    data_dir = os.path.abspath(args.data_dir) if args.data_dir else os.path.join(work, "data")
    os.makedirs(data_dir, exist_ok=True)
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("flint-bench-plans")
        .config("spark.driver.memory", "2g")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.local.dir", os.path.join(work, "spark-local"))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    results = []
    try:
        t0 = time.perf_counter()
        rows = make_data(spark, data_dir, args.scale)
        log("data: %s in %.1f s under %s" % (
            ", ".join("%s %d" % kv for kv in rows.items()), time.perf_counter() - t0, data_dir))
        tables_of = {
            "orders-customers-join": ["orders", "customers"],
            "daily-channel-rollup": ["orders"],
            "customer-order-ranks": ["orders"],
            "latest-order-status": ["order_updates"],
            "sales-star": ["sales", "products", "stores", "dates"],
        }
        for name in args.only or PIPELINES:
            module, path = generate(flint_cli, name, data_dir, work)
            gen_df = sink_input(spark, module)
            sql_df = hand_written(spark, name, data_dir, tables_of[name])
            same_schema = gen_df.schema.simpleString() == sql_df.schema.simpleString()
            gen_plan = physical_plan(gen_df, data_dir)
            sql_plan = physical_plan(sql_df, data_dir)
            equal = gen_plan == sql_plan
            diff = "\n".join(difflib.unified_diff(
                sql_plan.splitlines(), gen_plan.splitlines(), "hand-written SQL", "generated PySpark",
                lineterm="", n=1))
            log("%s: schema %s, plan %s" % (name, "equal" if same_schema else "DIFFERENT",
                                            "EQUAL" if equal else "DIFFERENT"))
            if not same_schema:
                log("  generated: %s\n  SQL:       %s" % (gen_df.schema.simpleString(),
                                                        sql_df.schema.simpleString()))
            if args.plans or not equal:
                log(("plan (both):\n" + gen_plan) if equal else diff)
            forms = []
            for variant in variants(name):
                other = physical_plan(hand_written(spark, name, data_dir, tables_of[name], variant),
                                      data_dir)
                forms.append((variant[1:], other == gen_plan))
                log("  plan of sql/%s%s.sql: %s" % (name, variant,
                                                  "EQUAL" if other == gen_plan else "DIFFERENT"))
            gen, hand = time_pair(gen_df, sql_df, args.runs)
            g, s = statistics.median(gen), statistics.median(hand)
            ratio = g / s
            min_ratio = min(gen) / min(hand)
            # Each run's pair ran back to back: the median of their ratios cancels the load
            # of a shared machine drifting over the minutes of a run.
            paired = statistics.median(a / b for a, b in zip(gen, hand))
            log("  generated %s s\n  hand SQL  %s s\n  median %.3f / %.3f s = %.3fx (fastest %.3fx, paired %.3fx)" % (
                " ".join("%.3f" % x for x in gen), " ".join("%.3f" % x for x in hand),
                g, s, ratio, min_ratio, paired))
            results.append((name, same_schema, equal, g, s, ratio, min_ratio, forms, paired))
    finally:
        spark.stop()
        shutil.rmtree(work, ignore_errors=True)

    ok = all(r[1] and r[2] and r[5] <= GOAL for r in results)
    print("Spark %s, local[2], %d runs after a warm-up, scale %g; python %s" % (
        pyspark.__version__, args.runs, args.scale, platform.python_version()))
    if args.markdown:
        print()
        print("| pipeline | schema | physical plan | other forms' plans | generated s | hand-written SQL s | ratio | fastest runs | paired runs | time (goal <= %.2fx) |" % GOAL)
        print("|---|---|---|---|---:|---:|---:|---:|---:|---|")
        for name, sch, eq, g, s, ratio, mr, forms, pr in results:
            verdict = "PASS" if ratio <= GOAL else "**MISS**"
            print("| %s | %s | %s | %s | %.3f | %.3f | %.3fx | %.3fx | %.3fx | %s |" % (
                name, "equal" if sch else "DIFFERENT", "EQUAL" if eq else "DIFFERENT",
                ", ".join("%s: %s" % (f, "EQUAL" if e else "DIFFERENT") for f, e in forms) or "-",
                g, s, ratio, mr, pr, verdict))
    else:
        for name, sch, eq, g, s, ratio, mr, forms, pr in results:
            print("%-24s schema %-9s plan %-9s generated %.3f s  SQL %.3f s  ratio %.3fx (fastest %.3fx, paired %.3fx)  %s" % (
                name, "equal" if sch else "DIFFERENT", "EQUAL" if eq else "DIFFERENT", g, s, ratio, mr, pr,
                "PASS" if ratio <= GOAL else "MISS"))
    return 1 if (args.strict and not ok) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except subprocess.CalledProcessError as e:
        log("bench_plans: %s" % e)
        sys.exit(2)
