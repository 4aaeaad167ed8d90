#!/usr/bin/env python3
"""make_expected.py: the rows each e2e pipeline must write, computed without Flint.

Each pipeline's expected output is written here by hand as Spark SQL (or a DataFrame call
where SQL has no equivalent) over the same sample data, so that a mistake in the generated
code cannot hide in its own expectations. Run once, when a pipeline or the data changes,
with the toolchain's variables set; its output (expected/*.jsonl) is committed and reviewed.

SPDX-License-Identifier: GPL-3.0-or-later
"""

import glob
import io
import json
import os
import sys
import tempfile
import contextlib

from pyspark.sql import SparkSession

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run_e2e  # noqa: E402  (canonical rows and the console parser only)

PEOPLE = "id BIGINT, name STRING, age INT, country STRING, city STRING, tags ARRAY<STRING>"
ORDERS = "order_id BIGINT, customer_id BIGINT, amount DECIMAL(10,2), order_date DATE, status STRING"

work = tempfile.mkdtemp(prefix="flint-e2e-expected-")
run_e2e.prepare_run_dir(work)
os.chdir(work)
spark = (SparkSession.builder.master("local[2]")
         .config("spark.sql.shuffle.partitions", "2")
         .config("spark.ui.enabled", "false")
         .config("spark.sql.session.timeZone", "UTC")
         .config("spark.jars", ",".join(glob.glob(os.environ["FLINT_SPARK_EXTRA_JARS"])))
         .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
         .config("spark.sql.catalog.spark_catalog",
                 "org.apache.spark.sql.delta.catalog.DeltaCatalog")
         .getOrCreate())
spark.sparkContext.setLogLevel("ERROR")

spark.read.schema(PEOPLE).parquet("data/people.parquet").createOrReplaceTempView("people")
spark.read.schema(ORDERS).option("header", True).csv("data/orders.csv") \
    .createOrReplaceTempView("orders")
spark.read.json("data/clicks.jsonl").createOrReplaceTempView("clicks")

SQL = {
    "source-csv.written": "SELECT * FROM orders",
    "source-json.written": "SELECT * FROM people",
    "source-parquet.written": "SELECT * FROM people",
    "source-orc.written": "SELECT * FROM people",
    "source-avro.written": "SELECT * FROM people",
    "source-text.written": "SELECT * FROM VALUES ('the quick brown fox'), ('jumps over'), "
                           "('the lazy dog') AS t(value)",
    "source-delta.written": "SELECT * FROM people",  # version 0: before Margaret
    "source-table.written": "SELECT * FROM people",
    "source-jdbc.written": "SELECT * FROM VALUES (1, 'Ada', 'UK'), (2, 'Linus', 'FI'), "
                           "(3, 'Grace', 'US'), (4, 'Alan', 'UK') AS t(id, name, country)",
    "source-kafka.written": "SELECT user, page FROM clicks",
    "source-rows.written": "SELECT * FROM VALUES ('Mercury', 0, 0.39D), ('Earth', 1, 1.0D), "
                           "('Mars', 2, 1.52D) AS t(name, moons, au)",
    "transform-select.written": "SELECT id, name AS full_name, CAST(age AS STRING) AS age_text "
                                "FROM people",
    "transform-filter.written": "SELECT * FROM people WHERE age >= 18",
    "transform-derive.written": "SELECT *, upper(name) AS name_upper, floor(age / 10) * 10 AS "
                                "decade, size(tags) AS n_tags FROM people",
    "transform-drop.written": "SELECT id, name, age, country FROM people",
    "transform-join.written": "SELECT * FROM orders o LEFT JOIN people p ON o.customer_id = p.id",
    "transform-aggregate.written": "SELECT country, count(*) AS people, max(age) AS oldest, "
                                   "avg(age) AS mean_age FROM people GROUP BY country",
    "transform-window.written": "SELECT *, row_number() OVER (PARTITION BY country ORDER BY age "
                                "DESC) AS age_rank FROM people",
    "transform-union.written": "SELECT * FROM people UNION ALL SELECT 10L, 'Zed', NULL, NULL, "
                              "NULL, NULL",
    "transform-distinct.written": "SELECT * FROM VALUES ('red', 1), ('blue', 1), ('red', 2) "
                                  "AS t(colour, n)",
    "transform-deduplicate.written":
        "SELECT id, name, age, country, city, tags FROM (SELECT *, row_number() OVER "
        "(PARTITION BY country ORDER BY age DESC) AS r FROM people) WHERE r = 1",
    "transform-sort.written": "SELECT * FROM people ORDER BY age DESC NULLS LAST, id LIMIT 2",
    "transform-limit.written": "SELECT id, id * id AS square FROM range(2)",
    "transform-fill_nulls.written": "SELECT id, name, age, country, coalesce(city, 'unknown') AS "
                                    "city, tags FROM people",
    "transform-drop_nulls.written": "SELECT * FROM people WHERE age IS NOT NULL AND city IS NOT "
                                    "NULL",
    "transform-pivot.written":
        "SELECT customer_id, sum(IF(status = 'paid', amount, NULL)) AS paid, "
        "sum(IF(status = 'refunded', amount, NULL)) AS refunded FROM orders GROUP BY customer_id",
    "transform-explode.written": "SELECT *, posexplode(tags) AS (pos, tag) FROM people",
    "transform-sql.written": "SELECT p.name, sum(o.amount) AS spent, count(*) AS orders FROM "
                             "orders o JOIN people p ON o.customer_id = p.id GROUP BY p.name",
    "transform-repartition.written": "SELECT * FROM people",
    "transform-cache.written": "SELECT * FROM people WHERE age >= 18",
    "transform-quality.passed": "SELECT * FROM people WHERE country IN ('UK', 'US', 'NL')",
    "transform-quality.quarantined": "SELECT *, array('known_country') AS failed_expectations "
                                     "FROM people WHERE country NOT IN ('UK', 'US', 'NL')",
    "transform-code-python.written": "SELECT id, name FROM people WHERE age > 40",
    "transform-code-scala.written": "SELECT id, name FROM people WHERE age > 40",
    # A CSV file holds text: read back, every value is a string.
    "sink-csv.written": "SELECT CAST(order_id AS STRING) AS order_id, CAST(customer_id AS "
                        "STRING) AS customer_id, CAST(amount AS STRING) AS amount, "
                        "CAST(order_date AS STRING) AS order_date, status FROM orders",
    "sink-json.written": "SELECT * FROM people",
    "sink-parquet.written": "SELECT * FROM people",
    "sink-orc.written": "SELECT * FROM people",
    "sink-delta.written": "SELECT * FROM people",
    "sink-table.written": "SELECT * FROM people",
    "sink-jdbc.written": "SELECT id, name, age, country, city FROM people",
    "sink-kafka.written": "SELECT CAST(id AS STRING) AS key, to_json(struct(name, age)) AS value "
                          "FROM people",
}


def write(key, rows):
    path = os.path.join(HERE, "expected", key + ".jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for line in sorted(run_e2e.row_line(r) for r in rows):
            f.write(line + "\n")


for key, sql in SQL.items():
    write(key, [r.asDict(recursive=True) for r in spark.sql(sql).collect()])

# A seeded sample: the same call on the same single-file input picks the same rows.
write("transform-sample.written",
      [r.asDict(recursive=True) for r in
       spark.table("people").sample(withReplacement=False, fraction=0.5, seed=7).collect()])

# What show() prints, parsed back the way the harness parses a console sink.
out = io.StringIO()
with contextlib.redirect_stdout(out):
    spark.sql("SELECT * FROM people WHERE age >= 18").show(20, truncate=False)
write("sink-console.shown", run_e2e.parse_console(out.getvalue()))

# The streaming aggregation, run as a stream to the end of the files: the one batch reads
# everything (watermark then 10:21 - 5 min), and the closing no-data batch emits the
# windows that end by 10:16. The 10:20 window stays open, so it is not written.
stream = (spark.readStream.schema("user STRING, page STRING, ts TIMESTAMP")
          .option("timestampFormat", "yyyy-MM-dd HH:mm:ss").json("data/clicks/")
          .withWatermark("ts", "5 minutes")
          .groupBy(__import__("pyspark.sql.functions", fromlist=["window"]).window("ts", "5 minutes")
                   .alias("slot"), "page").count()
          .selectExpr("page", "count AS views", "slot.start AS slot_start"))
q = (stream.writeStream.format("parquet").option("path", "out/expected-watermark")
     .option("checkpointLocation", "out/expected-watermark-chk").trigger(availableNow=True)
     .start())
q.awaitTermination()
write("transform-watermark.written",
      [r.asDict(recursive=True) for r in spark.read.parquet("out/expected-watermark").collect()])
spark.stop()
print("wrote", len(SQL) + 3, "expected files")
