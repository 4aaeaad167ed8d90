# flint-preview-worker.py: the designer's preview worker
#
# One long-lived local SparkSession behind a JSON-lines protocol on stdin/stdout, so that
# previewing a node costs a few Spark jobs, not a JVM start. Flint (runtime/flint-preview.c)
# starts it with `python -c` and sends requests, one JSON object a line:
#
#   {"id": 1, "op": "preview", "code": MODULE, "cwd": DIR, "target": NODE, "port": PORT,
#    "limit": ROWS, "conf": {...}, "steps": [STEP, ...]}      steps in the plan's order
#   {"id": 1, "op": "cancel"}                                  stops request 1's Spark jobs
#   {"op": "quit"}
#
# STEP: {"node", "function", "kind", "category", "spark" (the function takes spark first),
# "inputs": [[NODE, PORT], ...], "outputs": [PORT, ...], "hash", "sample": {rows, fraction,
# seed} (sources), "rows": [...] and "schema": [[NAME, TYPE], ...] (a source's test rows),
# "quality": fail|drop|quarantine, "streaming" (a streaming source)}.
#
# Each node's outputs are persisted and counted under the step's hash (its generated code,
# its sampling and its inputs' hashes, computed by Flint): a request runs only the steps
# whose hash is not cached yet and reports them in "executed"; the others are "reused".
# It answers {"event": "ready"} once, then one line per request:
#   {"id", "ok": true, "columns": [...], "rows": [[...]], "count", "executed", "reused",
#    "outputs": {NODE: {PORT: COUNT}}, "quality": {NODE: {...}}, "elapsed_ms"}
#   {"id", "ok": false, "node": NODE or null, "message", "detail", "cancelled", ...}
#
# SPDX-License-Identifier: GPL-3.0-or-later

import collections
import datetime
import decimal
import json
import os
import queue
import sys
import threading
import time
import traceback

CACHE_LIMIT = 256
DETAIL_LIMIT = 4000

_out = sys.stdout
_out_lock = threading.Lock()
# pyspark and py4j print to stdout now and then: the protocol keeps the real one.
sys.stdout = sys.stderr


def send(message):
    with _out_lock:
        _out.write(json.dumps(message, ensure_ascii=False, allow_nan=False) + "\n")
        _out.flush()


class Cancelled(Exception):
    pass


class NodeError(Exception):
    def __init__(self, node, message, detail=""):
        super().__init__(message)
        self.node = node
        self.message = message
        self.detail = detail


def spark_message(error):
    """The first paragraph of Spark's message, without the JVM stack trace."""
    text = str(error).strip()
    for cut in ("\nJVM stacktrace:", "\n\tat ", "\nStack trace:"):
        where = text.find(cut)
        if where > 0:
            text = text[:where]
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    if not lines:
        return type(error).__name__
    first = lines[0]
    # An analysis error names its condition and then the plan: keep the sentence.
    if len(first) > 600:
        first = first[:600] + "…"
    return first


def cell(value):
    """A value as the table shows it: text, or None for null."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:
            return "NaN"
        return repr(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, decimal.Decimal, int, str)):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return "0x" + bytes(value).hex()
    return json.dumps(plain(value), ensure_ascii=False, default=str)


def plain(value):
    if hasattr(value, "asDict"):
        return {k: plain(v) for k, v in value.asDict().items()}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    return cell(value)


class Worker:
    def __init__(self):
        self.spark = None
        self.cache = collections.OrderedDict()  # hash -> {"frames": [...], "counts": {...}, ...}
        self.current = None
        self.cancelled = set()
        self.lock = threading.Lock()

    # The session {{{

    def session(self):
        if self.spark is None:
            from pyspark.sql import SparkSession

            builder = (
                SparkSession.builder.appName("flint-preview")
                .master(os.environ.get("FLINT_PREVIEW_MASTER", "local[2]"))
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.default.parallelism", "2")
                .config("spark.sql.adaptive.enabled", "true")
                .config("spark.driver.memory", os.environ.get("FLINT_PREVIEW_MEMORY", "1g"))
                .config("spark.sql.session.timeZone", "UTC")
            )
            self.spark = builder.getOrCreate()
            self.spark.sparkContext.setLogLevel("ERROR")
        return self.spark

    # }}}

    def cancel(self, request_id):
        with self.lock:
            self.cancelled.add(request_id)
            running = self.current == request_id
        if running and self.spark is not None:
            self.spark.sparkContext.cancelJobGroup("flint-preview-%s" % request_id)

    def check(self, request_id):
        with self.lock:
            if request_id in self.cancelled:
                raise Cancelled()

    def evict(self, keep):
        while len(self.cache) > CACHE_LIMIT:
            for key in self.cache:
                if key not in keep:
                    entry = self.cache.pop(key)
                    for frame in entry["frames"]:
                        try:
                            frame.unpersist()
                        except Exception:
                            pass
                    break
            else:
                return

    def sample_frame(self, spark, step):
        """A source's test rows as a DataFrame of its declared columns."""
        from pyspark.sql import functions as F
        from pyspark.sql.types import StringType, StructField, StructType

        schema = step.get("schema") or []
        names = [name for name, _ in schema]
        if not names:
            for row in step["rows"]:
                for key in row:
                    if key not in names:
                        names.append(key)
            schema = [[name, "string"] for name in names]
        text_rows = []
        for row in step["rows"]:
            values = []
            for name in names:
                value = row.get(name) if isinstance(row, dict) else None
                if value is None:
                    values.append(None)
                elif isinstance(value, bool):
                    values.append("true" if value else "false")
                elif isinstance(value, (dict, list)):
                    values.append(json.dumps(value))
                else:
                    values.append(str(value))
            text_rows.append(values)
        raw = spark.createDataFrame(
            text_rows, StructType([StructField("_c%d" % i, StringType()) for i in range(len(names))])
        )
        columns = []
        for i, (name, kind) in enumerate(schema):
            column = F.col("_c%d" % i)
            lowered = kind.lower()
            if lowered.startswith(("array", "map", "struct")):
                column = F.from_json(column, kind)
            elif lowered not in ("string",):
                column = column.cast(kind)
            columns.append(column.alias(name))
        return raw.select(*columns)

    def run_step(self, spark, namespace, step, frames):
        node = step["node"]
        function = namespace.get(step["function"])
        if step["category"] == "source":
            if step.get("rows") is not None:
                return [self.sample_frame(spark, step)]
            if step.get("streaming"):
                raise NodeError(
                    node,
                    "a streaming source has no sample to preview: give it test rows",
                )
            frame = function(spark)
            sample = step.get("sample") or {}
            if sample.get("fraction"):
                frame = frame.sample(False, float(sample["fraction"]), int(sample.get("seed", 42)))
            if sample.get("rows"):
                frame = frame.limit(int(sample["rows"]))
            return [frame]

        args = []
        if step.get("spark"):
            args.append(spark)
        for from_node, port in step["inputs"]:
            args.append(frames[(from_node, port)])
        result = function(*args)
        if isinstance(result, tuple):
            return list(result)
        return [result]

    def preview(self, request):
        request_id = request.get("id")
        started = time.monotonic()
        spark = self.session()
        context = spark.sparkContext
        context.setJobGroup("flint-preview-%s" % request_id, "Flint preview", True)
        for key, value in (request.get("conf") or {}).items():
            try:
                spark.conf.set(key, str(value))
            except Exception:
                pass  # static settings cannot change in a running session

        namespace = {"__name__": "flint_preview_pipeline"}
        old_cwd = os.getcwd()
        executed, reused = [], []
        outputs, quality = {}, {}
        frames = {}
        current = None
        try:
            if request.get("cwd"):
                os.chdir(request["cwd"])
            exec(compile(request["code"], "<pipeline>", "exec"), namespace)
            for step in request["steps"]:
                self.check(request_id)
                node = current = step["node"]
                entry = self.cache.get(step["hash"])
                if entry is not None:
                    self.cache.move_to_end(step["hash"])
                    reused.append(node)
                else:
                    try:
                        produced = self.run_step(spark, namespace, step, frames)
                    except NodeError:
                        raise
                    except Exception as error:
                        self.check(request_id)
                        if step.get("quality") == "fail" and isinstance(error, RuntimeError):
                            quality[node] = {"mode": "fail", "message": str(error)}
                        raise NodeError(node, spark_message(error), str(error)[:DETAIL_LIMIT])
                    counts = {}
                    persisted = []
                    for port, frame in zip(step["outputs"], produced):
                        frame = frame.persist()
                        persisted.append(frame)
                        try:
                            counts[port] = frame.count()
                        except Exception as error:
                            self.check(request_id)
                            for done in persisted:
                                done.unpersist()
                            raise NodeError(node, spark_message(error), str(error)[:DETAIL_LIMIT])
                    entry = {"frames": persisted, "counts": counts}
                    self.cache[step["hash"]] = entry
                    executed.append(node)
                for port, frame in zip(step["outputs"], entry["frames"]):
                    frames[(node, port)] = frame
                outputs[node] = dict(entry["counts"])
                if step.get("quality") in ("drop", "quarantine") and step["inputs"]:
                    # What came in and did not go out: the generated code need not
                    # compute the quarantine of a node that drops.
                    from_node, from_port = step["inputs"][0]
                    came = outputs.get(from_node, {}).get(from_port, 0)
                    passed = entry["counts"].get(step["outputs"][0], 0)
                    quality[node] = {"mode": step["quality"], "passed": passed, "failed": came - passed}

            self.check(request_id)
            current = request["target"]
            frame = frames[(request["target"], request["port"])]
            limit = int(request.get("limit") or 100)
            # The same node unchanged: its rows and statistics are those of last time.
            target = [s for s in request["steps"] if s["node"] == request["target"]][-1]
            described = self.cache[target["hash"]].setdefault("described", {})
            key = (request["port"], limit)
            if key not in described:
                described[key] = self.describe(frame, limit)
            result = dict(described[key])
            self.check(request_id)
        except Cancelled:
            return {"id": request_id, "ok": False, "cancelled": True, "node": None,
                    "message": "cancelled", "executed": executed, "reused": reused}
        except NodeError as error:
            return {"id": request_id, "ok": False, "node": error.node, "message": error.message,
                    "detail": error.detail, "executed": executed, "reused": reused,
                    "outputs": outputs, "quality": quality,
                    "cancelled": request_id in self.cancelled}
        except Exception as error:
            return {"id": request_id, "ok": False, "node": current, "message": spark_message(error),
                    "detail": traceback.format_exc()[-DETAIL_LIMIT:], "executed": executed,
                    "reused": reused, "outputs": outputs, "quality": quality,
                    "cancelled": request_id in self.cancelled}
        finally:
            os.chdir(old_cwd)
            self.evict({step["hash"] for step in request["steps"]})

        result.update({
            "id": request_id,
            "ok": True,
            "node": request["target"],
            "executed": executed,
            "reused": reused,
            "outputs": outputs,
            "quality": quality,
            "elapsed_ms": int((time.monotonic() - started) * 1000),
        })
        return result

    def describe(self, frame, limit):
        """Rows, column types and per-column statistics of a (cached) frame."""
        from pyspark.sql import functions as F
        from pyspark.sql.types import (ArrayType, BinaryType, MapType, StructType)

        fields = frame.schema.fields
        count = frame.count()
        aggregates = []
        for i, field in enumerate(fields):
            column = F.col("`%s`" % field.name.replace("`", "``"))
            aggregates.append(F.sum(F.when(column.isNull(), 1).otherwise(0)).alias("n%d" % i))
            simple = not isinstance(field.dataType, (ArrayType, MapType, StructType, BinaryType))
            if simple:
                aggregates.append(F.min(column).alias("lo%d" % i))
                aggregates.append(F.max(column).alias("hi%d" % i))
                aggregates.append(F.approx_count_distinct(column).alias("d%d" % i))
        stats = frame.agg(*aggregates).collect()[0].asDict() if aggregates else {}
        columns = []
        for i, field in enumerate(fields):
            columns.append({
                "name": field.name,
                "type": field.dataType.simpleString(),
                "nulls": int(stats.get("n%d" % i) or 0),
                "min": cell(stats.get("lo%d" % i)),
                "max": cell(stats.get("hi%d" % i)),
                "distinct": stats.get("d%d" % i),
            })
        rows = [[cell(value) for value in row] for row in frame.limit(limit).collect()]
        return {"columns": columns, "rows": rows, "count": count}


def main():
    worker = Worker()
    requests = queue.Queue()

    def serve():
        while True:
            request = requests.get()
            if request is None:
                return
            with worker.lock:
                worker.current = request.get("id")
                skip = request.get("id") in worker.cancelled
            if skip:
                answer = {"id": request.get("id"), "ok": False, "cancelled": True, "node": None,
                          "message": "cancelled", "executed": [], "reused": []}
            else:
                try:
                    answer = worker.preview(request)
                except Exception as error:  # the session itself failed to start
                    answer = {"id": request.get("id"), "ok": False, "node": None,
                              "message": spark_message(error),
                              "detail": traceback.format_exc()[-DETAIL_LIMIT:]}
            with worker.lock:
                worker.current = None
                worker.cancelled.discard(request.get("id"))
            send(answer)

    # Requests run one at a time on a thread of their own, so a cancel can arrive meanwhile.
    thread = threading.Thread(target=serve, name="flint-preview", daemon=True)
    thread.start()
    send({"event": "ready", "pid": os.getpid()})
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            message = json.loads(line)
        except ValueError:
            send({"event": "error", "message": "not JSON: " + line[:200]})
            continue
        op = message.get("op")
        if op == "preview":
            requests.put(message)
        elif op == "cancel":
            worker.cancel(message.get("id"))
        elif op == "quit":
            break
    requests.put(None)
    thread.join(timeout=30)
    if worker.spark is not None:
        worker.spark.stop()


if __name__ == "__main__":
    main()
