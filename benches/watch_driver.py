#!/usr/bin/env python3
"""Drives `specctl watch` on a project made by `generate.py --timestamps` and measures, for
each save of a feature file, the latency from the save to:
  - the evidence starting (the runner's start time, as it wrote it to spawned.log), and
  - the observation's JSON document appearing on watch's stdout (the user sees the verdict).

With --board, watch also serves its web board (`--serve 127.0.0.1:0`) and a client listens
to its server-sent events as the page does: `page_ms` is the latency from the save to the
board event that carries the observation (what the browser renders).

Each save changes one step of one scenario (its line numbers stay put), so one scenario is
re-observed. Prints one JSON line: {"saves": N, "start_ms": [...], "result_ms": [...]}
(and "page_ms": [...] with --board). Exits non-zero when watch does not start, or a save is
not observed within 10 s.

Usage: watch_driver.py SPECCTL_BIN PROJECT_DIR SAVES [--board]
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time


def runner_starts(log):
    try:
        with open(log) as fh:
            return [int(l.split()[1]) for l in fh if l.startswith("runner ") and len(l.split()) == 2]
    except FileNotFoundError:
        return []


def listen(proc, pages, cond):
    """Reads the board's address from watch's stderr, then its event stream: the time of
    each board event that carries a finished observation goes to `pages`."""
    line = proc.stderr.readline()
    match = re.match(r"board: http://([0-9.]+):(\d+)/", line)
    if not match:
        sys.exit(f"watch_driver: not the board's address: {line!r}")
    threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
    sock = socket.create_connection((match.group(1), int(match.group(2))), timeout=30)
    sock.sendall(b"GET /events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")

    def read():
        event = None
        for raw in sock.makefile("r", encoding="utf-8"):
            raw = raw.rstrip("\n")
            if raw.startswith("event: "):
                event = raw[7:]
            elif raw.startswith("data: ") and event == "board":
                if not json.loads(raw[6:]).get("running", True):
                    with cond:
                        pages.append(time.time_ns())
                        cond.notify_all()

    threading.Thread(target=read, daemon=True).start()


def main():
    if len(sys.argv) not in (4, 5) or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(sys.argv) == 2 else 2
    binary, root, saves = sys.argv[1], sys.argv[2], int(sys.argv[3])
    board = sys.argv[4:] == ["--board"]
    log = os.path.join(root, "spawned.log")
    specs = sorted(os.listdir(os.path.join(root, "specs")))
    target = os.path.join(root, "specs", specs[len(specs) // 2])
    with open(target) as fh:
        original = fh.read()
    step = re.search(r"^    (When the \S+ operation 1 runs)$", original, re.M)
    if not step:
        sys.exit(f"watch_driver: no step to edit in {target}")

    serve = ["--serve", "127.0.0.1:0"] if board else []
    proc = subprocess.Popen([binary, "watch", "--format", "json", *serve], cwd=root,
                            stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE if board else subprocess.DEVNULL,
                            start_new_session=True, text=True)
    documents = []  # (time_ns, line) of each observation printed
    pages = []  # time_ns of each finished board the page was sent
    cond = threading.Condition()
    if board:
        listen(proc, pages, cond)

    def read():
        for line in proc.stdout:
            with cond:
                documents.append((time.time_ns(), line))
                cond.notify_all()

    threading.Thread(target=read, daemon=True).start()

    def wait_documents(n, timeout):
        with cond:
            return cond.wait_for(lambda: len(documents) >= n, timeout)

    start_ms, result_ms, page_ms = [], [], []
    try:
        if not wait_documents(1, 60):
            sys.exit("watch_driver: specctl watch printed no first observation within 60 s")
        for n in range(1, saves + 1):
            time.sleep(0.3)  # quiet, past the debounce
            before_starts = len(runner_starts(log))
            with cond:
                before_docs, before_pages = len(documents), len(pages)
            text = original.replace(step.group(0), f"{step.group(0)} (save {n})", 1)
            saved = time.time_ns()
            with open(target, "w") as fh:
                fh.write(text)
            if not wait_documents(before_docs + 1, 10):
                sys.exit(f"watch_driver: save {n} was not observed within 10 s")
            with cond:
                shown = documents[before_docs][0]
            starts = runner_starts(log)
            if len(starts) == before_starts:
                sys.exit(f"watch_driver: save {n} was observed without running the evidence")
            start_ms.append(round((starts[-1] - saved) / 1e6, 2))
            result_ms.append(round((shown - saved) / 1e6, 2))
            if board:
                with cond:
                    if not cond.wait_for(lambda: len(pages) > before_pages, 10):
                        sys.exit(f"watch_driver: save {n} never reached the board's page")
                    page_ms.append(round((pages[before_pages] - saved) / 1e6, 2))
    finally:
        with open(target, "w") as fh:
            fh.write(original)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    out = {"saves": saves, "start_ms": start_ms, "result_ms": result_ms}
    if board:
        out["page_ms"] = page_ms
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
