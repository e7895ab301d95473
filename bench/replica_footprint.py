"""What each replica of ``deploy/replicas.sh`` costs: CPU seconds to start, memory idle and after visitors.

Starts N replicas behind nginx (the deploy script itself), then reads ``/proc`` of every replica: CPU
seconds (utime + stime) and RSS when all are healthy, and again after VISITORS browser-less visitors have
each loaded one page through the proxy, plus the peak RSS (VmHWM). Prints one row per replica and the
wall time of each visitor's first page. It tells how to split ``MEMORY_TOTAL_MB`` between replicas.

    .venv/bin/python bench/replica_footprint.py --replicas 3 --visitors 6
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from many_visitors import process_numbers  # noqa: E402 (bench/ is on the path when run as a script)

from tests.stream_session import StreamSession  # noqa: E402

MiB = 1024 * 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--visitors", type=int, default=6)
    parser.add_argument("--memory-total-mb", type=int, default=1500)
    args = parser.parse_args()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        base = probe.getsockname()[1]  # the next ports are assumed free (replicas.sh fails loudly if not)
    workdir = Path(tempfile.mkdtemp(prefix="embedviz-footprint-"))
    env = {
        **os.environ,
        "REPLICAS": str(args.replicas),
        "LISTEN": f"127.0.0.1:{base}",
        "PORT_BASE": str(base + 1),
        "MEMORY_TOTAL_MB": str(args.memory_total_mb),
        "WORKDIR": str(workdir),
        "STREAMLIT": str(Path(sys.executable).parent / "streamlit"),
    }
    started = time.perf_counter()
    script = subprocess.Popen(
        ["bash", str(REPO_ROOT / "deploy" / "replicas.sh")], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert script.stdout is not None
        ready = script.stdout.readline()
        if not ready.startswith("READY"):
            print(f"replicas.sh failed: {ready}", file=sys.stderr)
            return 1
        wall = time.perf_counter() - started
        print(f"{args.replicas} replicas healthy behind nginx after {wall:.1f} s (wall)")
        rows = [line.split("\t") for line in (workdir / "replicas.tsv").read_text().splitlines()]
        pids = {f"127.0.0.1:{port}": int(pid) for _, port, pid in rows}
        at_start = {address: process_numbers(pid) for address, pid in pids.items()}
        visitors: dict[str, int] = dict.fromkeys(pids, 0)
        for n in range(args.visitors):
            visitor = StreamSession(ready.split()[1], f"visitor {n} measures the footprint", timeout=120)
            visitor.get("/")
            begun = time.perf_counter()
            visitor.connect()
            print(f"visitor {n}: first page {time.perf_counter() - begun:.2f} s on {visitor.replica}")
            visitors[visitor.replica] += 1
            visitor.close()
        print("replica          visitors  start CPU s  RSS idle MiB  CPU s after  RSS after MiB  peak MiB")
        for address, pid in pids.items():
            cpu0, rss0, _ = at_start[address]
            cpu1, rss1, peak = process_numbers(pid)
            print(
                f"{address:<16} {visitors[address]:>8} {cpu0:>12.1f} {rss0 / MiB:>13.0f} {cpu1:>12.1f}"
                f" {rss1 / MiB:>14.0f} {peak / MiB:>9.0f}"
            )
    finally:
        script.send_signal(signal.SIGTERM)
        script.wait(timeout=60)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
