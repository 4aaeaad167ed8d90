#!/usr/bin/env python3
# bench_startup.py: the designer's startup to first frame against a bare AdwApplication window
#
# Runs, alternately, the real designer on an example (FLINT_BENCH_QUIT_AFTER_FIRST_FRAME=1:
# it prints `first-frame-ms N` once its window painted a frame with the document loaded,
# then quits) and bench/bare-window (an empty AdwApplicationWindow that prints the same),
# each under its own Xvfb (xvfb-run) with GSK_RENDERER=cairo. Two figures per run: what the
# program prints (its clock starts before main()) and the wall time from spawning it to that
# line. Each designer run is paired with the bare run just before it: the verdict is the
# median of those paired ratios (against the goal, <= 1.5x), which a shared machine's slow
# spells move far less than two separate medians; the ratio of the medians is printed too.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

GOAL = 1.5


def run_once(argv, env, use_xvfb):
    if use_xvfb:
        argv = ['xvfb-run', '-a', '-s', '-screen 0 1280x800x24'] + argv
    start = time.monotonic()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    reported = None
    wall = None
    lines = []
    for line in proc.stderr:
        lines.append(line)
        m = re.match(r'first-frame-ms ([0-9.]+)', line)
        if m and reported is None:
            wall = (time.monotonic() - start) * 1000.0
            reported = float(m.group(1))
    rc = proc.wait(timeout=120)
    if reported is None:
        sys.stderr.write(''.join(lines[-20:]))
        raise SystemExit('bench_startup: %s printed no first-frame-ms (exit %d)' % (argv[-2:], rc))
    return reported, wall


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--flint', required=True, help='the designer (BUILDDIR/app/flint)')
    ap.add_argument('--bare', required=True, help='BUILDDIR/bench/bare-window')
    ap.add_argument('--schemas', help='the compiled GSettings schemas (BUILDDIR/data)')
    ap.add_argument('--example', default=None,
                    help='default: data/examples/customer-join.flint.yaml')
    ap.add_argument('--runs', type=int, default=15)
    ap.add_argument('--markdown', action='store_true')
    ap.add_argument('--no-xvfb', action='store_true', help='use the current $DISPLAY')
    args = ap.parse_args()

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    example = args.example or os.path.join(root, 'data', 'examples', 'customer-join.flint.yaml')
    use_xvfb = not args.no_xvfb
    if use_xvfb and shutil.which('xvfb-run') is None:
        print('1..0 # SKIP xvfb-run is not installed')
        return 0

    state = tempfile.mkdtemp(prefix='flint-bench-startup-')
    env = dict(os.environ)
    env.update({
        'GSK_RENDERER': 'cairo',
        'NO_AT_BRIDGE': '1',
        'LC_ALL': 'C.UTF-8',
        'GSETTINGS_BACKEND': 'memory',
        # A fresh state dir each time would differ from a user's; one for all runs, empty
        # of recovery files, so no run shows a recovery toast.
        'XDG_STATE_HOME': state,
        'FLINT_BENCH_QUIT_AFTER_FIRST_FRAME': '1',
    })
    if args.schemas:
        env['GSETTINGS_SCHEMA_DIR'] = args.schemas + (
            ':' + env['GSETTINGS_SCHEMA_DIR'] if env.get('GSETTINGS_SCHEMA_DIR') else '')

    # One warm-up of each fills the page cache with the libraries, the icons and the fonts.
    run_once([args.bare], env, use_xvfb)
    run_once([args.flint, example], env, use_xvfb)

    flint, bare = [], []
    for _ in range(args.runs):
        bare.append(run_once([args.bare], env, use_xvfb))
        flint.append(run_once([args.flint, example], env, use_xvfb))
    shutil.rmtree(state, ignore_errors=True)

    def med(rows, i):
        return statistics.median(r[i] for r in rows)

    fr, br = med(flint, 0), med(bare, 0)
    fw, bw = med(flint, 1), med(bare, 1)
    ratio, wall_ratio = fr / br, fw / bw
    paired = statistics.median(f[0] / b[0] for f, b in zip(flint, bare))
    paired_wall = statistics.median(f[1] / b[1] for f, b in zip(flint, bare))
    verdict = 'PASS' if paired <= GOAL else 'FAIL'
    name = os.path.basename(example)
    if args.markdown:
        print('| startup to first frame, median of %d | reported ms | spawn to line ms |' % args.runs)
        print('|---|---:|---:|')
        print('| bare AdwApplicationWindow | %.1f | %.1f |' % (br, bw))
        print('| designer on %s | %.1f | %.1f |' % (name, fr, fw))
        print('| designer / bare, ratio of the medians | %.2fx | %.2fx |' % (ratio, wall_ratio))
        print('| designer / bare, median of paired runs | %.2fx | %.2fx |' % (paired, paired_wall))
        print()
        print('Goal <= %.1fx (median of paired runs): **%s** (%.2fx)' % (GOAL, verdict, paired))
        print()
        print('Runs (reported ms): bare %s; designer %s' % (
            ', '.join('%.0f' % r[0] for r in bare), ', '.join('%.0f' % r[0] for r in flint)))
    else:
        print('bare window: median %.1f ms (spawn to line %.1f ms)' % (br, bw))
        print('designer on %s: median %.1f ms (spawn to line %.1f ms)' % (name, fr, fw))
        print('designer / bare: ratio of medians %.2fx (spawn to line %.2fx)' % (ratio, wall_ratio))
        print('designer / bare: median of paired runs %.2fx (spawn to line %.2fx), goal <= %.1fx: %s'
              % (paired, paired_wall, GOAL, verdict))
    return 0


if __name__ == '__main__':
    sys.exit(main())
