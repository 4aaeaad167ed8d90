#!/usr/bin/env python3
# test_install.py: `meson install` into a prefix of its own gives a complete, working Flint.
#
# Usage: test_install.py SOURCE_ROOT WORK_DIR APP_ID WITH_GUI(true|false)
#
# Configures a second build of the source tree in WORK_DIR/build with
# --prefix=WORK_DIR/prefix (kept between runs, so a rerun only rebuilds what changed),
# installs it afresh, and checks what a user gets: the programs, the desktop file, metainfo,
# icons, MIME type, D-Bus service, GSettings schema, examples and translations; that
# flint-cli runs from the prefix (catalog, validate an installed example); and that it
# speaks German with LANGUAGE=de (help and a validation error). TAP on stdout.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT, WORK, APP_ID, WITH_GUI = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "true"
BUILD = os.path.join(WORK, "build")
PREFIX = os.path.join(WORK, "prefix")
BROKEN = os.path.join(ROOT, "tests", "install", "broken-column.flint.yaml")

results = []


def check(ok, name, detail=""):
    results.append((bool(ok), name, detail))
    return ok


def finish():
    print(f"1..{len(results)}")
    for i, (ok, name, detail) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
        if detail and not ok:
            for line in str(detail).splitlines()[-40:]:
                print(f"# {line}")
    sys.exit(0 if results and all(ok for ok, _, _ in results) else 1)


def run(argv, env=None, cwd=None):
    full_env = dict(os.environ)
    full_env.update(env or {})
    proc = subprocess.run(argv, capture_output=True, text=True, env=full_env, cwd=cwd)
    proc.output = proc.stdout + proc.stderr
    return proc


def share(*parts):
    return os.path.join(PREFIX, "share", *parts)


def cli(*args, language=None):
    env = {"LC_ALL": "C.UTF-8", "NO_COLOR": "1"}
    env["LANGUAGE"] = language or ""
    # Runs from an unrelated directory: nothing may come from the checkout or the build.
    with tempfile.TemporaryDirectory() as cwd:
        return run([os.path.join(PREFIX, "bin", "flint-cli"), *args], env=env, cwd=cwd)


# Build and install.
os.makedirs(WORK, exist_ok=True)
if not os.path.exists(os.path.join(BUILD, "build.ninja")):
    shutil.rmtree(BUILD, ignore_errors=True)
    proc = run(["meson", "setup", BUILD, ROOT, f"--prefix={PREFIX}", "-Dtests=false",
                "-Ddevelopment=" + ("true" if APP_ID.endswith(".Devel") else "false"),
                "-Dgui=" + ("enabled" if WITH_GUI else "disabled")])
    if not check(proc.returncode == 0, "meson setup --prefix", proc.stdout + proc.stderr):
        finish()
proc = run(["ninja", "-C", BUILD])
if not check(proc.returncode == 0, "the prefix build builds", proc.stdout + proc.stderr):
    finish()
shutil.rmtree(PREFIX, ignore_errors=True)
proc = run(["meson", "install", "-C", BUILD, "--no-rebuild", "--quiet"],
           env={"DESTDIR": ""})
if not check(proc.returncode == 0, "meson install", proc.stdout + proc.stderr):
    finish()

# Every file a desktop needs, named after the application id.
expected = [
    os.path.join(PREFIX, "bin", "flint-cli"),
    share("applications", f"{APP_ID}.desktop"),
    share("metainfo", f"{APP_ID}.metainfo.xml"),
    share("icons", "hicolor", "scalable", "apps", f"{APP_ID}.svg"),
    share("icons", "hicolor", "symbolic", "apps", f"{APP_ID}-symbolic.svg"),
    share("mime", "packages", f"{APP_ID}.xml"),
    share("dbus-1", "services", f"{APP_ID}.service"),
    share("glib-2.0", "schemas", "io.github.flintspark.Flint.gschema.xml"),
    share("glib-2.0", "schemas", "gschemas.compiled"),
    share("locale", "de", "LC_MESSAGES", "flint.mo"),
    share("locale", "fr", "LC_MESSAGES", "flint.mo"),
]
if WITH_GUI:
    expected.append(os.path.join(PREFIX, "bin", "flint"))
for path in expected:
    check(os.path.isfile(path), f"installed {os.path.relpath(path, PREFIX)}")

examples_dir = share("flint", "examples")
examples = sorted(f for f in os.listdir(examples_dir) if f.endswith(".flint.yaml")) \
    if os.path.isdir(examples_dir) else []
check(len(examples) >= 3, "the examples are installed", examples)

# The installed data files are valid as installed.
desktop = share("applications", f"{APP_ID}.desktop")
if shutil.which("desktop-file-validate") and os.path.exists(desktop):
    proc = run(["desktop-file-validate", desktop])
    check(proc.returncode == 0 and not proc.stdout.strip(), "installed desktop file validates",
          proc.stdout + proc.stderr)
metainfo = share("metainfo", f"{APP_ID}.metainfo.xml")
if shutil.which("appstreamcli") and os.path.exists(metainfo):
    proc = run(["appstreamcli", "validate", "--no-net", metainfo])
    check(proc.returncode == 0, "installed metainfo validates", proc.stdout + proc.stderr)
    with open(metainfo, encoding="utf-8") as f:
        text = f.read()
    check('xml:lang="de"' in text and 'xml:lang="fr"' in text,
          "the installed metainfo carries the German and French text")

if os.path.exists(desktop):
    with open(desktop, encoding="utf-8") as f:
        entry = f.read()
    check(f"Icon={APP_ID}\n" in entry, "the desktop file names the installed icon")
    check(re.search(r"^MimeType=.*application/x-flint-pipeline;", entry, re.M),
          "the desktop file opens Flint pipelines")
    check("Name[de]=" in entry or "Comment[de]=" in entry, "the desktop file is translated")
    if "DBusActivatable=true" in entry:
        service = share("dbus-1", "services", f"{APP_ID}.service")
        text = open(service, encoding="utf-8").read() if os.path.exists(service) else ""
        check(f"Name={APP_ID}\n" in text and
              f"Exec={os.path.join(PREFIX, 'bin', 'flint')} --gapplication-service" in text,
              "the D-Bus service starts the installed flint as a service", text)

# *.flint.yaml is recognised by the MIME database as a Flint pipeline (a YAML subclass).
mime_xml = share("mime", "packages", f"{APP_ID}.xml")
system_mime = "/usr/share/mime/packages/freedesktop.org.xml"
if shutil.which("update-mime-database") and shutil.which("gio") and os.path.exists(system_mime):
    with tempfile.TemporaryDirectory() as data_home:
        packages = os.path.join(data_home, "mime", "packages")
        os.makedirs(packages)
        shutil.copy(system_mime, packages)
        shutil.copy(mime_xml, packages)
        proc = run(["update-mime-database", os.path.join(data_home, "mime")])
        check(proc.returncode == 0, "update-mime-database accepts the MIME type", proc.stderr)
        sample = os.path.join(examples_dir, examples[0]) if examples else BROKEN
        proc = run(["gio", "info", "-a", "standard::content-type", sample],
                   env={"XDG_DATA_HOME": data_home, "XDG_DATA_DIRS": data_home})
        check("application/x-flint-pipeline" in proc.stdout,
              "an installed example is an application/x-flint-pipeline", proc.stdout + proc.stderr)
        with open(os.path.join(data_home, "mime", "subclasses"), encoding="utf-8") as f:
            check("application/x-flint-pipeline application/yaml" in f.read(),
                  "application/x-flint-pipeline is a subclass of application/yaml")

# flint-cli works from the prefix.
proc = cli("catalog")
check(proc.returncode == 0 and "source.csv" in proc.stdout and "transform.join" in proc.stdout,
      "installed flint-cli lists the catalog", proc.stdout + proc.stderr)
for name in examples:
    proc = cli("validate", os.path.join(examples_dir, name))
    check(proc.returncode == 0, f"installed flint-cli validates the installed example {name}",
          proc.stdout + proc.stderr)
proc = cli("validate", BROKEN)
check(proc.returncode == 1 and "unknown column 'agee'" in proc.output,
      "installed flint-cli reports the broken pipeline's error in English",
      proc.stdout + proc.stderr)

# German, from the installed catalogue.
proc = cli("--help", language="de")
check(proc.returncode == 0 and "Befehle:" in proc.stdout
      and "Pipelines prüfen und Probleme wie ein Compiler melden" in proc.stdout
      and "Commands:" not in proc.stdout,
      "LANGUAGE=de flint-cli --help is German", proc.stdout + proc.stderr)
proc = cli("validate", BROKEN, language="de")
check(proc.returncode == 1 and "unbekannte Spalte „agee“" in proc.output
      and "unknown column" not in proc.output,
      "LANGUAGE=de flint-cli validate reports the error in German", proc.stdout + proc.stderr)
proc = cli("validate", BROKEN, language="fr")
check(proc.returncode == 1 and "colonne inconnue « agee »" in proc.output,
      "LANGUAGE=fr flint-cli validate reports the error in French", proc.stdout + proc.stderr)

finish()
