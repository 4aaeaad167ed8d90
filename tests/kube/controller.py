#!/usr/bin/env python3
"""A small stand-in for the spark-operator and a kubelet, for the e2e tests.

It watches SparkApplications in every namespace of a real kube-apiserver and moves each new
one through SUBMITTED -> RUNNING -> SUCCEEDING -> COMPLETED (or FAILED) by writing its status
subresource, as the operator does. It creates the driver pod (on a node it registers) and,
for applications it runs on real Spark, the UI service and its endpoints, so the API
server's service proxy reaches the driver's REST API. It also serves the kubelet's
container log endpoint, so the API server's pod log endpoint (follow=true) works.

What to do with an application is read from its sparkConf:
  spark.flint.test.mode     complete (default) | fail | spark
  spark.flint.test.seconds  how long it runs (complete, fail)
  spark.flint.test.workdir  the directory a spark run starts in (its relative paths)

Every application it starts is appended to STATE/launches ("namespace/name uid"), so a test
can assert that nothing ran twice. Standard library only.

SPDX-License-Identifier: GPL-3.0-or-later
"""

import http.server
import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

SERVER = os.environ["KUBE_SERVER"]
STATE = os.environ["KUBE_STATE"]
NODE_IP = os.environ.get("KUBE_NODE_IP", "10.250.0.1")
API = "/apis/sparkoperator.k8s.io/v1beta2"

CTX = ssl.create_default_context(cafile=os.path.join(STATE, "ca.pem"))
CTX.load_cert_chain(os.path.join(STATE, "admin.pem"), os.path.join(STATE, "admin-key.pem"))

lock = threading.Lock()
handled = set()
LOGS = os.path.join(STATE, "pod-logs")
os.makedirs(LOGS, exist_ok=True)


def log(*args):
    print("controller:", *args, file=sys.stderr, flush=True)


def request(method, path, body=None, content_type="application/json", timeout=30):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(SERVER + path, data=data, method=method)
    req.add_header("Accept", "application/json")
    if data is not None:
        req.add_header("Content-Type", content_type)
    with urllib.request.urlopen(req, context=CTX, timeout=timeout) as resp:
        return json.loads(resp.read() or b"null")


def persist(method, path, body=None, content_type="application/json"):
    """Retries through API server restarts (bounded): the tests restart it on purpose."""
    deadline = time.time() + 90
    while True:
        try:
            return request(method, path, body, content_type)
        except urllib.error.HTTPError as e:
            if e.code in (404, 409, 422) or time.time() > deadline:
                raise
        except (OSError, urllib.error.URLError):
            if time.time() > deadline:
                raise
        time.sleep(0.3)


def set_status(ns, name, status):
    persist("PATCH", f"{API}/namespaces/{ns}/sparkapplications/{name}/status",
            {"status": status}, "application/merge-patch+json")


def exists(ns, name):
    try:
        request("GET", f"{API}/namespaces/{ns}/sparkapplications/{name}")
        return True
    except urllib.error.HTTPError as e:
        return e.code != 404
    except (OSError, urllib.error.URLError):
        return True


def free_port():
    with socket.socket() as s:
        s.bind(("0.0.0.0", 0))
        return s.getsockname()[1]


# The kubelet's log endpoint {{{

class Kubelet(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        parts = url.path.strip("/").split("/")
        if len(parts) != 4 or parts[0] != "containerLogs":
            self.send_error(404)
            return
        ns, pod = parts[1], parts[2]
        follow = urllib.parse.parse_qs(url.query).get("follow", ["false"])[0] == "true"
        path = os.path.join(LOGS, f"{ns}_{pod}.log")
        done = path + ".done"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        offset = 0
        deadline = time.time() + 600
        try:
            while True:
                finished = os.path.exists(done)
                if os.path.exists(path):
                    with open(path, "rb") as f:
                        f.seek(offset)
                        chunk = f.read()
                    if chunk:
                        offset += len(chunk)
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                        self.wfile.flush()
                if not follow or finished or time.time() > deadline:
                    break
                time.sleep(0.2)
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass


def start_kubelet():
    port = free_port()
    server = http.server.ThreadingHTTPServer(("0.0.0.0", port), Kubelet)
    sctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    sctx.load_cert_chain(os.path.join(STATE, "server.pem"), os.path.join(STATE, "server-key.pem"))
    server.socket = sctx.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return port


def register_node(kubelet_port):
    node = {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": "flint-node"},
        "status": {"addresses": [{"type": "InternalIP", "address": NODE_IP}],
                   "daemonEndpoints": {"kubeletEndpoint": {"Port": kubelet_port}}},
    }
    try:
        persist("POST", "/api/v1/nodes", node)
    except urllib.error.HTTPError as e:
        if e.code != 409:
            raise
    persist("PATCH", "/api/v1/nodes/flint-node/status", {"status": node["status"]},
            "application/merge-patch+json")

# }}}


def create_pod(ns, name, pod):
    body = {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": pod, "namespace": ns,
                     "labels": {"sparkoperator.k8s.io/app-name": name, "spark-role": "driver"}},
        "spec": {"nodeName": "flint-node",
                 "containers": [{"name": "spark-kubernetes-driver", "image": "apache/spark"}]},
    }
    try:
        persist("POST", f"/api/v1/namespaces/{ns}/pods", body)
    except urllib.error.HTTPError as e:
        if e.code != 409:
            raise
    persist("PATCH", f"/api/v1/namespaces/{ns}/pods/{pod}/status",
            {"status": {"phase": "Running", "podIP": NODE_IP, "podIPs": [{"ip": NODE_IP}]}},
            "application/merge-patch+json")


def expose_ui(ns, name, pod, port):
    service = f"{name}-ui-svc"
    persist("POST", f"/api/v1/namespaces/{ns}/services", {
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": service, "namespace": ns},
        "spec": {"ports": [{"name": "spark-driver-ui-port", "port": 4040, "targetPort": port}]},
    })
    persist("POST", f"/api/v1/namespaces/{ns}/endpoints", {
        "apiVersion": "v1", "kind": "Endpoints",
        "metadata": {"name": service, "namespace": ns},
        "subsets": [{"addresses": [{"ip": NODE_IP, "targetRef": {"kind": "Pod", "name": pod, "namespace": ns}}],
                     "ports": [{"name": "spark-driver-ui-port", "port": port}]}],
    })
    return service


HOLD = """
import os, runpy, sys, time
from pyspark import SparkContext
_stop = SparkContext.stop
def stop(self):
    if not getattr(self, '_flint_held', False):
        self._flint_held = True
        time.sleep(float(os.environ.get('FLINT_STOP_HOLD', '4')))
    return _stop(self)
SparkContext.stop = stop
runpy.run_path(sys.argv[1], run_name='__main__')
"""


def run_spark(ns, name, spec, conf, pod_log):
    volume = next(v for v in spec.get("volumes", []) if "configMap" in v)
    cm = persist("GET", f"/api/v1/namespaces/{ns}/configmaps/{volume['configMap']['name']}")
    program_name = spec["mainApplicationFile"].rsplit("/", 1)[1]
    work = os.path.join(STATE, "apps", f"{ns}_{name}")
    os.makedirs(work, exist_ok=True)
    program = os.path.join(work, program_name)
    with open(program, "w") as f:
        f.write(cm["data"][program_name])
    hold = os.path.join(work, "flint_hold.py")
    with open(hold, "w") as f:
        f.write(HOLD)
    port = free_port()
    env = dict(os.environ)
    env["PYSPARK_SUBMIT_ARGS"] = (f"--master local[1] --conf spark.ui.port={port} "
                                  f"--conf spark.ui.proxyBase={conf.get('spark.ui.proxyBase', '')} pyspark-shell")
    python = os.environ.get("FLINT_PYTHON", sys.executable)
    env["PYSPARK_PYTHON"] = python
    out = open(pod_log, "ab")
    proc = subprocess.Popen([python, hold, program], cwd=conf.get("spark.flint.test.workdir", work),
                            stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    return proc, port


def handle(app):
    meta = app["metadata"]
    ns, name, uid = meta["namespace"], meta["name"], meta["uid"]
    spec = app["spec"]
    conf = spec.get("sparkConf", {})
    mode = conf.get("spark.flint.test.mode", "complete")
    seconds = float(conf.get("spark.flint.test.seconds", "1"))
    pod = f"{name}-driver"
    pod_log = os.path.join(LOGS, f"{ns}_{pod}.log")
    with open(os.path.join(STATE, "launches"), "a") as f:
        f.write(f"{ns}/{name} {uid}\n")
    log("starting", ns, name, mode)
    try:
        set_status(ns, name, {"applicationState": {"state": "SUBMITTED"}, "driverInfo": {"podName": pod},
                              "submissionAttempts": 1, "executionAttempts": 1,
                              "lastSubmissionAttemptTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
        create_pod(ns, name, pod)
        with open(pod_log, "ab") as f:
            f.write(f"flint-test-driver: {name} starts\n".encode())
        if mode == "spark":
            proc, port = run_spark(ns, name, spec, conf, pod_log)
            service = expose_ui(ns, name, pod, port)
            set_status(ns, name, {"applicationState": {"state": "RUNNING"},
                                  "driverInfo": {"podName": pod, "webUIServiceName": service, "webUIPort": 4040},
                                  "sparkApplicationId": "spark-" + uid.replace("-", "")})
            while proc.poll() is None:
                if not exists(ns, name):
                    os.killpg(proc.pid, 9)
                    proc.wait()
                    return
                time.sleep(0.3)
            code = proc.returncode
        else:
            set_status(ns, name, {"applicationState": {"state": "RUNNING"}})
            end = time.time() + seconds
            while time.time() < end:
                with open(pod_log, "ab") as f:
                    f.write(f"flint-test-driver: {name} working\n".encode())
                if not exists(ns, name):
                    return
                time.sleep(min(0.5, max(0.0, end - time.time())))
            code = 1 if mode == "fail" else 0
        with open(pod_log, "ab") as f:
            f.write(f"flint-test-driver: {name} exits with {code}\n".encode())
        if code == 0:
            set_status(ns, name, {"applicationState": {"state": "SUCCEEDING"}})
            time.sleep(0.2)
            set_status(ns, name, {"applicationState": {"state": "COMPLETED"},
                                  "terminationTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
        else:
            set_status(ns, name, {"applicationState": {"state": "FAILING"}})
            time.sleep(0.2)
            set_status(ns, name, {"applicationState": {
                "state": "FAILED",
                "errorMessage": f"driver container failed with ExitCode: {code}, Reason: Error"}})
    except urllib.error.HTTPError as e:
        if e.code != 404:  # deleted (cancelled) while it ran
            log("error", ns, name, e, e.read()[:300])
    except Exception as e:  # noqa: BLE001 (a test helper: say it and go on)
        log("error", ns, name, repr(e))
    finally:
        open(pod_log + ".done", "w").close()


def consider(app):
    state = (app.get("status") or {}).get("applicationState", {}).get("state", "")
    uid = app["metadata"]["uid"]
    with lock:
        if state or uid in handled or app["metadata"].get("deletionTimestamp"):
            return
        handled.add(uid)
    threading.Thread(target=handle, args=(app,), daemon=True).start()


def main():
    register_node(start_kubelet())
    with open(os.path.join(STATE, "controller.ready"), "w") as f:
        f.write("ready\n")
    log("ready")
    rv = None
    while True:
        try:
            if rv is None:
                listed = request("GET", f"{API}/sparkapplications")
                rv = listed["metadata"]["resourceVersion"]
                for app in listed["items"]:
                    consider(app)
            req = urllib.request.Request(
                f"{SERVER}{API}/sparkapplications?watch=1&resourceVersion={rv}&timeoutSeconds=60")
            with urllib.request.urlopen(req, context=CTX, timeout=90) as resp:
                for line in resp:
                    event = json.loads(line)
                    if event["type"] == "ERROR":
                        rv = None
                        break
                    rv = event["object"]["metadata"].get("resourceVersion", rv)
                    if event["type"] in ("ADDED", "MODIFIED"):
                        consider(event["object"])
        except (OSError, urllib.error.URLError, ValueError, KeyError) as e:
            log("watch:", repr(e))
            rv = None
            time.sleep(0.3)


if __name__ == "__main__":
    main()
