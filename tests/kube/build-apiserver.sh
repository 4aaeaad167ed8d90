#!/usr/bin/env bash
# build-apiserver.sh: a real kube-apiserver for the e2e suite, built from Go modules.
#
# k8s.io/kubernetes cannot be `go install`ed (its go.mod replaces the staging modules with
# local paths), so a throwaway wrapper module requires it and replaces every staging module
# with its published v0.MINOR.PATCH twin. The binary is cached under ~/.cache/flint, and Go
# keeps its module and build caches, so only the first run is slow.
#
# Prints the path of the kube-apiserver binary on stdout.
#
# 1.30 is the newest line that still works with Debian 12's etcd 3.4 (1.31 wants etcd
# health endpoints backported only to 3.4.29).
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -euo pipefail

K8S_VERSION=${FLINT_K8S_VERSION:-v1.30.14}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/flint/kube-apiserver-$K8S_VERSION
BIN=$CACHE/kube-apiserver

if [[ -x "$BIN" ]]; then
    echo "$BIN"
    exit 0
fi

# The Go toolchain's usual place when it is not on PATH.
if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then
    PATH=/usr/local/go/bin:$PATH
fi
if ! command -v go >/dev/null; then
    echo "build-apiserver.sh: Go is not installed" >&2
    exit 1
fi

mkdir -p "$CACHE"
# One build at a time: two checkouts building together would both spend ten minutes.
exec 9>"$CACHE.lock"
flock 9
if [[ -x "$BIN" ]]; then
    echo "$BIN"
    exit 0
fi

work=$(mktemp -d "$CACHE/wrapper.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

minor_patch=${K8S_VERSION#v1.}
echo "build-apiserver.sh: building kube-apiserver $K8S_VERSION (once; several minutes)" >&2

export GOFLAGS=-mod=mod GOTOOLCHAIN=local
go mod init flint.test/kube-apiserver >&2
gomod=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["GoMod"])')
# Every "k8s.io/X => ./staging/src/k8s.io/X" of that release's go.mod.
for mod in $(sed -n 's#^[[:space:]]*\(k8s\.io/[^[:space:]]*\)[[:space:]]*=>[[:space:]]*\./staging/.*#\1#p' "$gomod"); do
    go mod edit -replace="$mod=$mod@v0.$minor_patch"
done
go get "k8s.io/kubernetes@$K8S_VERSION" >&2
go build -trimpath -ldflags '-s -w' -o "$work/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver >&2
mv "$work/kube-apiserver" "$BIN"
echo "$BIN"
