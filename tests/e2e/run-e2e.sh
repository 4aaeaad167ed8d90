#!/usr/bin/env bash
# run-e2e.sh FLINT_CLI [ARGS...]: the e2e suite under the toolchain's Python.
#
# Skipped (exit 77) when the toolchain's variables are not set: ./flint-dev test sets them
# from tests/e2e/toolchain.sh; by hand: set -a; eval "$(tests/e2e/toolchain.sh)"; set +a
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -euo pipefail

if [[ -z "${FLINT_PYTHON:-}" || ! -x "$FLINT_PYTHON" ]]; then
    echo "e2e: FLINT_PYTHON is not set: run ./flint-dev test, or tests/e2e/toolchain.sh first" >&2
    exit 77
fi

cli=$1
shift
exec "$FLINT_PYTHON" "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/run_e2e.py" --cli "$cli" "$@"
