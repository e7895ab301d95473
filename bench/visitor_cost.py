"""Server CPU per new visitor and per warm edit of the sentence, measured as a user runs the app.

Usage::

    python -m bench.visitor_cost CHECKOUT [--visitors 10] [--edits 10] [--cpus 0]
    python -m bench.visitor_cost --url http://127.0.0.1:8501

``CHECKOUT`` is a folder set up with the README's install command (``.venv`` inside it); the server is
started there exactly as the README starts it. Each new visitor opens a websocket, runs the script once
(the first page), closes; its cost is the server's CPU time (``/proc``, all threads) from before it
connected until ``SETTLE`` seconds after its ``script_finished`` (work the server does after the run, such
as file watchers, counts too); the server's idle CPU per second is printed next to it. The first visitor
after start-up (it pays the imports of torch and scikit-learn, once per process) is reported apart from
the ``--visitors`` after it. A warm edit is one more sentence typed by an open session. With ``--url``
the server's pid is not known and only latencies are printed. On a shared machine the figures are
noisy: repeat, compare medians.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from bench.common import Server, cpu_seconds, peak_rss_mb
from bench.st_client import Visitor

SETTLE = 1.0  # seconds after script_finished that still count for the visitor
EDIT_SETTLE = 0.3


def _measure(pid: int | None, action, settle: float) -> tuple[float | None, float]:
    before = cpu_seconds(pid) if pid else None
    run = action()
    if not run.succeeded or run.exceptions:
        raise RuntimeError(f"script run failed: status {run.status}, {run.exceptions[:1]}")
    time.sleep(settle)  # let the server finish what the run left behind; counted, on purpose
    return (cpu_seconds(pid) - before if pid else None), run.seconds


def measure(url: str, pid: int | None, visitors: int, edits: int, query: str = "") -> dict:
    """CPU seconds and latency per new visitor and per warm edit (lists, in order, plus medians)."""
    idle = None
    if pid:
        start = cpu_seconds(pid)
        time.sleep(SETTLE * 2)
        idle = (cpu_seconds(pid) - start) / 2
    visitor_cpu, visitor_s = [], []
    for _ in range(visitors + 1):  # the first one after start-up pays the imports: reported apart
        visitor = Visitor(url, query_string=query, timeout=120)
        cpu, seconds = _measure(pid, visitor.connect, SETTLE)
        visitor.close()
        visitor_cpu.append(cpu)
        visitor_s.append(seconds)
    edit_cpu, edit_s = [], []
    visitor = Visitor(url, query_string=query, timeout=120)
    visitor.connect()
    for i in range(edits):

        def edit(i: int = i):
            visitor.set_text("text", f"Student number {i} types the sentence number {i * 7 + 3}")
            return visitor.rerun()

        cpu, seconds = _measure(pid, edit, EDIT_SETTLE)
        edit_cpu.append(cpu)
        edit_s.append(seconds)
    visitor.close()
    first_cpu, first_s = visitor_cpu.pop(0), visitor_s.pop(0)
    out = {
        "idle_cpu_per_s": idle,
        "first_visitor_cpu_s": first_cpu,
        "first_visitor_first_run_s": round(first_s, 3),
        "visitor_cpu_s": visitor_cpu,
        "visitor_first_run_s": [round(s, 3) for s in visitor_s],
        "edit_cpu_s": edit_cpu,
        "edit_s": [round(s, 3) for s in edit_s],
        "median_visitor_first_run_s": statistics.median(visitor_s) if visitor_s else None,
        "median_edit_s": statistics.median(edit_s) if edit_s else None,
    }
    if pid:
        out["median_visitor_cpu_s"] = statistics.median(visitor_cpu) if visitor_cpu else None
        out["median_edit_cpu_s"] = statistics.median(edit_cpu) if edit_cpu else None
        out["peak_rss_mb"] = round(peak_rss_mb(pid), 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkout", nargs="?", type=Path, help="folder with app.py and .venv (README set-up)")
    parser.add_argument("--url", help="an already running server (127.0.0.1 or localhost only)")
    parser.add_argument("--visitors", type=int, default=10)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--cpus", help="pin the server to these cores (taskset -c), e.g. 0")
    parser.add_argument("--log", type=Path, help="write the server's output here")
    args = parser.parse_args()
    if (args.checkout is None) == (args.url is None):
        parser.error("give a checkout folder or --url")
    if args.url:
        print(json.dumps(measure(args.url, None, args.visitors, args.edits), indent=1))
        return
    server = Server(args.checkout.resolve(), cpus=args.cpus, log_path=args.log)
    server.start()
    try:
        started_cpu = cpu_seconds(server.pid)
        result = measure(server.url, server.pid, args.visitors, args.edits)
        result["server_start_cpu_s"] = started_cpu
        print(json.dumps(result, indent=1))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
