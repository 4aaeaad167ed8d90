#!/usr/bin/env bash
# toolchain.sh: installs what the e2e suite runs generated code with, and prints where.
#
#   tests/e2e/toolchain.sh     install what is missing, then print KEY=VALUE lines:
#     FLINT_PYTHON             a venv's python with pyspark (Spark itself: its jars)
#     FLINT_SPARK_JARS         pyspark's jars directory
#     FLINT_SCALA_CLASSPATH    the Scala compiler's classpath (a glob java -cp takes)
#     FLINT_SPARK_EXTRA_JARS   Avro, Delta, Kafka connector, SQLite JDBC (a glob)
#     FLINT_KAFKA_CLASSPATH    a Kafka broker, for a JVM of its own (a glob)
#
# Everything goes under ~/.cache/flint (XDG_CACHE_HOME); pip keeps its downloads in
# ~/.cache/pip and Maven in ~/.m2, so reinstalling is fast. Each part is rebuilt only when
# its stamp (the versions and the pom it was made from) changed. Needs python3-venv, a JDK
# and maven (flint-dev installs them). Logs go to stderr; stdout carries only the lines.
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -euo pipefail

HERE=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/flint

SPARK_VERSION=4.0.1
SCALA_VERSION=2.13.16
KAFKA_VERSION=3.9.1
# delta-spark: the Python API a Delta merge is generated with (its jars come from Maven).
# pyspark[connect] and its pins: the Spark Connect client (tests/connect). Unpinned, pip
# picks pandas 3 and protobuf 7, which pyspark 4.0.1's client cannot use.
PY_PACKAGES=("pyspark[connect]==$SPARK_VERSION" "delta-spark==4.0.0" "pyyaml==6.0.2"
             "grpcio==1.67.1" "grpcio-status==1.67.1" "protobuf==5.29.3"
             "googleapis-common-protos==1.65.0" "pandas==2.2.3" "pyarrow==18.1.0" "numpy==2.1.3")

# black: the layout the generated PySpark must already have (tests/codegen/test-python).
TOOLS_PACKAGES=("black==24.10.0")

VENV=  # spark-VERSION-venv-HASH: set by ensure_venv
SCALA_DIR=$CACHE/scala-$SCALA_VERSION
EXTRAS_DIR=$CACHE/spark-$SPARK_VERSION-extras
KAFKA_DIR=$CACHE/kafka-$KAFKA_VERSION

log() {
    printf '==> %s\n' "$*" >&2
}

# True when DIR/.flint-stamp holds exactly STAMP.
stamp_ok() {
    [[ -f "$1/.flint-stamp" && "$(cat "$1/.flint-stamp")" == "$2" ]]
}

# A venv per set of versions, named after them: a run that still uses an older set (another
# checkout, another test run) never sees its venv replaced under it.
ensure_venv() {
    local stamp old
    stamp="python=$(/usr/bin/python3 -c 'import sys; print(sys.version.split()[0])') ${PY_PACKAGES[*]}"
    VENV=$CACHE/spark-$SPARK_VERSION-venv-$(printf '%s' "$stamp" | sha256sum | cut -c1-8)
    if stamp_ok "$VENV" "$stamp"; then
        return 0
    fi

    log "Creating the pyspark $SPARK_VERSION venv in $VENV"
    for old in "$CACHE"/spark-*-venv-*; do
        [[ "$old" != "$VENV" && -d "$old" ]] && rm -rf "$old"
    done
    rm -rf "$VENV"
    /usr/bin/python3 -m venv "$VENV"
    # With wheel, pip builds pyspark's sdist once into a wheel it caches in ~/.cache/pip.
    "$VENV/bin/pip" install --quiet --disable-pip-version-check wheel==0.45.1 >&2
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "${PY_PACKAGES[@]}" >&2
    printf '%s' "$stamp" >"$VENV/.flint-stamp"
}

# Checking tools in a small venv of their own, so a new tool never rebuilds Spark's.
ensure_tools_venv() {
    local stamp dir=$CACHE/tools-venv
    stamp="python=$(/usr/bin/python3 -c 'import sys; print(sys.version.split()[0])') ${TOOLS_PACKAGES[*]}"
    if stamp_ok "$dir" "$stamp"; then
        return 0
    fi
    log "Creating the checking tools venv in $dir"
    rm -rf "$dir"
    /usr/bin/python3 -m venv "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check "${TOOLS_PACKAGES[@]}" >&2
    printf '%s' "$stamp" >"$dir/.flint-stamp"
}

# Copies the runtime dependencies of POM into DIR (through ~/.m2), once per pom content.
ensure_maven_dir() {
    local pom=$1 dir=$2 stamp
    stamp=$(sha256sum "$pom" | cut -d' ' -f1)
    if stamp_ok "$dir" "$stamp"; then
        return 0
    fi

    log "Fetching $(basename "$(dirname "$pom")") into $dir"
    rm -rf "$dir"
    mkdir -p "$dir"
    if ! mvn -B -q -Dstyle.color=never -f "$pom" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$dir" >&2; then
        echo "toolchain.sh: maven could not fetch $pom" >&2
        rm -rf "$dir"
        return 1
    fi
    printf '%s' "$stamp" >"$dir/.flint-stamp"
}

# The connectors bring jars pyspark already ships (Hadoop, Scala, slf4j...): keep only
# those it lacks, so one version of each class is on the classpath.
prune_extras() {
    local spark_jars=$1 jar base
    for jar in "$EXTRAS_DIR"/*.jar; do
        base=$(basename "$jar")
        base=${base%-[0-9]*.jar}
        if compgen -G "$spark_jars/$base-[0-9]*.jar" >/dev/null; then
            rm -f "$jar"
        fi
    done
}

main() {
    # One install at a time: test runs in several checkouts share the cache.
    mkdir -p "$CACHE"
    exec 9>"$CACHE/.toolchain.lock"
    flock 9

    ensure_venv
    ensure_tools_venv
    local spark_jars
    spark_jars=$("$VENV/bin/python" -c \
        'import os, pyspark; print(os.path.join(os.path.dirname(pyspark.__file__), "jars"))')

    ensure_maven_dir "$HERE/maven/scala/pom.xml" "$SCALA_DIR"
    ensure_maven_dir "$HERE/maven/spark-extras/pom.xml" "$EXTRAS_DIR"
    prune_extras "$spark_jars"
    ensure_maven_dir "$HERE/maven/kafka-broker/pom.xml" "$KAFKA_DIR"

    printf 'FLINT_PYTHON=%s\n' "$VENV/bin/python"
    printf 'FLINT_SPARK_JARS=%s\n' "$spark_jars"
    printf 'FLINT_SCALA_CLASSPATH=%s\n' "$SCALA_DIR/*"
    printf 'FLINT_SPARK_EXTRA_JARS=%s\n' "$EXTRAS_DIR/*"
    printf 'FLINT_KAFKA_CLASSPATH=%s\n' "$KAFKA_DIR/*"
    printf 'FLINT_BLACK=%s\n' "$CACHE/tools-venv/bin/black"
}

main "$@"
