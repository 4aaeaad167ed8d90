#!/usr/bin/env python3
"""flint-cli export as CI uses it: the files it writes, validated as the platforms would.

Run by meson as: test_export.py FLINT_CLI SOURCE_ROOT. Needs the spark-operator CRDs in
../shared/reference/spark-operator beside the checkout, PyYAML and jsonschema (Debian
python3-yaml, python3-jsonschema), bash and shellcheck.

Every SparkApplication and ScheduledSparkApplication is validated against the real CRD
schema, made strict: the API server prunes unknown fields silently, so a misspelt field
would be lost without an error; here it fails. runs-submit.json and databricks.yml are
validated against schemas of the Jobs API fields documented in PROTOCOLS.md.
"""

import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import jsonschema
import yaml

FLINT_CLI = None
ROOT = None
SHARED = None
PROJECT = None

# Fake credentials in the environment of every export: none may appear in any byte written.
FAKE_SECRETS = {
    "DATABRICKS_TOKEN": "dapi0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    "DATABRICKS_CLIENT_SECRET": "doseFAKEclientSECRET1234567890abcdef",
    "AWS_ACCESS_KEY_ID": "AKIAFAKEACCESSKEY0001",
    "AWS_SECRET_ACCESS_KEY": "wJalrFAKEsecretKEY/K7MDENG/bPxRfiCYEXAMPLE",
    "AWS_SESSION_TOKEN": "FQoGZXIvYXdzEFAKEsessionTOKENvalue0123456789",
    "GOOGLE_APPLICATION_CREDENTIALS_JSON": '{"private_key": "-----BEGIN FAKE KEY-----"}',
    "KUBE_TOKEN": "eyJhbGciOiFAKEkubeTOKEN.payload.signature",
}


def run(*args, cwd=None, extra_env=None):
    env = dict(os.environ, NO_COLOR="1", LC_ALL="C.UTF-8", LANGUAGE="", **FAKE_SECRETS)
    env.update(extra_env or {})
    proc = subprocess.run([FLINT_CLI, *args], capture_output=True, text=True, env=env, timeout=120, cwd=cwd)
    return proc.returncode, proc.stdout, proc.stderr


def export(source, target, env=None, out=None, check=False, **kwargs):
    args = ["export", source, "--target", target, "-o", out]
    if env:
        args += ["--env", env]
    if check:
        args.insert(1, "--check")
    return run(*args, **kwargs)


def read_tree(directory):
    files = {}
    for base, _dirs, names in os.walk(directory):
        for name in names:
            path = os.path.join(base, name)
            with open(path, "rb") as f:
                files[os.path.relpath(path, directory)] = f.read()
    return files


# Strict CRD schemas {{{

def strict(schema):
    """The CRD schema with unknown fields rejected wherever the CRD lists the fields."""
    schema = copy.deepcopy(schema)

    def walk(node):
        if isinstance(node, dict):
            if ("properties" in node and "additionalProperties" not in node
                    and not node.get("x-kubernetes-preserve-unknown-fields")):
                node["additionalProperties"] = False
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return schema


def crd_validator(filename):
    path = os.path.join(SHARED, "reference", "spark-operator", filename)
    with open(path, encoding="utf-8") as f:
        crd = yaml.safe_load(f)
    version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1beta2")
    schema = strict(version["schema"]["openAPIV3Schema"])
    return jsonschema.Draft7Validator(schema)

# }}}

# Databricks schemas from PROTOCOLS.md section 2 {{{

STRING = {"type": "string", "minLength": 1}
STRINGS = {"type": "array", "items": STRING}
INT = {"type": "integer", "minimum": 0}


def closed(properties, required=()):
    return {"type": "object", "properties": properties, "required": list(required), "additionalProperties": False}


LIBRARY = {"oneOf": [
    closed({"jar": STRING}, ["jar"]), closed({"whl": STRING}, ["whl"]), closed({"egg": STRING}, ["egg"]),
    closed({"requirements": STRING}, ["requirements"]),
    closed({"pypi": closed({"package": STRING, "repo": STRING}, ["package"])}, ["pypi"]),
    closed({"maven": closed({"coordinates": STRING, "repo": STRING, "exclusions": STRINGS}, ["coordinates"])}, ["maven"]),
    closed({"cran": closed({"package": STRING, "repo": STRING}, ["package"])}, ["cran"]),
]}

CLUSTER = closed({
    "spark_version": {"type": "string", "pattern": r"^\d+\.\d+\.x-(scala2\.1[23]|photon-scala2\.1[23])$"},
    "node_type_id": STRING, "num_workers": INT,
    "autoscale": closed({"min_workers": {"type": "integer", "minimum": 1}, "max_workers": {"type": "integer", "minimum": 1}},
                        ["min_workers", "max_workers"]),
    "spark_conf": {"type": "object", "additionalProperties": {"type": "string"}},
    "spark_env_vars": {"type": "object", "additionalProperties": {"type": "string"}},
    "custom_tags": {"type": "object", "additionalProperties": {"type": "string"}},
    "data_security_mode": {"enum": ["NONE", "SINGLE_USER", "USER_ISOLATION", "DATA_SECURITY_MODE_AUTO",
                                    "DATA_SECURITY_MODE_STANDARD", "DATA_SECURITY_MODE_DEDICATED"]},
    "runtime_engine": {"enum": ["STANDARD", "PHOTON"]},
    "policy_id": STRING, "instance_pool_id": STRING, "driver_node_type_id": STRING, "autotermination_minutes": INT,
}, ["spark_version", "node_type_id"])

EMAILS = closed({w: STRINGS for w in ("on_start", "on_success", "on_failure")})
WEBHOOKS = closed({w: {"type": "array", "items": closed({"id": STRING}, ["id"])}
                   for w in ("on_start", "on_success", "on_failure")})


def task_schema(bundle):
    python = (closed({"python_file": {"type": "string", "pattern": r"^\./src/[^/]+\.py$"}, "parameters": STRINGS},
                     ["python_file"]) if bundle else
              closed({"python_file": {"type": "string", "pattern": r"^/(Workspace|Users)/.+\.py$"},
                      "parameters": STRINGS, "source": {"enum": ["WORKSPACE", "GIT"]}}, ["python_file"]))
    return {
        **closed({
            "task_key": {"type": "string", "pattern": r"^[A-Za-z0-9_-]{1,100}$"},
            "description": STRING,
            "depends_on": {"type": "array", "items": closed({"task_key": STRING}, ["task_key"])},
            "spark_python_task": python,
            "new_cluster": CLUSTER, "existing_cluster_id": STRING,
            "libraries": {"type": "array", "items": LIBRARY},
            "max_retries": {"type": "integer", "minimum": -1},
            "min_retry_interval_millis": INT, "retry_on_timeout": {"type": "boolean"},
            "timeout_seconds": INT,
        }, ["task_key", "spark_python_task"]),
        "oneOf": [{"required": ["new_cluster"]}, {"required": ["existing_cluster_id"]}],
    }


RUNS_SUBMIT = closed({
    "run_name": STRING, "timeout_seconds": INT, "idempotency_token": {"type": "string", "maxLength": 64},
    "tasks": {"type": "array", "minItems": 1, "items": task_schema(False)},
    "email_notifications": EMAILS, "webhook_notifications": WEBHOOKS,
}, ["run_name", "tasks"])

PAUSE = {"enum": ["PAUSED", "UNPAUSED"]}
BUNDLE = closed({
    "bundle": closed({"name": {"type": "string", "pattern": r"^[a-z0-9_]+$"}}, ["name"]),
    "targets": {"type": "object", "additionalProperties": closed({
        "default": {"type": "boolean"}, "mode": {"enum": ["development", "production"]},
        "workspace": closed({"host": {"type": "string", "pattern": "^https://"}, "profile": STRING, "root_path": STRING}),
    })},
    "resources": closed({"jobs": {"type": "object", "minProperties": 1, "additionalProperties": closed({
        "name": STRING, "description": STRING, "max_concurrent_runs": {"type": "integer", "minimum": 1},
        "timeout_seconds": INT,
        "schedule": closed({"quartz_cron_expression": STRING, "timezone_id": STRING, "pause_status": PAUSE},
                           ["quartz_cron_expression", "timezone_id"]),
        "continuous": closed({"pause_status": PAUSE}),
        "trigger": closed({"pause_status": PAUSE,
                           "table_update": closed({"table_names": STRINGS}, ["table_names"]),
                           "file_arrival": closed({"url": STRING}, ["url"])}),
        "email_notifications": EMAILS, "webhook_notifications": WEBHOOKS,
        "tasks": {"type": "array", "minItems": 1, "items": task_schema(True)},
    }, ["name", "tasks"])}}, ["jobs"]),
}, ["bundle", "resources"])

# }}}

K8S_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


class ExportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.app = crd_validator("sparkoperator.k8s.io_sparkapplications.yaml")
        cls.scheduled = crd_validator("sparkoperator.k8s.io_scheduledsparkapplications.yaml")
        cls.tmp = tempfile.TemporaryDirectory()
        cls.exports = {}
        for target in ("k8s", "dbx", "local", "connect"):
            for env in (None, "prod"):
                out = os.path.join(cls.tmp.name, f"{target}-{env}")
                status, stdout, stderr = export(PROJECT, target, env, out)
                assert status == 0, f"export --target {target} --env {env}: {stderr}"
                cls.exports[(target, env)] = out

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def k8s_documents(self, env=None):
        out = self.exports[("k8s", env)]
        docs = {}
        for name in sorted(os.listdir(out)):
            if name.endswith(".yaml"):
                with open(os.path.join(out, name), encoding="utf-8") as f:
                    docs[name] = [d for d in yaml.safe_load_all(f) if d is not None]
        return docs

    # Kubernetes

    def test_kubernetes_against_crds(self):
        for env in (None, "prod"):
            docs = self.k8s_documents(env)
            self.assertEqual(sorted(docs), ["01-customer-join.yaml", "02-daily-sales-rollup.yaml",
                                            "03-streaming-click-counter.yaml"])
            for name, pair in docs.items():
                with self.subTest(file=name, env=env):
                    self.assertEqual([d["kind"] for d in pair][0], "ConfigMap")
                    config_map, app = pair
                    self.assertEqual(config_map["apiVersion"], "v1")
                    self.assertTrue(K8S_NAME.match(config_map["metadata"]["name"]))
                    self.assertTrue(K8S_NAME.match(app["metadata"]["name"]))
                    validator = self.scheduled if app["kind"] == "ScheduledSparkApplication" else self.app
                    errors = sorted(validator.iter_errors(app), key=lambda e: list(e.path))
                    self.assertEqual([f"{list(e.path)}: {e.message}" for e in errors], [])
                    spec = app["spec"]["template"] if app["kind"] == "ScheduledSparkApplication" else app["spec"]
                    # The code the application runs is the one the ConfigMap holds and mounts.
                    code_file = spec["mainApplicationFile"].rsplit("/", 1)[1]
                    self.assertIn(code_file, config_map["data"])
                    self.assertIn("def main()", config_map["data"][code_file])
                    self.assertEqual(spec["volumes"][0]["configMap"]["name"], config_map["metadata"]["name"])
                    compile(config_map["data"][code_file], code_file, "exec")

    def test_kubernetes_settings(self):
        docs = self.k8s_documents()
        join = docs["01-customer-join.yaml"][1]
        self.assertEqual(join["kind"], "SparkApplication")
        self.assertEqual(join["metadata"]["namespace"], "spark-jobs")
        spec = join["spec"]
        self.assertEqual(spec["image"], "apache/spark:4.0.1")
        self.assertEqual(spec["sparkVersion"], "4.0.1")
        self.assertEqual(spec["driver"]["memory"], "2g")
        self.assertEqual(spec["driver"]["serviceAccount"], "spark")
        self.assertEqual((spec["executor"]["instances"], spec["executor"]["cores"], spec["executor"]["memory"]), (2, 2, "4g"))
        # optimizations: auto: two shuffle partitions per executor core (2 x 2), AQE, broadcast.
        conf = spec["sparkConf"]
        self.assertEqual(conf["spark.sql.shuffle.partitions"], "8")
        self.assertEqual(conf["spark.sql.adaptive.enabled"], "true")
        self.assertEqual(conf["spark.sql.adaptive.skewJoin.enabled"], "true")
        self.assertEqual(conf["spark.sql.autoBroadcastJoinThreshold"], "40m")
        self.assertEqual(conf["spark.sql.session.timeZone"], "UTC")
        self.assertNotIn("spark.databricks.delta.optimizeWrite.enabled", conf)
        self.assertEqual(spec["restartPolicy"], {"type": "Never"})

        daily = docs["02-daily-sales-rollup.yaml"][1]
        self.assertEqual(daily["kind"], "ScheduledSparkApplication")
        self.assertEqual((daily["spec"]["schedule"], daily["spec"]["timeZone"]), ("0 2 * * *", "UTC"))
        template = daily["spec"]["template"]
        # Dynamic allocation up to 8 executors of 2 cores; a Delta sink: optimized writes.
        self.assertEqual(template["sparkConf"]["spark.sql.shuffle.partitions"], "32")
        self.assertEqual(template["sparkConf"]["spark.databricks.delta.optimizeWrite.enabled"], "true")
        self.assertEqual(template["sparkConf"]["spark.databricks.delta.autoCompact.enabled"], "true")
        self.assertEqual(template["dynamicAllocation"]["maxExecutors"], 8)
        self.assertIn("io.delta:delta-spark_2.13:4.0.0", template["deps"]["packages"])
        self.assertEqual(template["restartPolicy"]["onFailureRetries"], 2)
        self.assertEqual(daily["metadata"]["annotations"]["flint.io/after"], "customer-join")

        clicks = docs["03-streaming-click-counter.yaml"][1]
        self.assertIn("org.apache.spark:spark-sql-kafka-0-10_2.13:4.0.1", clicks["spec"]["deps"]["packages"])

        # Secrets are references to a Kubernetes secret.
        env_vars = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in spec["driver"]["env"]}
        self.assertEqual(env_vars["AWS_ACCESS_KEY_ID"], {"name": "aws-credentials", "key": "access_key_id"})

    def test_environment_overrides(self):
        prod = self.k8s_documents("prod")["01-customer-join.yaml"][1]
        self.assertEqual(prod["metadata"]["namespace"], "spark-prod")
        self.assertEqual((prod["spec"]["executor"]["instances"], prod["spec"]["executor"]["memory"]), (8, "8g"))
        self.assertEqual(prod["spec"]["sparkConf"]["spark.sql.shuffle.partitions"], "32")
        self.assertEqual(prod["spec"]["sparkConf"]["spark.sql.autoBroadcastJoinThreshold"], "81m")
        # The generated main() is the environment's too.
        code = self.k8s_documents("prod")["01-customer-join.yaml"][0]["data"]["customer_join.py"]
        self.assertIn('"spark.executor.memory", "8g"', code)

    def test_apply_in_order_script(self):
        script = os.path.join(self.exports[("k8s", None)], "apply-in-order.sh")
        with open(script, encoding="utf-8") as f:
            text = f.read()
        lines = [l for l in text.splitlines() if l.startswith("run ")]
        self.assertEqual([l.split()[1] for l in lines],
                         ["01-customer-join.yaml", "02-daily-sales-rollup.yaml", "03-streaming-click-counter.yaml"])
        self.assertIn("kubectl \"$@\" apply --server-side -f", text)

    # Databricks

    def test_databricks_runs_submit(self):
        for env in (None, "prod"):
            with open(os.path.join(self.exports[("dbx", env)], "runs-submit.json"), encoding="utf-8") as f:
                body = json.load(f)
            jsonschema.validate(body, RUNS_SUBMIT)
            tasks = {t["task_key"]: t for t in body["tasks"]}
            self.assertEqual(list(tasks), ["customers", "sales", "clicks"])
            self.assertEqual(tasks["sales"]["depends_on"], [{"task_key": "customers"}])
            self.assertNotIn("depends_on", tasks["customers"])
            self.assertEqual(tasks["customers"]["spark_python_task"]["python_file"],
                             "/Workspace/Shared/flint/customer_join.py")
            cluster = tasks["customers"]["new_cluster"]
            self.assertEqual((cluster["node_type_id"], cluster["num_workers"]), ("i3.xlarge", 2))
            self.assertEqual(cluster["spark_env_vars"]["AWS_ACCESS_KEY_ID"], "{{secrets/aws-credentials/access_key_id}}")
            self.assertEqual(tasks["sales"]["new_cluster"]["autoscale"], {"min_workers": 1, "max_workers": 8})
            self.assertEqual(tasks["sales"]["max_retries"], 2)
            self.assertEqual(tasks["sales"]["min_retry_interval_millis"], 60000)
            self.assertEqual(body["webhook_notifications"], {"on_failure": [{"id": "ops-alerts"}]})
            self.assertEqual(body["email_notifications"], {"on_failure": ["data-oncall@example.com"]})

    def test_databricks_bundle(self):
        out = self.exports[("dbx", None)]
        with open(os.path.join(out, "databricks.yml"), encoding="utf-8") as f:
            bundle = yaml.safe_load(f)
        jsonschema.validate(bundle, BUNDLE)
        job = bundle["resources"]["jobs"]["flint_examples"]
        self.assertEqual(job["schedule"], {"quartz_cron_expression": "0 0 2 * * ?", "timezone_id": "UTC",
                                           "pause_status": "UNPAUSED"})
        self.assertEqual(bundle["targets"]["dbx"]["workspace"], {"profile": "DEFAULT"})
        for task in job["tasks"]:
            path = os.path.join(out, task["spark_python_task"]["python_file"])
            self.assertTrue(os.path.isfile(path), path)

    # spark-submit

    def test_scripts_pass_bash_and_shellcheck(self):
        shellcheck = shutil.which("shellcheck")
        self.assertIsNotNone(shellcheck, "shellcheck is missing: ./flint-dev installs it (Debian package shellcheck)")
        scripts = []
        for (target, env), out in self.exports.items():
            for name in sorted(os.listdir(out)):
                if name.endswith(".sh"):
                    scripts.append(os.path.join(out, name))
                    self.assertTrue(os.access(scripts[-1], os.X_OK), scripts[-1])
        self.assertGreaterEqual(len(scripts), 10)
        for script in scripts:
            with self.subTest(script=script):
                proc = subprocess.run(["bash", "-n", script], capture_output=True, text=True)
                self.assertEqual(proc.returncode, 0, proc.stderr)
                proc = subprocess.run([shellcheck, "--severity=style", script], capture_output=True, text=True)
                self.assertEqual(proc.returncode, 0, proc.stdout)

    def test_submit_script_runs_spark_submit(self):
        out = self.exports[("local", None)]
        fake = os.path.join(self.tmp.name, "fake-spark")
        os.makedirs(os.path.join(fake, "bin"), exist_ok=True)
        with open(os.path.join(fake, "bin", "spark-submit"), "w", encoding="utf-8") as f:
            f.write('#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n')
        os.chmod(os.path.join(fake, "bin", "spark-submit"), 0o755)
        env = dict(os.environ, SPARK_HOME=fake, **FAKE_SECRETS)
        proc = subprocess.run([os.path.join(out, "01-customer-join.submit.sh"), "--date", "2026-09-01"],
                              capture_output=True, text=True, env=env)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        args = proc.stdout.splitlines()
        self.assertEqual(args[:2], ["--master", "local[*]"])
        for flag, value in (("--driver-memory", "2g"), ("--executor-memory", "4g"), ("--num-executors", "2"),
                            ("--executor-cores", "2")):
            self.assertEqual(args[args.index(flag) + 1], value)
        self.assertIn("spark.sql.shuffle.partitions=8", args)
        self.assertEqual(args[-3:], [os.path.join(out, "customer_join.py"), "--date", "2026-09-01"])
        # Without its secret in the environment, the script says which one is missing.
        env.pop("AWS_ACCESS_KEY_ID")
        proc = subprocess.run([os.path.join(out, "01-customer-join.submit.sh")], capture_output=True, text=True, env=env)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("set AWS_ACCESS_KEY_ID", proc.stderr)

    def test_spark_connect_script(self):
        with open(os.path.join(self.exports[("connect", None)], "01-customer-join.submit.sh"), encoding="utf-8") as f:
            text = f.read()
        self.assertIn("remote=sc://spark-connect.internal:15002", text)
        self.assertIn('--remote "$remote"', text)
        self.assertNotIn("--num-executors", text)

    # Every target

    def test_no_secret_in_any_byte(self):
        for (target, env), out in self.exports.items():
            for path, data in read_tree(out).items():
                for name, value in FAKE_SECRETS.items():
                    with self.subTest(target=target, env=env, file=path, secret=name):
                        self.assertNotIn(value.encode(), data)

    def test_byte_identical_across_runs(self):
        for target in ("k8s", "dbx", "local"):
            with tempfile.TemporaryDirectory() as other, tempfile.TemporaryDirectory() as cwd:
                # Another working directory, time zone and locale: the same bytes.
                status, _, stderr = export(os.path.abspath(PROJECT), target, "prod", other, cwd=cwd,
                                           extra_env={"TZ": "Pacific/Auckland", "LC_ALL": "C", "HOME": cwd})
                self.assertEqual(status, 0, stderr)
                self.assertEqual(read_tree(other), read_tree(self.exports[(target, "prod")]))


class CheckTest(unittest.TestCase):
    """export --check: what CI runs to fail a change whose exported specs drifted."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.pipeline = os.path.join(self.dir.name, "daily-sales-rollup.flint.yaml")
        with open(os.path.join(ROOT, "data", "examples", "daily-sales-rollup.flint.yaml"), encoding="utf-8") as f:
            text = f.read()
        text = text.replace("    local: {kind: local}\n",
                            "    local: {kind: local}\n"
                            "    prod: {kind: kubernetes, namespace: spark, image: \"apache/spark:4.0.1\"}\n")
        self.write(text)
        self.out = os.path.join(self.dir.name, "deploy")

    def tearDown(self):
        self.dir.cleanup()

    def write(self, text):
        self.text = text
        with open(self.pipeline, "w", encoding="utf-8") as f:
            f.write(text)

    def test_check_catches_an_edited_pipeline(self):
        status, stdout, stderr = export(self.pipeline, "prod", out=self.out)
        self.assertEqual(status, 0, stderr)
        self.assertEqual(stdout.split(), ["daily-sales-rollup.yaml"])
        status, stdout, stderr = export(self.pipeline, "prod", out=self.out, check=True)
        self.assertEqual((status, stdout, stderr), (0, "", ""))

        self.write(self.text.replace("executor: {instances: 4, cores: 2, memory: 4g}",
                                     "executor: {instances: 4, cores: 2, memory: 6g}"))
        status, stdout, stderr = export(self.pipeline, "prod", out=self.out, check=True)
        self.assertEqual(status, 1)
        self.assertIn("--- a/daily-sales-rollup.yaml\n+++ b/daily-sales-rollup.yaml\n", stdout)
        self.assertIn('\n-      memory: "4g"\n', stdout)
        self.assertIn('\n+      memory: "6g"\n', stdout)
        self.assertIn("1 file in", stderr)
        self.assertIn("is stale", stderr)

        # Exporting again brings the directory up to date.
        self.assertEqual(export(self.pipeline, "prod", out=self.out)[0], 0)
        self.assertEqual(export(self.pipeline, "prod", out=self.out, check=True)[0], 0)

    def test_check_catches_missing_and_leftover_files(self):
        self.assertEqual(export(self.pipeline, "prod", out=self.out)[0], 0)
        os.rename(os.path.join(self.out, "daily-sales-rollup.yaml"), os.path.join(self.out, "old-name.yaml"))
        status, stdout, _ = export(self.pipeline, "prod", out=self.out, check=True)
        self.assertEqual(status, 1)
        self.assertIn("+++ b/daily-sales-rollup.yaml", stdout)
        self.assertIn("--- a/old-name.yaml", stdout)
        # A fresh export removes what an earlier one wrote and this one does not.
        self.assertEqual(export(self.pipeline, "prod", out=self.out)[0], 0)
        self.assertEqual(sorted(os.listdir(self.out)), ["daily-sales-rollup.yaml"])


class BadInputTest(unittest.TestCase):
    """Mistakes get an error that names the setting, and exit status 1."""

    def export_text(self, text, target, env=None):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "job.flint.yaml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            return export(path, target, env, os.path.join(d, "out"))

    def example(self, targets):
        with open(os.path.join(ROOT, "data", "examples", "customer-join.flint.yaml"), encoding="utf-8") as f:
            text = f.read()
        return text.replace("    local: {kind: local}\n", targets)

    def test_kubernetes_target_without_image(self):
        status, _, stderr = self.export_text(self.example("    k8s: {kind: kubernetes, namespace: spark}\n"), "k8s")
        self.assertEqual(status, 1)
        self.assertIn("job.targets.k8s.image", stderr)
        self.assertIn("has no container image", stderr)

    def test_unknown_environment(self):
        status, _, stderr = self.export_text(self.example("    local: {kind: local}\n"), "local", "staging")
        self.assertEqual(status, 1)
        self.assertIn("there is no environment 'staging'", stderr)

    def test_unknown_target(self):
        status, _, stderr = self.export_text(self.example("    local: {kind: local}\n"), "prod")
        self.assertEqual(status, 1)
        self.assertIn("there is no target 'prod' (defined: local)", stderr)

    def test_bad_cron(self):
        text = self.example("    local: {kind: local}\n").replace("  optimizations: auto\n",
                                                                 "  optimizations: auto\n  schedule: {cron: \"0 2 * *\"}\n")
        status, _, stderr = self.export_text(text, "local")
        self.assertEqual(status, 1)
        self.assertIn("job.schedule.cron: job setting 'schedule.cron' is not a valid cron expression", stderr)

    def test_memory_spark_rejects(self):
        text = self.example("    local: {kind: local}\n").replace("memory: 4g", "memory: 4gb")
        status, _, stderr = self.export_text(text, "local")
        self.assertEqual(status, 1)
        self.assertIn("job.executor.memory: job setting 'executor.memory' is '4gb'", stderr)
        self.assertIn("(write 4g)", stderr)

    def test_bad_environment_value_names_its_path(self):
        text = self.example("    local: {kind: local}\n  environments:\n    prod: {driver: {memory: 2 GB}}\n")
        status, _, stderr = self.export_text(text, "local", "prod")
        self.assertEqual(status, 1)
        self.assertIn("job.environments.prod.driver.memory", stderr)

    def test_project_cycle(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "flint-project.yaml")
            examples = os.path.join(ROOT, "data", "examples")
            with open(path, "w", encoding="utf-8") as f:
                f.write("flint-project: 1\nname: loop\npipelines:\n"
                        f"  - {{id: a, file: {examples}/customer-join.flint.yaml, after: [b]}}\n"
                        f"  - {{id: b, file: {examples}/daily-sales-rollup.flint.yaml, after: [a]}}\n")
            status, _, stderr = export(path, "local", out=os.path.join(d, "out"))
            self.assertEqual(status, 1)
            self.assertIn("pipelines: the after: lists form a cycle", stderr)


def main():
    global FLINT_CLI, ROOT, SHARED, PROJECT
    FLINT_CLI = os.path.abspath(sys.argv[1])
    ROOT = os.path.abspath(sys.argv[2])
    SHARED = os.path.join(os.path.dirname(ROOT), "shared")
    PROJECT = os.path.join(ROOT, "tests", "export", "examples.flint-project.yaml")
    crds = os.path.join(SHARED, "reference", "spark-operator", "sparkoperator.k8s.io_sparkapplications.yaml")
    if not os.path.isfile(crds):
        sys.exit(f"test_export: the spark-operator CRDs are missing: {crds} must exist "
                 "(CI keeps shared/ beside the clone)")
    unittest.main(argv=sys.argv[:1] + sys.argv[3:], verbosity=2)


if __name__ == "__main__":
    main()
