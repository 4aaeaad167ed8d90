#!/usr/bin/env bash
# run-kube-e2e.sh: the Kubernetes target against a real kube-apiserver.
#
#   run-kube-e2e.sh TEST_BINARY [ARGS...]     set everything up, run the test, tear down
#   run-kube-e2e.sh restart-apiserver STATE   (for the tests) kill -9 it, start it again
#   run-kube-e2e.sh stop-apiserver STATE | start-apiserver STATE
#
# kube-apiserver is built from Go modules once (build-apiserver.sh, cached under
# ~/.cache/flint) and runs with Debian's etcd on loopback with TLS (a CA, serving and client
# certificates made here with openssl), the real SparkApplication CRD from the
# spark-operator, and controller.py standing in for the operator and a kubelet.
#
# Everything runs in a network namespace of its own (unshare -n) where the loopback device
# also holds 10.250.0.1: the API server refuses to proxy to loopback addresses, and the
# driver's UI must be reachable through its service proxy. Nothing leaves the namespace.
# Exits 77 (skipped) when Go, etcd or unshare is missing.
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NODE_IP=10.250.0.1

skip() {
    echo "1..0 # SKIP $*"
    exit 77
}

wait_ready() {
    local state=$1 i
    for ((i = 0; i < 600; i++)); do
        if curl -sf --cacert "$state/ca.pem" --cert "$state/admin.pem" --key "$state/admin-key.pem" \
               "https://127.0.0.1:$(cat "$state/apiserver.port")/readyz" >/dev/null 2>&1; then
            return 0
        fi
        if ! kill -0 "$(cat "$state/apiserver.pid")" 2>/dev/null; then
            echo "kube-apiserver died; its log:" >&2
            tail -30 "$state/apiserver.log" >&2
            return 1
        fi
        sleep 0.1
    done
    echo "kube-apiserver did not become ready; its log:" >&2
    tail -30 "$state/apiserver.log" >&2
    return 1
}

start_apiserver() {
    local state=$1
    # shellcheck disable=SC2046 # one argument per line
    setsid "$(cat "$state/apiserver.bin")" $(cat "$state/apiserver.args") >>"$state/apiserver.log" 2>&1 &
    echo $! >"$state/apiserver.pid"
    wait_ready "$state"
}

stop_apiserver() {
    local state=$1 pid
    pid=$(cat "$state/apiserver.pid")
    kill -9 "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
}

case "${1:-}" in
    restart-apiserver) stop_apiserver "$2"; sleep "${3:-1}"; start_apiserver "$2"; exit 0 ;;
    stop-apiserver) stop_apiserver "$2"; exit 0 ;;
    start-apiserver) start_apiserver "$2"; exit 0 ;;
    "") echo "usage: $0 TEST_BINARY [ARGS...]" >&2; exit 2 ;;
esac

if [[ -z "${FLINT_KUBE_NETNS:-}" ]]; then
    command -v go >/dev/null || [[ -x /usr/local/go/bin/go ]] || skip "Go is not installed"
    command -v etcd >/dev/null || skip "etcd is not installed (./flint-dev test installs etcd-server)"
    command -v unshare >/dev/null || skip "unshare is missing"
    apiserver=$("$here/build-apiserver.sh")
    if ! unshare -n true 2>/dev/null; then
        skip "cannot make a network namespace (needs root)"
    fi
    FLINT_KUBE_NETNS=1 FLINT_KUBE_APISERVER=$apiserver exec unshare -n "$0" "$@"
fi

ip link set lo up
ip addr add "$NODE_IP/32" dev lo

state=$(mktemp -d "${TMPDIR:-/tmp}/flint-kube-XXXXXX")
pids=()
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    [[ -f "$state/apiserver.pid" ]] && kill -9 "$(cat "$state/apiserver.pid")" 2>/dev/null || true
    wait 2>/dev/null || true
    if [[ -n "${FLINT_KUBE_KEEP:-}" ]]; then echo "kept $state" >&2; else rm -rf "$state"; fi
}
trap cleanup EXIT

# Certificates: a CA, the API server's (also the fake kubelet's), and an admin client.
(
    cd "$state"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=flint-test-ca" \
        -keyout ca-key.pem -out ca.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout server-key.pem -out server.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,IP:%s,DNS:localhost,DNS:kubernetes\n' "$NODE_IP" >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 \
        -extfile server.ext -out server.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=flint-admin" \
        -keyout admin-key.pem -out admin.csr 2>/dev/null
    openssl x509 -req -in admin.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -out admin.pem 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    # Tokens: good ones for the exec plugin test, each an admin.
    for i in $(seq 1 40); do echo "flint-token-$i,flint-user-$i,uid-$i,system:masters"; done >tokens.csv
)

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

etcd_port=$(free_port)
etcd_peer=$(free_port)
etcd --data-dir "$state/etcd" --name flint \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
    --initial-cluster "flint=http://127.0.0.1:$etcd_peer" >"$state/etcd.log" 2>&1 &
pids+=($!)

port=$(free_port)
echo "$port" >"$state/apiserver.port"
echo "$FLINT_KUBE_APISERVER" >"$state/apiserver.bin"
cat >"$state/apiserver.args" <<EOF
--etcd-servers=http://127.0.0.1:$etcd_port
--bind-address=127.0.0.1
--secure-port=$port
--advertise-address=$NODE_IP
--cert-dir=$state/certs
--tls-cert-file=$state/server.pem
--tls-private-key-file=$state/server-key.pem
--client-ca-file=$state/ca.pem
--token-auth-file=$state/tokens.csv
--kubelet-client-certificate=$state/admin.pem
--kubelet-client-key=$state/admin-key.pem
--kubelet-preferred-address-types=InternalIP
--service-account-issuer=https://kubernetes.default.svc
--service-account-key-file=$state/sa.key
--service-account-signing-key-file=$state/sa.key
--service-cluster-ip-range=10.96.0.0/16
--authorization-mode=AlwaysAllow
--disable-admission-plugins=ServiceAccount
--enable-priority-and-fairness=false
--profiling=false
--etcd-compaction-interval=0
EOF
started=$(date +%s.%N)
start_apiserver "$state"
echo "# kube-apiserver ready in $(python3 -c "print(round($(date +%s.%N) - $started, 1))") s" >&2

api() {
    curl -sf --cacert "$state/ca.pem" --cert "$state/admin.pem" --key "$state/admin-key.pem" "$@"
}
base="https://127.0.0.1:$port"

# The real CRD (836 KB: created, never client-side applied), then wait until it serves.
crd="${FLINT_SOURCE_ROOT:-$here/../..}/../shared/reference/spark-operator/sparkoperator.k8s.io_sparkapplications.yaml"
[[ -f "$crd" ]] || crd=/work/shared/reference/spark-operator/sparkoperator.k8s.io_sparkapplications.yaml
api -X POST -H 'Content-Type: application/yaml' --data-binary "@$crd" \
    "$base/apis/apiextensions.k8s.io/v1/customresourcedefinitions" >/dev/null
for ((i = 0; i < 300; i++)); do
    api "$base/apis/sparkoperator.k8s.io/v1beta2/namespaces/default/sparkapplications" >/dev/null 2>&1 && break
    sleep 0.1
done
api -X POST -H 'Content-Type: application/json' \
    --data '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"spark-jobs"}}' \
    "$base/api/v1/namespaces" >/dev/null

KUBE_SERVER=$base KUBE_STATE=$state KUBE_NODE_IP=$NODE_IP \
    "${FLINT_PYTHON:-python3}" "$here/controller.py" 2>"$state/controller.log" &
pids+=($!)
for ((i = 0; i < 300; i++)); do [[ -f "$state/controller.ready" ]] && break; sleep 0.1; done
[[ -f "$state/controller.ready" ]] || { cat "$state/controller.log" >&2; exit 1; }

b64() { base64 -w0 "$1"; }
cat >"$state/kubeconfig" <<EOF
apiVersion: v1
kind: Config
current-context: flint-test
clusters:
- name: flint-test
  cluster:
    server: $base
    certificate-authority-data: $(b64 "$state/ca.pem")
contexts:
- name: flint-test
  context: {cluster: flint-test, user: admin, namespace: spark-jobs}
users:
- name: admin
  user:
    client-certificate-data: $(b64 "$state/admin.pem")
    client-key-data: $(b64 "$state/admin-key.pem")
EOF

status=0
FLINT_KUBE_STATE=$state FLINT_KUBE_CTL="$0" FLINT_KUBE_SERVER=$base KUBECONFIG="$state/kubeconfig" \
    "$@" || status=$?
if ((status != 0)); then
    echo "# controller log:" >&2
    tail -40 "$state/controller.log" >&2
fi
exit $status
