#!/usr/bin/env python3
# test_translations.py: every language in po/LINGUAS is complete against the .pot that the
# sources give today.
#
# Usage: test_translations.py SOURCE_ROOT        (TAP on stdout)
#
# Extracts a fresh .pot with the same xgettext call as meson's flint-pot target (the glib
# preset, po/POTFILES), merges each po/LANG.po into it in a temporary directory, and
# requires `msgfmt --check --statistics` to report 0 fuzzy and 0 untranslated messages. A
# string added to the sources without its translations fails here: add it to every .po
# (`ninja -C _build flint-pot flint-update-po`, then translate) in the same change.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(sys.argv[1])
PO = os.path.join(ROOT, "po")

# meson's i18n 'glib' preset, as po/meson.build uses it.
XGETTEXT_ARGS = [
    "--package-name=flint", "-f", os.path.join(PO, "POTFILES"), "-D", ROOT, "-k_",
    "--from-code=UTF-8", "--add-comments",
    "--keyword=_", "--keyword=N_", "--keyword=C_:1c,2", "--keyword=NC_:1c,2",
    "--keyword=g_dcgettext:2", "--keyword=g_dngettext:2,3", "--keyword=g_dpgettext2:2c,3",
    "--flag=N_:1:pass-c-format", "--flag=C_:2:pass-c-format", "--flag=NC_:2:pass-c-format",
    "--flag=g_dngettext:2:pass-c-format", "--flag=g_strdup_printf:1:c-format",
    "--flag=g_string_printf:2:c-format", "--flag=g_string_append_printf:2:c-format",
    "--flag=g_error_new:3:c-format", "--flag=g_set_error:4:c-format",
    "--flag=g_markup_printf_escaped:1:c-format", "--flag=g_log:3:c-format",
    "--flag=g_print:1:c-format", "--flag=g_printerr:1:c-format", "--flag=g_printf:1:c-format",
    "--flag=g_fprintf:2:c-format", "--flag=g_sprintf:2:c-format", "--flag=g_snprintf:3:c-format",
]

results = []


def check(ok, name, detail=""):
    results.append((bool(ok), name, detail))
    return ok


def statistics(text):
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for number, kind in re.findall(r"(\d+) (translated|fuzzy|untranslated)", text):
        counts[kind] = int(number)
    return counts


def linguas():
    langs = []
    with open(os.path.join(PO, "LINGUAS"), encoding="utf-8") as f:
        for line in f:
            if not line.strip().startswith("#"):
                langs += line.split()
    return langs


with tempfile.TemporaryDirectory() as tmp:
    pot = os.path.join(tmp, "flint.pot")
    proc = subprocess.run(["xgettext", "-o", pot, *XGETTEXT_ARGS], capture_output=True, text=True)
    check(proc.returncode == 0 and os.path.exists(pot), "xgettext extracts the .pot", proc.stderr)
    proc = subprocess.run(["msgfmt", "--statistics", "-o", os.devnull, pot],
                          capture_output=True, text=True)
    total = statistics(proc.stderr)["untranslated"]
    check(total > 500, "the .pot has the app's and the catalog's messages", f"{total} messages")

    langs = linguas()
    check({"de", "fr"} <= set(langs), "po/LINGUAS lists de and fr", langs)
    for lang in langs:
        po = os.path.join(PO, f"{lang}.po")
        if not check(os.path.isfile(po), f"po/{lang}.po exists"):
            continue
        proc = subprocess.run(["msgfmt", "--check", "--statistics", "-o", os.devnull, po],
                              capture_output=True, text=True)
        own = statistics(proc.stderr)
        check(proc.returncode == 0 and own["fuzzy"] == 0 and own["untranslated"] == 0,
              f"po/{lang}.po: msgfmt --check passes, 0 fuzzy, 0 untranslated",
              proc.stderr.strip())

        merged = os.path.join(tmp, f"{lang}.po")
        proc = subprocess.run(["msgmerge", "--quiet", "--no-fuzzy-matching", "-o", merged, po, pot],
                              capture_output=True, text=True)
        if not check(proc.returncode == 0, f"po/{lang}.po merges with the .pot", proc.stderr):
            continue
        proc = subprocess.run(["msgfmt", "--check", "--statistics", "-o", os.devnull, merged],
                              capture_output=True, text=True)
        stats = statistics(proc.stderr)
        missing = subprocess.run(["msgattrib", "--untranslated", "--no-obsolete", "--no-wrap",
                                  merged], capture_output=True, text=True).stdout
        missing_ids = re.findall(r'^msgid "(.+)"$', missing, re.M)
        check(proc.returncode == 0 and stats["fuzzy"] == 0 and stats["untranslated"] == 0
              and stats["translated"] == total,
              f"{lang}: every message of today's sources is translated "
              f"({stats['translated']} of {total})",
              proc.stderr.strip() + "\nuntranslated:\n" + "\n".join(missing_ids[:30]))

print(f"1..{len(results)}")
for i, (ok, name, detail) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {name}")
    if detail and not ok:
        for line in str(detail).splitlines():
            print(f"# {line}")
sys.exit(0 if results and all(ok for ok, _, _ in results) else 1)
