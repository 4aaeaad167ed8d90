#!/usr/bin/env python3
# test_potfiles.py: every file with translatable text is in po/POTFILES (or, on purpose,
# po/POTFILES.skip), every listed file exists, and po/catalog-strings.h matches the catalog.
#
# Usage: test_potfiles.py SOURCE_ROOT        (TAP on stdout)
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import subprocess
import sys

ROOT = os.path.abspath(sys.argv[1])

# What marks a file as holding text for translators.
C_MARKS = re.compile(r"(?<![A-Za-z0-9_])(?:N?C?_|NC_|g_dngettext|g_dgettext|g_dpgettext2|"
                     r"ngettext|gettext)\s*\(")
UI_MARK = re.compile(r'translatable\s*=\s*"yes"')
SOURCE_EXTS = (".c", ".h", ".ui", ".blp")
# Data files whose text is translatable by nature (ITS rules, desktop files).
DATA_SUFFIXES = (".desktop.in", ".desktop.in.in", ".metainfo.xml.in", ".metainfo.xml.in.in",
                 ".gschema.xml", ".mime.xml.in")
SKIP_DIRS = {".git", "po", "tests", "bench", "subprojects", ".flatpak-builder"}

results = []


def check(ok, name, detail=""):
    results.append((ok, name, detail))


def read_list(path):
    entries = []
    if not os.path.exists(path):
        return entries
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                entries.append(line)
    return entries


def translatable_files():
    found = []
    for dirpath, dirnames, filenames in os.walk(ROOT):
        rel_dir = os.path.relpath(dirpath, ROOT)
        if "meson-private" in dirnames:
            dirnames[:] = []  # a build directory: what is in it was generated
            continue
        dirnames[:] = sorted(d for d in dirnames
                             if d not in SKIP_DIRS and not d.startswith("_build")
                             and not (rel_dir == "." and d.startswith(".")))
        for name in sorted(filenames):
            rel = os.path.normpath(os.path.join(rel_dir, name))
            if name.endswith(DATA_SUFFIXES):
                found.append(rel)
                continue
            if not name.endswith(SOURCE_EXTS):
                continue
            with open(os.path.join(ROOT, rel), encoding="utf-8", errors="replace") as f:
                text = f.read()
            if name.endswith(".ui"):
                if UI_MARK.search(text):
                    found.append(rel)
            elif C_MARKS.search(text):
                found.append(rel)
    return found


potfiles = read_list(os.path.join(ROOT, "po", "POTFILES"))
skipped = read_list(os.path.join(ROOT, "po", "POTFILES.skip"))

check(len(potfiles) > 0, "po/POTFILES lists files")

for entry in potfiles:
    check(os.path.isfile(os.path.join(ROOT, entry)), f"POTFILES entry {entry} exists")
for entry in skipped:
    check(os.path.isfile(os.path.join(ROOT, entry)), f"POTFILES.skip entry {entry} exists")
    check(entry not in potfiles, f"{entry} is not both in POTFILES and POTFILES.skip")

found = translatable_files()
check(len(found) > 10, "the scan finds translatable files", f"found {len(found)}")
missing = [f for f in found if f not in potfiles and f not in skipped]
for rel in missing:
    check(False, f"{rel} has translatable text and is in po/POTFILES",
          "add it to po/POTFILES (or, if it is deliberate, to po/POTFILES.skip)")
if not missing:
    check(True, "every file with translatable text is in po/POTFILES or po/POTFILES.skip")

check("po/catalog-strings.h" in potfiles, "po/POTFILES lists the catalog's strings")
proc = subprocess.run([sys.executable, os.path.join(ROOT, "po", "update-catalog-strings.py"),
                       "--check"], capture_output=True, text=True)
check(proc.returncode == 0, "po/catalog-strings.h matches data/catalog/catalog.json",
      proc.stderr.strip())

print(f"1..{len(results)}")
for i, (ok, name, detail) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {name}")
    if detail and not ok:
        for line in detail.splitlines():
            print(f"# {line}")
sys.exit(0 if all(ok for ok, _, _ in results) else 1)
