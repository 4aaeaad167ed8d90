#!/usr/bin/env python3
"""make_data.py: writes the binary sample data (Parquet, ORC, Avro, Delta) from people.jsonl.

Run once, with the toolchain's variables set, when the sample data changes; its output is
committed, so the suite never runs this.

SPDX-License-Identifier: GPL-3.0-or-later
"""

import glob
import os
import shutil

from pyspark.sql import SparkSession

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
PEOPLE_SCHEMA = ("id BIGINT, name STRING, age INT, country STRING, city STRING, "
                 "tags ARRAY<STRING>")

jars = sorted(glob.glob(os.environ["FLINT_SPARK_EXTRA_JARS"]))
spark = (SparkSession.builder.master("local[1]")
         .config("spark.jars", ",".join(jars))
         .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
         .config("spark.sql.catalog.spark_catalog",
                 "org.apache.spark.sql.delta.catalog.DeltaCatalog")
         .config("spark.sql.session.timeZone", "UTC")
         .getOrCreate())

people = spark.read.schema(PEOPLE_SCHEMA).json(os.path.join(DATA, "people.jsonl")).coalesce(1)
for fmt in ("parquet", "orc", "avro"):
    target = os.path.join(DATA, f"people.{fmt}")
    shutil.rmtree(target, ignore_errors=True)
    people.write.format(fmt).option("compression", "uncompressed").save(target)

# Two versions: 0 holds the six people, 1 adds a seventh (source.delta reads version 0).
target = os.path.join(DATA, "people.delta")
shutil.rmtree(target, ignore_errors=True)
people.write.format("delta").save(target)
spark.sql("SELECT 7L AS id, 'Margaret' AS name, 34 AS age, 'US' AS country, "
          "'Boston' AS city, array('apollo') AS tags").write.format("delta") \
    .mode("append").save(target)

# Spark's checksums and success markers are noise in the repository.
for top in glob.glob(os.path.join(DATA, "people.*")):
    for root, dirs, files in os.walk(top):
        for base in files:
            if base.endswith(".crc") or base == "_SUCCESS":
                os.remove(os.path.join(root, base))
spark.stop()
