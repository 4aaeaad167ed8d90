#!/usr/bin/env python3
"""End to end: drive the real designer window with synthesized input (xdotool, under Xvfb).

Drags a CSV source and a CSV sink from the palette onto the canvas, connects the source's
output to the sink's input, and checks that the code view then shows code that reads the
source and writes it through the sink. Widget positions come from the window itself
(FLINT_DEBUG_ALLOCATIONS=1 prints them); the code view's text from FLINT_DEBUG_CODE_FILE.

Usage: test_drag_e2e.py FLINT_BINARY
Exit 77 (skipped) without a display or xdotool.

SPDX-License-Identifier: GPL-3.0-or-later
"""

import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time

TIMEOUT = 20


def xdotool(*args):
    subprocess.run(["xdotool", *map(str, args)], check=True)


class Window:
    def __init__(self, binary, path, env):
        self.proc = subprocess.Popen([binary, path], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, env=env, text=True)
        self.lines = queue.Queue()
        self.state = {}
        self.log = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def _pump(self):
        block = {}
        while True:
            try:
                line = self.lines.get_nowait()
            except queue.Empty:
                return
            self.log.append(line)
            if line == "flint-alloc-end":
                self.state = block
                block = {}
            elif line.startswith(("flint-alloc ", "flint-port ")):
                _, name, *numbers = line.split()
                block[name] = [int(n) for n in numbers]
            elif line.startswith("flint-state "):
                for pair in line.split()[1:]:
                    key, value = pair.split("=")
                    block[key] = int(value)

    def wait(self, what, check):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            self._pump()
            if self.proc.poll() is not None:
                raise AssertionError(f"flint exited ({self.proc.returncode}) waiting for {what}")
            if check(self.state):
                return self.state
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}; last state: {self.state}\n"
                             + "\n".join(self.log[-40:]))

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def centre(rect):
    x, y, w, h = rect
    return x + w // 2, y + h // 2


def drag(start, end, steps=12):
    """Press, move in small steps (GTK needs motion to start a drag), release."""
    xdotool("mousemove", *start)
    time.sleep(0.1)
    xdotool("mousedown", 1)
    time.sleep(0.1)
    for i in range(1, steps + 1):
        x = start[0] + (end[0] - start[0]) * i // steps
        y = start[1] + (end[1] - start[1]) * i // steps
        xdotool("mousemove", x, y)
        time.sleep(0.03)
    time.sleep(0.2)
    xdotool("mouseup", 1)
    time.sleep(0.2)


def main():
    if not os.environ.get("DISPLAY") or shutil.which("xdotool") is None:
        print("1..0 # SKIP needs an X display (xvfb-run) and xdotool")
        return 77

    binary = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="flint-e2e-drag-")
    path = os.path.join(tmp, "e2e-drag.flint.yaml")
    code_file = os.path.join(tmp, "code.py")
    with open(path, "w") as f:
        f.write("flint: 1\nname: e2e-drag\n")

    env = dict(os.environ,
               FLINT_DEBUG_ALLOCATIONS="1",
               FLINT_DEBUG_CODE_FILE=code_file,
               GSK_RENDERER="cairo",
               GSETTINGS_BACKEND="memory",
               XDG_STATE_HOME=tmp,
               NO_AT_BRIDGE="1")
    window = Window(binary, path, env)
    try:
        state = window.wait("the window and palette",
                            lambda s: "canvas" in s and "palette:source.csv" in s
                            and s.get("nodes") == 0)
        canvas = state["canvas"]
        # Keyboard input goes to the focused X window; without a window manager, focus it.
        xdotool("search", "--sync", "--name", "e2e-drag", "windowfocus", "--sync")

        drag(centre(state["palette:source.csv"]), (canvas[0] + 120, canvas[1] + 140))
        state = window.wait("the source on the canvas", lambda s: s.get("nodes") == 1)

        xdotool("mousemove", *centre(state["palette-search"]))
        xdotool("click", 1)
        time.sleep(0.2)
        xdotool("type", "--delay", "40", "sink.csv")
        state = window.wait("the sink in the palette",
                            lambda s: "palette:sink.csv" in s and "palette:source.csv" not in s)
        drag(centre(state["palette:sink.csv"]), (canvas[0] + 460, canvas[1] + 140))
        state = window.wait("both nodes with their ports",
                            lambda s: s.get("nodes") == 2
                            and any(k.endswith(".out") for k in s)
                            and any(k.endswith(".in") for k in s))

        out_port = next(k for k in state if k.endswith(".out"))
        in_port = next(k for k in state if k.endswith(".in"))
        source_id = out_port[:-len(".out")]
        sink_id = in_port[:-len(".in")]
        assert source_id != sink_id, state
        drag(tuple(state[out_port]), tuple(state[in_port]), steps=20)
        window.wait("the edge", lambda s: s.get("edges") == 1)

        # The code view regenerates 300 ms after the change: wait for build() to hand the
        # source's result to the sink.
        def wired(text):
            build = text.split("def build(")[-1].replace(" ", "").replace("\n", "")
            return (f"{sink_id}({source_id}_df" in build
                    or f"{sink_id}(spark,{source_id}_df" in build)

        deadline = time.monotonic() + TIMEOUT
        code = ""
        while time.monotonic() < deadline:
            if os.path.exists(code_file):
                with open(code_file) as f:
                    code = f.read()
                if wired(code):
                    break
            time.sleep(0.1)
        assert wired(code), code
        assert f"def {source_id}(" in code, code
        assert f"def {sink_id}(" in code, code
        assert '.format("csv")' in code, code

        shot = os.environ.get("FLINT_E2E_SCREENSHOT")
        if shot and shutil.which("import"):
            subprocess.run(["import", "-window", "root", shot], check=False)
        print("1..1\nok 1 drag a source and a sink, connect them, see the code")
        return 0
    finally:
        window.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
