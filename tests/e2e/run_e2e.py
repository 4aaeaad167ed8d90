#!/usr/bin/env python3
"""run_e2e.py: generated PySpark and Scala run on a real Spark and write the right rows.

For every pipeline in tests/e2e/pipelines/, flint-cli generates a Python module and a Scala
object. Python: one local SparkSession imports each module and calls build(spark). Scala:
one scalac run compiles every object with a harness object that calls each build(spark) on
one SparkSession in one JVM (spark-submit). Then each sink's output is read back with Spark
and compared with tests/e2e/expected/PIPELINE.SINK.jsonl, and Python's rows with Scala's.

Run with the toolchain's Python (tests/e2e/toolchain.sh prints the variables):
  FLINT_PYTHON run_e2e.py --cli FLINT_CLI [--work DIR] [--lang python|scala] [NAME...]
Prints a line per pipeline and language, and "N passed, N failed" last.

SPDX-License-Identifier: GPL-3.0-or-later
"""

import argparse
import base64
import contextlib
import datetime
import decimal
import glob
import importlib.util
import io
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
import uuid

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
MARK = "@@flint-e2e"
STREAM_TIMEOUT_S = 180

# Catalog tables the table and sql pipelines read, made in each session before the runs.
SETUP_SQL = [
    "CREATE TABLE e2e_people USING parquet AS "
    "SELECT * FROM json.`data/people.jsonl`",
]


# {{{ Helpers

def env_glob(name):
    """The jars of a toolchain variable holding a glob (dir/*)."""
    value = os.environ.get(name, "")
    jars = sorted(glob.glob(value if value.endswith(".jar") or "*" in value else
                            os.path.join(value, "*.jar")))
    return [j for j in jars if j.endswith(".jar")]


def canonical(value):
    """A value as the expected files write it: JSON-ready, dates as ISO text."""
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, float):
        return round(value, 6)
    return value


def row_line(row):
    return json.dumps(canonical(row), sort_keys=True, ensure_ascii=False)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.3)
    return False


def first_lines(text, n=6):
    lines = [l for l in str(text).splitlines() if l.strip()]
    return "\n".join(lines[:n])

# }}}

# {{{ Pipelines and sinks


class Pipeline:
    def __init__(self, path, work):
        self.name = os.path.basename(path)[: -len(".flint.yaml")]
        self.source = path
        self.path = os.path.join(work, "pipelines", os.path.basename(path))
        with open(path, encoding="utf-8") as f:
            self.doc = yaml.safe_load(f)
        self.sinks = [n for n in self.doc["nodes"] if n["kind"].startswith("sink.")]
        self.kinds = sorted({n["kind"] for n in self.doc["nodes"]})
        # A code node holds code of one language: the pipeline is generated in that one only.
        code = {n.get("params", {}).get("language", "python")
                for n in self.doc["nodes"] if n["kind"] == "transform.code"}
        self.langs = sorted(code) if code else ["python", "scala"]
        self.generated = {}   # language -> file
        self.errors = {}      # language -> text (generation, compile or run)
        self.rows = {}        # (language, sink id) -> list of row lines, or an error text
        self.columns = {}     # (language, sink id) -> column names

    def expected(self, sink):
        path = os.path.join(HERE, "expected", f"{self.name}.{sink['id']}.jsonl")
        if not os.path.exists(path):
            return None, path
        with open(path, encoding="utf-8") as f:
            lines = [row_line(json.loads(l)) for l in f if l.strip()]
        return sorted(lines), path


def parse_console(text):
    """The rows of every table show() printed in TEXT, as dicts of strings."""
    rows, header = [], None
    for line in text.splitlines():
        line = line.rstrip()
        if line.startswith("+-"):
            continue
        if not line.startswith("|"):
            header = None if not line.strip() or not line.startswith("|") else header
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if header is None:
            header = cells
        else:
            rows.append(dict(zip(header, cells)))
    return rows


def read_sink(spark, pipeline, sink, run_dir, lang, ctx):
    """What SINK of PIPELINE wrote when run in RUN_DIR: (column names, row lines)."""
    kind, p = sink["kind"], sink.get("params", {})

    def at(path):
        return path if os.path.isabs(path) else os.path.join(run_dir, path)

    if kind == "sink.console":
        text = ctx["console"].get((lang, pipeline.name), "")
        rows = parse_console(text)
        columns = list(rows[0].keys()) if rows else []
        return columns, sorted(row_line(r) for r in rows)
    if kind == "sink.kafka":
        df = (spark.read.format("kafka")
              .option("kafka.bootstrap.servers", ctx["kafka"])
              .option("subscribe", p["topic"])
              .option("startingOffsets", "earliest").load())
        start = ctx["kafka_seen"].get(p["topic"], 0)
        df = df.where(df["offset"] >= start).selectExpr(
            "CAST(key AS STRING) AS key", "CAST(value AS STRING) AS value")
        rows = df.collect()
        ctx["kafka_seen"][p["topic"]] = start + len(rows)
        return df.columns, sorted(row_line(r.asDict(recursive=True)) for r in rows)
    if kind == "sink.jdbc":
        url = p["url"]
        m = re.match(r"jdbc:sqlite:(.*)", url)
        if m:
            # What the database holds, read without Spark's JDBC type mapping (SQLite
            # reports BIGINT columns to it as text).
            db = sqlite3.connect(at(m.group(1)))
            try:
                cursor = db.execute(f'SELECT * FROM "{p["table"]}"')
                columns = [d[0] for d in cursor.description]
                rows = [dict(zip(columns, r)) for r in cursor.fetchall()]
            finally:
                db.close()
            return columns, sorted(row_line(r) for r in rows)
        reader = spark.read.format("jdbc").option("url", url).option("dbtable", p["table"])
        if p.get("driver"):
            reader = reader.option("driver", p["driver"])
        df = reader.load()
    elif kind == "sink.table":
        name = p["table"].split(".")
        location = os.path.join(run_dir, "spark-warehouse",
                                *[n + ".db" for n in name[:-1]], name[-1].lower())
        df = spark.read.format(p.get("format", "parquet")).load(location)
    elif kind == "sink.csv":
        df = (spark.read.option("header", str(p.get("header", False)).lower())
              .option("sep", p.get("sep", ",")).csv(at(p["path"])))
    elif kind in ("sink.json", "sink.parquet", "sink.orc", "sink.delta"):
        fmt = kind.split(".")[1]
        df = spark.read.format(fmt).load(at(p["path"]))
    else:
        raise RuntimeError(f"the harness cannot read {kind} back")
    return df.columns, sorted(row_line(r.asDict(recursive=True)) for r in df.collect())

# }}}

# {{{ Generation


def generate(args, pipelines, lang):
    out = os.path.join(args.work, "gen", lang)
    for p in pipelines:
        if lang not in p.langs:
            continue
        d = os.path.join(out, p.name)
        os.makedirs(d, exist_ok=True)
        proc = subprocess.run([args.cli, "generate", p.path, "--lang", lang, "-o", d],
                              capture_output=True, text=True)
        files = [f for f in os.listdir(d) if f.endswith(".py" if lang == "python" else ".scala")]
        if proc.returncode != 0 or len(files) != 1:
            p.errors[lang] = ("flint-cli generate failed (exit %d): %s" %
                              (proc.returncode, first_lines(proc.stderr + proc.stdout)))
        else:
            p.generated[lang] = os.path.join(d, files[0])

# }}}

# {{{ Run directories, Kafka


def prepare_run_dir(path):
    """A working directory holding a copy of the data, and the SQLite database jdbc reads."""
    shutil.rmtree(path, ignore_errors=True)
    shutil.copytree(os.path.join(HERE, "data"), os.path.join(path, "data"))
    os.makedirs(os.path.join(path, "out"))
    db = sqlite3.connect(os.path.join(path, "data", "shop.sqlite"))
    db.executescript("""
        CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, country TEXT);
        INSERT INTO customers VALUES (1, 'Ada', 'UK'), (2, 'Linus', 'FI'),
                                     (3, 'Grace', 'US'), (4, 'Alan', 'UK');
    """)
    db.commit()
    db.close()
    with open(os.path.join(path, "setup.sql"), "w", encoding="utf-8") as f:
        f.write("\n".join(SETUP_SQL) + "\n")


class KafkaBroker:
    """A single-node KRaft broker in a JVM of its own, on free loopback ports."""

    def __init__(self, work):
        self.dir = os.path.join(work, "kafka")
        self.port = free_port()
        self.controller = free_port()
        self.proc = None

    def start(self):
        cp = os.environ.get("FLINT_KAFKA_CLASSPATH")
        if not cp:
            raise RuntimeError("FLINT_KAFKA_CLASSPATH is not set")
        os.makedirs(self.dir, exist_ok=True)
        props = os.path.join(self.dir, "server.properties")
        with open(props, "w") as f:
            f.write(f"""process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:{self.controller}
listeners=PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller}
advertised.listeners=PLAINTEXT://127.0.0.1:{self.port}
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs={self.dir}/logs
num.partitions=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
""")
        log4j = os.path.join(self.dir, "log4j.properties")
        with open(log4j, "w") as f:
            f.write("log4j.rootLogger=WARN, file\n"
                    "log4j.appender.file=org.apache.log4j.FileAppender\n"
                    f"log4j.appender.file.File={self.dir}/broker.log\n"
                    "log4j.appender.file.layout=org.apache.log4j.PatternLayout\n"
                    "log4j.appender.file.layout.ConversionPattern=%d %p %c %m%n\n")
        java = ["java", "-Xmx512m", f"-Dlog4j.configuration=file:{log4j}", "-cp", cp]
        cluster = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        subprocess.run(java + ["kafka.tools.StorageTool", "format", "-t", cluster, "-c", props],
                       check=True, capture_output=True)
        self.out = open(os.path.join(self.dir, "broker.out"), "w")
        self.proc = subprocess.Popen(java + ["kafka.Kafka", props], stdout=self.out,
                                     stderr=subprocess.STDOUT)
        if not wait_for_port(self.port, 60):
            self.stop()
            raise RuntimeError("the Kafka broker did not start; see " + self.out.name)
        return f"127.0.0.1:{self.port}"

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()

# }}}

# {{{ Python


def spark_conf(run_dir):
    jars = env_glob("FLINT_SPARK_EXTRA_JARS")
    return {
        "spark.master": "local[2]",
        "spark.sql.shuffle.partitions": "2",
        "spark.default.parallelism": "2",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.warehouse.dir": os.path.join(run_dir, "spark-warehouse"),
        "spark.jars": ",".join(jars),
        "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
        "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
        "spark.driver.memory": "1g",
    }


def start_python_spark(run_dir, jvm_stdout):
    """The one SparkSession; its JVM's stdout (console sinks of streams) goes to a file."""
    from pyspark.sql import SparkSession

    os.chdir(run_dir)  # the JVM resolves relative paths against the directory it starts in
    os.environ["PYSPARK_PYTHON"] = sys.executable
    builder = SparkSession.builder.appName("flint-e2e-python")
    for k, v in spark_conf(run_dir).items():
        builder = builder.config(k, v)
    saved = os.dup(1)
    sys.stdout.flush()
    with open(jvm_stdout, "w") as f:
        os.dup2(f.fileno(), 1)
    try:
        spark = builder.getOrCreate()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def await_streams(spark):
    for q in spark.streams.active:
        if not q.awaitTermination(STREAM_TIMEOUT_S):
            q.stop()
            raise RuntimeError(f"the stream {q.name or q.id} did not finish in "
                               f"{STREAM_TIMEOUT_S} s")
        if q.exception() is not None:
            raise RuntimeError(str(q.exception()))


def run_python(spark, pipelines, ctx):
    jvm_out = spark._jvm.System.out
    for p in pipelines:
        if "python" not in p.generated:
            continue
        started = time.time()
        captured = io.StringIO()
        jvm_out.println(f"{MARK} begin {p.name}")
        jvm_out.flush()
        try:
            spec = importlib.util.spec_from_file_location("flint_e2e_" + p.name.replace("-", "_"),
                                                          p.generated["python"])
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            with contextlib.redirect_stdout(captured):
                module.build(spark)
                await_streams(spark)
        except Exception as e:  # a failing pipeline must not stop the others
            p.errors["python"] = "Spark said: " + first_lines(
                "".join(traceback.format_exception_only(type(e), e)), 12)
        finally:
            for q in spark.streams.active:
                q.stop()
        jvm_out.println(f"{MARK} end {p.name}")
        jvm_out.flush()
        ctx["console"][("python", p.name)] = captured.getvalue()
        ctx["elapsed"][("python", p.name)] = time.time() - started


def jvm_segments(path):
    """Text the JVM printed between the begin and end marks of each pipeline."""
    segments, current, buf = {}, None, []
    if not os.path.exists(path):
        return segments
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith(MARK + " begin "):
                current, buf = line.split()[2], []
            elif line.startswith(MARK + " end ") and current:
                segments[current] = "".join(buf)
                current = None
            elif line.startswith(MARK + " error ") and current:
                segments.setdefault("@errors", {})[current] = line.split(" ", 3)[3]
            elif current:
                buf.append(line)
    return segments

# }}}

# {{{ Scala


SCALA_HARNESS = """\
// Generated by tests/e2e/run_e2e.py: runs each generated build(spark) on one session.
import org.apache.spark.sql.SparkSession
import scala.io.Source

object FlintE2EHarness {
  val runs: Seq[(String, SparkSession => Any)] = Seq(
%(runs)s
  )

  def main(args: Array[String]): Unit = {
    val spark = SparkSession.builder().appName("flint-e2e-scala").getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    for (stmt <- Source.fromFile("setup.sql").getLines() if stmt.trim.nonEmpty)
      spark.sql(stmt)
    for ((name, build) <- runs) {
      println("%(mark)s begin " + name)
      val started = System.nanoTime()
      try {
        build(spark)
        for (q <- spark.streams.active) {
          if (!q.awaitTermination(%(timeout)d * 1000L)) {
            q.stop()
            throw new RuntimeException("the stream did not finish in %(timeout)d s")
          }
          q.exception.foreach(e => throw e)
        }
      } catch {
        case e: Throwable =>
          val text = String.valueOf(e).replace('\\n', ' ')
          println("%(mark)s error " + name + " " + text)
      } finally {
        spark.streams.active.foreach(_.stop())
      }
      println("%(mark)s end " + name)
      System.out.flush()
      Console.out.flush()
      System.err.println("%(mark)s " + name + " took " + (System.nanoTime() - started) / 1000000 + " ms")
    }
    spark.stop()
  }
}
"""


def scala_object(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    pkg = re.search(r"^package\s+([\w.]+)", text, re.M)
    obj = re.search(r"^object\s+(\w+)", text, re.M)
    if not obj:
        return None
    return (pkg.group(1) + "." if pkg else "") + obj.group(1)


def scalac(sources, out_jar, log):
    classpath = env_glob("FLINT_SPARK_JARS") + env_glob("FLINT_SPARK_EXTRA_JARS")
    compiler = env_glob("FLINT_SCALA_CLASSPATH")
    cmd = (["java", "-Xss8m", "-Xmx1500m", "-cp", ":".join(compiler), "scala.tools.nsc.Main",
            "-nowarn", "-classpath", ":".join(classpath), "-d", out_jar] + sources)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    with open(log, "a", encoding="utf-8") as f:
        f.write(proc.stdout + proc.stderr)
    return proc.returncode == 0, proc.stdout + proc.stderr


def run_scala(args, pipelines, run_dir, ctx):
    build_dir = os.path.join(args.work, "scala-build")
    os.makedirs(build_dir, exist_ok=True)
    candidates = {}
    for p in pipelines:
        if "scala" not in p.generated:
            continue
        obj = scala_object(p.generated["scala"])
        if obj is None:
            p.errors["scala"] = "no object in the generated Scala"
        else:
            candidates[p.name] = (p, obj)

    # One scalac run for all; if some files do not compile, leave them out and compile again.
    log = os.path.join(build_dir, "scalac.log")
    jar = os.path.join(build_dir, "e2e.jar")
    started = time.time()
    for attempt in range(3):
        harness = os.path.join(build_dir, "FlintE2EHarness.scala")
        runs = ",\n".join(f'    ("{name}", (s: SparkSession) => {obj}.build(s))'
                          for name, (p, obj) in sorted(candidates.items()))
        with open(harness, "w", encoding="utf-8") as f:
            f.write(SCALA_HARNESS % {"runs": runs, "mark": MARK, "timeout": STREAM_TIMEOUT_S})
        sources = [p.generated["scala"] for p, _ in candidates.values()] + [harness]
        ok, output = scalac(sources, jar, log)
        if ok:
            break
        bad = set()
        for name, (p, obj) in candidates.items():
            errors = [l for l in output.splitlines() if l.startswith(p.generated["scala"] + ":")
                      and "error" in l]
            if errors:
                idx = output.find(errors[0])
                p.errors["scala"] = "scalac: " + first_lines(output[idx:], 8)
                bad.add(name)
        if not bad:
            for p, _ in candidates.values():
                p.errors["scala"] = "scalac failed: " + first_lines(output, 8)
            return
        for name in bad:
            del candidates[name]
    else:
        return
    ctx["scalac_seconds"] = time.time() - started

    conf = spark_conf(run_dir)
    submit = os.path.join(os.path.dirname(os.environ.get("FLINT_PYTHON", sys.executable)),
                          "spark-submit")
    cmd = [submit, "--class", "FlintE2EHarness"]
    for k, v in conf.items():
        if k == "spark.master":
            cmd += ["--master", v]
        elif k == "spark.jars":
            cmd += ["--jars", v]
        else:
            cmd += ["--conf", f"{k}={v}"]
    cmd.append(jar)
    stdout = os.path.join(args.work, "scala-stdout.log")
    stderr = os.path.join(args.work, "scala-stderr.log")
    with open(stdout, "w") as out, open(stderr, "w") as err:
        proc = subprocess.run(cmd, cwd=run_dir, stdout=out, stderr=err)
    segments = jvm_segments(stdout)
    errors = segments.pop("@errors", {})
    with open(stderr, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = re.match(MARK + r" (\S+) took (\d+) ms", line)
            if m:
                ctx["elapsed"][("scala", m.group(1))] = int(m.group(2)) / 1000
    for name, (p, obj) in candidates.items():
        if name in errors:
            p.errors["scala"] = "Spark said: " + errors[name].strip()[:1500]
        elif name not in segments:
            p.errors["scala"] = ("the Scala harness did not run it (exit %d); see %s" %
                                 (proc.returncode, stderr))
        ctx["console"][("scala", name)] = segments.get(name, "")

# }}}

# {{{ Checking


def collect(spark, pipelines, lang, run_dir, ctx):
    for p in pipelines:
        if lang in p.errors or lang not in p.generated:
            continue
        for sink in p.sinks:
            try:
                cols, rows = read_sink(spark, p, sink, run_dir, lang, ctx)
                p.rows[(lang, sink["id"])] = rows
                p.columns[(lang, sink["id"])] = cols
            except Exception as e:
                p.rows[(lang, sink["id"])] = ("could not read what it wrote: " +
                                              first_lines(str(e), 4))


def diff(expected, got):
    missing = list(expected)
    extra = []
    for line in got:
        if line in missing:
            missing.remove(line)
        else:
            extra.append(line)
    out = [f"      - {l}" for l in missing[:20]] + [f"      + {l}" for l in extra[:20]]
    if len(missing) > 20 or len(extra) > 20:
        out.append("      ...")
    return "\n".join(out)


def verdict(p, lang):
    """None when LANG's run of P wrote the expected rows, else why not."""
    if lang not in p.generated or lang in p.errors:
        return p.errors.get(lang, "not generated")
    problems = []
    for sink in p.sinks:
        expected, path = p.expected(sink)
        got = p.rows.get((lang, sink["id"]))
        if expected is None:
            problems.append(f"no expected rows: {os.path.relpath(path, HERE)}")
        elif isinstance(got, str):
            problems.append(f"sink {sink['id']}: {got}")
        elif got != expected:
            problems.append(f"sink {sink['id']} ({sink['kind']}) wrote {len(got)} rows, "
                            f"expected {len(expected)} (- expected, + written):\n" +
                            diff(expected, got))
    return "\n".join(problems) or None


def same_rows(p):
    """None when Python and Scala wrote the same rows with the same columns."""
    for sink in p.sinks:
        key_py, key_sc = ("python", sink["id"]), ("scala", sink["id"])
        if p.columns.get(key_py) != p.columns.get(key_sc):
            return (f"sink {sink['id']}: columns differ: python {p.columns.get(key_py)}, "
                    f"scala {p.columns.get(key_sc)}")
        if p.rows.get(key_py) != p.rows.get(key_sc):
            return (f"sink {sink['id']}: Python and Scala rows differ (- python, + scala):\n" +
                    diff(p.rows.get(key_py), p.rows.get(key_sc)))
    return None

# }}}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", required=True, help="the flint-cli executable")
    parser.add_argument("--work", help="where to generate and run (default: a temp dir)")
    parser.add_argument("--lang", action="append", choices=["python", "scala"])
    parser.add_argument("names", nargs="*", help="only these pipelines")
    args = parser.parse_args()
    langs = args.lang or ["python", "scala"]
    args.cli = os.path.abspath(args.cli)
    for var in ("FLINT_SPARK_JARS", "FLINT_SCALA_CLASSPATH", "FLINT_SPARK_EXTRA_JARS"):
        if not os.environ.get(var):
            print(f"run_e2e.py: {var} is not set (run tests/e2e/toolchain.sh)", file=sys.stderr)
            return 2

    keep = args.work is not None
    args.work = os.path.abspath(args.work or tempfile.mkdtemp(prefix="flint-e2e-"))
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(os.path.join(args.work, "pipelines"))
    started = time.time()

    paths = sorted(glob.glob(os.path.join(HERE, "pipelines", "*.flint.yaml")))
    pipelines = [Pipeline(path, args.work) for path in paths]
    if args.names:
        pipelines = [p for p in pipelines if p.name in args.names]

    ctx = {"console": {}, "elapsed": {}, "kafka_seen": {}, "kafka": None}
    broker = None
    try:
        if any("@KAFKA_BOOTSTRAP@" in open(p.source).read() for p in pipelines):
            broker = KafkaBroker(args.work)
            ctx["kafka"] = broker.start()
            print(f"Kafka broker on {ctx['kafka']}", flush=True)
        for p in pipelines:
            with open(p.source, encoding="utf-8") as f:
                text = f.read().replace("@KAFKA_BOOTSTRAP@", ctx["kafka"] or "")
            with open(p.path, "w", encoding="utf-8") as f:
                f.write(text)

        for lang in langs:
            generate(args, pipelines, lang)

        run_py = os.path.join(args.work, "run-python")
        run_sc = os.path.join(args.work, "run-scala")
        prepare_run_dir(run_py)
        prepare_run_dir(run_sc)
        spark = start_python_spark(run_py, os.path.join(args.work, "python-jvm-stdout.log"))
        for stmt in SETUP_SQL:
            spark.sql(stmt)
        if ctx["kafka"]:
            # The kafka source reads this topic; both languages read it from the start.
            (spark.read.json("data/clicks.jsonl")
             .selectExpr("user AS key", "to_json(struct(*)) AS value")
             .write.format("kafka").option("kafka.bootstrap.servers", ctx["kafka"])
             .option("topic", "e2e-clicks").save())
        print(f"Generated and started Spark in {time.time() - started:.0f} s", flush=True)

        if "python" in langs:
            t = time.time()
            run_python(spark, pipelines, ctx)
            segments = jvm_segments(os.path.join(args.work, "python-jvm-stdout.log"))
            for p in pipelines:
                ctx["console"][("python", p.name)] = (ctx["console"].get(("python", p.name), "") +
                                                       segments.get(p.name, ""))
            collect(spark, pipelines, "python", run_py, ctx)
            print(f"Python: ran {len(pipelines)} pipelines in {time.time() - t:.0f} s", flush=True)
        if "scala" in langs:
            t = time.time()
            run_scala(args, pipelines, run_sc, ctx)
            collect(spark, pipelines, "scala", run_sc, ctx)
            print(f"Scala: compiled in {ctx.get('scalac_seconds', 0):.0f} s, compiled and ran "
                  f"in {time.time() - t:.0f} s", flush=True)
        spark.stop()
    finally:
        if broker:
            broker.stop()

    # Passes first, failures last: meson's --print-errorlogs shows the end of the output.
    passes, failures = [], []
    for p in pipelines:
        for lang in [l for l in langs if l in p.langs]:
            why = verdict(p, lang)
            took = ctx["elapsed"].get((lang, p.name))
            timing = f" ({took:.1f} s)" if took is not None else ""
            if why is None:
                passes.append(f"ok   {p.name} [{lang}]{timing}")
            else:
                failures.append(f"FAIL {p.name} [{lang}]{timing}: {why}")
        if len(langs) == 2 and len(p.langs) == 2 and verdict(p, "python") is None and verdict(p, "scala") is None:
            why = same_rows(p)
            if why is None:
                passes.append(f"ok   {p.name} [python == scala]")
            else:
                failures.append(f"FAIL {p.name} [python == scala]: {why}")
    passed, failed = len(passes), len(failures)
    print()
    print("\n".join(passes + failures))

    print(f"\nKinds covered: {len({k for p in pipelines for k in p.kinds})}; "
          f"whole run {time.time() - started:.0f} s; work directory {args.work}"
          + ("" if keep or failed else " (removed)"))
    if not keep and failed == 0:
        shutil.rmtree(args.work, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
