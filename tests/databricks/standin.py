#!/usr/bin/env python3
"""standin.py: a stand-in that follows the documented Databricks REST wire format; no
real workspace can exist here.

Serves exactly the endpoints Flint's Databricks target uses, with their documented
shapes (PROTOCOLS.md section 2; databricks-sdk-go service/jobs and service/workspace):

  POST /api/2.0/workspace/mkdirs      {path}                         -> {}
  POST /api/2.0/workspace/import      {path, format, content, overwrite} -> {}
  POST /api/2.2/jobs/runs/submit      {run_name, tasks, idempotency_token, ...} -> {run_id}
  GET  /api/2.2/jobs/runs/get         ?run_id=                       -> Run
  GET  /api/2.2/jobs/runs/get-output  ?run_id=<task run_id>          -> {metadata, logs, error, error_trace}
  POST /api/2.2/jobs/runs/cancel      {run_id}                       -> {}

Errors are {"error_code": "...", "message": "..."} with the documented status codes.
runs/submit is idempotent per idempotency_token (the same token gets the same run_id).
A run walks PENDING -> RUNNING -> TERMINATING -> TERMINATED by time.

Tests drive it through /_standin/ (not Databricks):
  POST /_standin/config  {pending_s, running_s, result, error, tokens, faults: [...]}
     a fault: {path, kind: 429|503|500|slow|drop|401, count, retry_after, delay_s}
  GET  /_standin/state   submits per token, runs created per token, the request log,
                         the workspace files, the runs

Prints "PORT <n>" on stdout once listening. Usage: standin.py [--port N]
"""

import argparse
import base64
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

LOCK = threading.Lock()
STATE = {
    "config": {
        "pending_s": 0.5,
        "running_s": 1.5,
        "result": "SUCCESS",
        "error": "ValueError: the stand-in was told to fail",
        "tokens": ["dapi-good"],
        "faults": [],
    },
    "submits": {},        # token -> submit requests seen
    "created": {},        # token -> runs created
    "by_token": {},       # token -> run_id
    "runs": {},           # run_id -> run record
    "tasks": {},          # task run_id -> run_id
    "files": {},          # workspace path -> text
    "dirs": {"/", "/Workspace", "/Workspace/Shared", "/Workspace/Users"},
    "log": [],            # {t, method, path, status}
    "next_id": 455644833,
}


def now():
    return time.time()


def take_fault(path):
    for fault in STATE["config"]["faults"]:
        if fault.get("count", 0) > 0 and path.startswith(fault["path"]):
            fault["count"] -= 1
            return dict(fault)
    return None


def life_cycle(run):
    """The run's state now: by time since it was submitted, or as cancelled."""
    t = now() - run["submitted"]
    pending, running = run["pending_s"], run["running_s"]
    if run.get("cancelled_at") is not None:
        if now() - run["cancelled_at"] < 0.3:
            return "TERMINATING", None, "Cancelling"
        return "TERMINATED", "CANCELED", "Run cancelled."
    if t < pending:
        return "PENDING", None, "Waiting for cluster"
    if t < pending + running:
        return "RUNNING", None, "In run"
    if t < pending + running + 0.2:
        return "TERMINATING", None, ""
    if run["result"] == "SUCCESS":
        return "TERMINATED", "SUCCESS", ""
    return "TERMINATED", run["result"], "Workload failed, see run output for details"


def run_json(run, host):
    life, result, message = life_cycle(run)
    state = {"life_cycle_state": life, "state_message": message, "user_cancelled_or_timedout": result == "CANCELED"}
    if result is not None:
        state["result_state"] = result
    url = "%s/?o=1234567890123456#job/11223344/run/%d" % (host, run["run_id"])
    task = {
        "run_id": run["task_run_id"],
        "task_key": run["task_key"],
        "state": state,
        "spark_python_task": {"python_file": run["python_file"]},
        "start_time": int(run["submitted"] * 1000),
        "attempt_number": 0,
        "run_page_url": "%s/?o=1234567890123456#job/11223344/run/%d" % (host, run["task_run_id"]),
    }
    if life != "PENDING":
        task["cluster_instance"] = {"cluster_id": "0901-120003-abcdefgh", "spark_context_id": "8734511302947381234"}
    return {
        "job_id": 11223344,
        "run_id": run["run_id"],
        "number_in_job": run["run_id"],
        "original_attempt_run_id": run["run_id"],
        "run_name": run["run_name"],
        "run_type": "SUBMIT_RUN",
        "attempt_number": 0,
        "state": state,
        "status": {"state": life},
        "start_time": int(run["submitted"] * 1000),
        "run_page_url": url,
        "tasks": [task],
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    # Answers {{{

    def answer(self, status, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)
        self.record(status)

    def error(self, status, code, message, headers=None):
        self.answer(status, {"error_code": code, "message": message}, headers)

    def record(self, status):
        with LOCK:
            STATE["log"].append({"t": now(), "method": self.command, "path": self.path, "status": status})

    def drop(self, body):
        """Sends the headers and half the body, then closes: a connection lost mid-answer."""
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2])
        self.wfile.flush()
        self.record("dropped")
        self.close_connection = True
        self.connection.shutdown(2)

    # }}}

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw or b"{}")
        except ValueError:
            return None

    def host(self):
        return "http://%s" % self.headers.get("Host", "localhost")

    def do_GET(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def handle_any(self):
        url = urlparse(self.path)
        if url.path.startswith("/_standin/"):
            return self.control(url)

        body = self.body() if self.command == "POST" else {}
        fault = None
        with LOCK:
            fault = take_fault(url.path)

        if fault is not None and fault["kind"] == "slow":
            time.sleep(fault.get("delay_s", 2))
        elif fault is not None and fault["kind"] in ("429", "503"):
            code = "REQUEST_LIMIT_EXCEEDED" if fault["kind"] == "429" else "TEMPORARILY_UNAVAILABLE"
            headers = {"Retry-After": str(fault["retry_after"])} if "retry_after" in fault else {}
            return self.error(int(fault["kind"]), code, "The stand-in was told to refuse this once.", headers)
        elif fault is not None and fault["kind"] == "500":
            return self.error(500, "INTERNAL_ERROR", "The stand-in was told to fail this once.")

        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            return self.error(401, "UNAUTHENTICATED", "No access token.")
        if auth[len("Bearer "):] not in STATE["config"]["tokens"]:
            return self.error(401, "UNAUTHENTICATED", "Invalid access token.")
        if body is None:
            return self.error(400, "MALFORMED_REQUEST", "Invalid JSON in the request body.")

        routes = {
            ("POST", "/api/2.0/workspace/mkdirs"): self.mkdirs,
            ("POST", "/api/2.0/workspace/import"): self.import_,
            ("POST", "/api/2.2/jobs/runs/submit"): self.submit,
            ("GET", "/api/2.2/jobs/runs/get"): self.get,
            ("GET", "/api/2.2/jobs/runs/get-output"): self.get_output,
            ("POST", "/api/2.2/jobs/runs/cancel"): self.cancel,
        }
        route = routes.get((self.command, url.path))
        if route is None:
            return self.error(404, "ENDPOINT_NOT_FOUND", "No API found for '%s %s'" % (self.command, url.path))
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        status, answer = route(body, query)
        if fault is not None and fault["kind"] == "drop" and status == 200:
            return self.drop(answer)
        if status == 200:
            return self.answer(200, answer)
        return self.error(status, answer[0], answer[1])

    # Workspace {{{

    def mkdirs(self, body, query):
        path = body.get("path", "")
        if not path.startswith("/"):
            return 400, ("INVALID_PARAMETER_VALUE", "Path (%s) must be absolute" % path)
        with LOCK:
            parts = path.rstrip("/").split("/")
            for i in range(2, len(parts) + 1):
                STATE["dirs"].add("/".join(parts[:i]))
        return 200, {}

    def import_(self, body, query):
        path = body.get("path", "")
        fmt = body.get("format", "SOURCE")
        if fmt not in ("AUTO", "SOURCE", "HTML", "JUPYTER", "DBC", "R_MARKDOWN", "RAW"):
            return 400, ("INVALID_PARAMETER_VALUE", "Invalid format: %s" % fmt)
        try:
            content = base64.b64decode(body.get("content", ""), validate=True)
        except ValueError:
            return 400, ("INVALID_PARAMETER_VALUE", "content is not valid base64")
        if len(content) > 10 * 1024 * 1024:
            return 400, ("MAX_NOTEBOOK_SIZE_EXCEEDED", "File size imported is too large")
        parent = path.rsplit("/", 1)[0]
        with LOCK:
            if parent not in STATE["dirs"]:
                return 404, ("RESOURCE_DOES_NOT_EXIST", "The parent folder (%s) does not exist." % parent)
            if path in STATE["files"] and not body.get("overwrite", False):
                return 400, ("RESOURCE_ALREADY_EXISTS", "%s already exists." % path)
            text = content.decode("utf-8", "replace")
            # AUTO: a .py with the notebook header becomes a notebook (no longer a file).
            kind = "NOTEBOOK" if fmt == "SOURCE" or text.startswith("# Databricks notebook source") else "FILE"
            STATE["files"][path] = {"text": text, "kind": kind}
        return 200, {}

    # }}}

    # Jobs {{{

    def submit(self, body, query):
        tasks = body.get("tasks") or []
        if len(tasks) == 0:
            return 400, ("INVALID_PARAMETER_VALUE", "At least one task is required.")
        token = body.get("idempotency_token")
        if token is not None and len(token) > 64:
            return 400, ("INVALID_PARAMETER_VALUE", "idempotency_token is longer than 64 characters.")
        task = tasks[0]
        python = task.get("spark_python_task") or {}
        python_file = python.get("python_file", "")
        with LOCK:
            if token is not None:
                STATE["submits"][token] = STATE["submits"].get(token, 0) + 1
                if token in STATE["by_token"]:
                    return 200, {"run_id": STATE["by_token"][token]}
            f = STATE["files"].get(python_file)
            if f is None:
                return 400, ("INVALID_PARAMETER_VALUE", "Python file %s does not exist." % python_file)
            if f["kind"] != "FILE":
                return 400, ("INVALID_PARAMETER_VALUE", "%s is a notebook, not a file." % python_file)
            if "new_cluster" not in task and "existing_cluster_id" not in task and "environment_key" not in task:
                return 400, ("INVALID_PARAMETER_VALUE", "A task needs new_cluster, existing_cluster_id or environment_key.")
            run_id = STATE["next_id"]
            STATE["next_id"] += 2
            config = STATE["config"]
            STATE["runs"][run_id] = {
                "run_id": run_id,
                "task_run_id": run_id + 1,
                "task_key": task.get("task_key", "main"),
                "run_name": body.get("run_name", "Untitled"),
                "python_file": python_file,
                "submitted": now(),
                "pending_s": config["pending_s"],
                "running_s": config["running_s"],
                "result": config["result"],
                "error": config["error"],
                "body": body,
                "cancelled_at": None,
            }
            STATE["tasks"][run_id + 1] = run_id
            if token is not None:
                STATE["by_token"][token] = run_id
                STATE["created"][token] = STATE["created"].get(token, 0) + 1
        return 200, {"run_id": run_id}

    def find_run(self, query, key="run_id"):
        try:
            run_id = int(query.get(key, ""))
        except ValueError:
            return None, (400, ("INVALID_PARAMETER_VALUE", "run_id is required"))
        return run_id, None

    def get(self, body, query):
        run_id, problem = self.find_run(query)
        if problem:
            return problem
        with LOCK:
            run = STATE["runs"].get(run_id)
            if run is None:
                return 400, ("INVALID_PARAMETER_VALUE", "Run %d does not exist." % run_id)
            return 200, run_json(run, self.host())

    def get_output(self, body, query):
        run_id, problem = self.find_run(query)
        if problem:
            return problem
        with LOCK:
            if run_id in STATE["runs"]:
                return 400, ("INVALID_PARAMETER_VALUE",
                             "Retrieving the output of runs with multiple tasks is not supported. "
                             "Please retrieve the output of each individual task run instead.")
            parent = STATE["tasks"].get(run_id)
            if parent is None:
                return 400, ("INVALID_PARAMETER_VALUE", "Run %d does not exist." % run_id)
            run = STATE["runs"][parent]
            life, result, _ = life_cycle(run)
            out = {"metadata": run_json(run, self.host())["tasks"][0], "logs_truncated": False}
            out["logs"] = "flint stand-in: running %s\n" % run["python_file"]
            if result == "FAILED":
                out["error"] = run["error"]
                out["error_trace"] = "Traceback (most recent call last):\n  File \"%s\", line 1\n%s\n" % (
                    run["python_file"], run["error"])
            return 200, out

    def cancel(self, body, query):
        run_id = body.get("run_id")
        with LOCK:
            run = STATE["runs"].get(run_id)
            if run is None:
                return 400, ("INVALID_PARAMETER_VALUE", "Run %s does not exist." % run_id)
            life, _, _ = life_cycle(run)
            if life != "TERMINATED" and run["cancelled_at"] is None:
                run["cancelled_at"] = now()
        return 200, {}

    # }}}

    def control(self, url):
        if url.path == "/_standin/config" and self.command == "POST":
            body = self.body() or {}
            with LOCK:
                STATE["config"].update(body)
            return self.answer(200, {})
        if url.path == "/_standin/state":
            with LOCK:
                state = {
                    "submits": STATE["submits"],
                    "created": STATE["created"],
                    "runs": {str(k): {"body": v["body"], "cancelled": v["cancelled_at"] is not None}
                             for k, v in STATE["runs"].items()},
                    "files": STATE["files"],
                    "log": STATE["log"],
                }
            return self.answer(200, state)
        return self.error(404, "ENDPOINT_NOT_FOUND", "no such control path")


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that gave up on a slow answer is part of the test, not a problem.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = Server(("127.0.0.1", args.port), Handler)
    print("PORT %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
