#!/usr/bin/env python3
# test_data_files.py: the MIME type and the icons, as a desktop would read them.
#
# Usage: test_data_files.py SOURCE_ROOT BUILT_MIME_XML        (TAP on stdout)
#
# The MIME file (as built, translations merged) is valid against the shared-mime-info
# format (xmllint with tests/data/shared-mime-info.rng) and claims *.flint.yaml as a YAML
# subclass. The app icon is a 128x128 SVG and the symbolic one a one-colour 16x16 SVG; both
# render (rsvg-convert) to something visible, and the app icon has the colour a GNOME base
# shape has.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib

ROOT, MIME = sys.argv[1], sys.argv[2]
HERE = os.path.dirname(os.path.abspath(__file__))
ICONS = os.path.join(ROOT, "data", "icons", "hicolor")
APP_ICON = os.path.join(ICONS, "scalable", "apps", "io.github.flintspark.Flint.svg")
SYMBOLIC = os.path.join(ICONS, "symbolic", "apps", "io.github.flintspark.Flint-symbolic.svg")
SVG = "{http://www.w3.org/2000/svg}"
MI = "{http://www.freedesktop.org/standards/shared-mime-info}"

results = []


def check(ok, name, detail=""):
    results.append((bool(ok), name, detail))
    return ok


def read_png(path):
    """Returns (width, height, rows of RGBA tuples) of an 8-bit RGBA PNG (rsvg-convert's)."""
    with open(path, "rb") as f:
        data = f.read()
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and color == 6, "expected 8-bit RGBA"
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw, stride, rows, prev = zlib.decompress(idat), width * 4, [], bytearray(width * 4)
    for y in range(height):
        ftype, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - 4] if x >= 4 else 0
            b = prev[x]
            c = prev[x - 4] if x >= 4 else 0
            if ftype == 1:
                line[x] = (line[x] + a) & 255
            elif ftype == 2:
                line[x] = (line[x] + b) & 255
            elif ftype == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[i:i + 4]) for i in range(0, stride, 4)])
        prev = line
    return width, height, rows


def render(svg, size, out):
    proc = subprocess.run(["rsvg-convert", "-w", str(size), "-h", str(size), "-o", out, svg],
                          capture_output=True, text=True)
    return proc.returncode == 0, proc.stderr


# MIME
if shutil.which("xmllint"):
    proc = subprocess.run(["xmllint", "--noout", "--relaxng",
                           os.path.join(HERE, "shared-mime-info.rng"), MIME],
                          capture_output=True, text=True)
    check(proc.returncode == 0, "xmllint: the MIME file is valid shared-mime-info", proc.stderr)
else:
    check(False, "xmllint is installed (flint-dev installs libxml2-utils)")
mime = ET.parse(MIME).getroot().find(f"{MI}mime-type")
check(mime is not None and mime.get("type") == "application/x-flint-pipeline",
      "the MIME type is application/x-flint-pipeline")
if mime is not None:
    globs = [g.get("pattern") for g in mime.findall(f"{MI}glob")]
    check(globs == ["*.flint.yaml"], "its glob is *.flint.yaml", globs)
    parents = [s.get("type") for s in mime.findall(f"{MI}sub-class-of")]
    check(parents == ["application/yaml"], "it is a subclass of application/yaml", parents)
    langs = {c.get("{http://www.w3.org/XML/1998/namespace}lang") for c in mime.findall(f"{MI}comment")}
    check({None, "de", "fr"} <= langs, "its comment is in English, German and French", langs)

# Icons
for path, size in ((APP_ICON, "128"), (SYMBOLIC, "16")):
    root = ET.parse(path).getroot()
    name = os.path.basename(path)
    check(root.get("width") == size and root.get("height") == size and
          root.get("viewBox") == f"0 0 {size} {size}", f"{name} is {size}x{size}")

symbolic_fills = set()
for element in ET.parse(SYMBOLIC).getroot().iter():
    for attr in ("fill", "stroke"):
        value = element.get(attr)
        if value and value != "none":
            symbolic_fills.add(value.lower())
check(len(symbolic_fills) == 1, "the symbolic icon is one colour (GTK recolours it)", symbolic_fills)
check(not any(e.tag in (f"{SVG}linearGradient", f"{SVG}radialGradient", f"{SVG}image", f"{SVG}text")
              for e in ET.parse(SYMBOLIC).getroot().iter()),
      "the symbolic icon has no gradients, images or text")

if shutil.which("rsvg-convert"):
    with tempfile.TemporaryDirectory() as tmp:
        for path, size in ((APP_ICON, 128), (SYMBOLIC, 16), (APP_ICON, 32)):
            out = os.path.join(tmp, f"{size}.png")
            ok, err = render(path, size, out)
            if not check(ok, f"{os.path.basename(path)} renders at {size}px", err):
                continue
            w, h, rows = read_png(out)
            pixels = [p for row in rows for p in row]
            opaque = sum(1 for p in pixels if p[3] > 200)
            # The symbolic icon is mostly outline; the app icon is mostly base.
            share = 0.1 if path == SYMBOLIC else 0.5
            check(w == size and h == size and opaque > share * len(pixels),
                  f"{os.path.basename(path)} at {size}px fills its canvas",
                  f"{opaque} of {len(pixels)} opaque")
            if path == APP_ICON and size == 128:
                # GNOME app icons leave a margin: the corners stay clear of the rounded base.
                check(all(rows[y][x][3] == 0 for x, y in ((0, 0), (127, 0), (0, 127), (127, 127))),
                      "the app icon's corners are transparent (a rounded base)")
                centre_blue = rows[20][20]
                check(centre_blue[2] > centre_blue[0] + 60, "the base is blue", centre_blue)
                spark = max(pixels, key=lambda p: p[0] + p[1] - p[2])
                check(spark[0] > 220 and spark[1] > 100 and spark[2] < 100,
                      "there is a yellow-orange spark", spark)
else:
    check(False, "rsvg-convert is installed (flint-dev installs librsvg2-bin)")

print(f"1..{len(results)}")
for i, (ok, name, detail) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {name}")
    if detail and not ok:
        print(f"# {detail}")
sys.exit(0 if all(ok for ok, _, _ in results) else 1)
