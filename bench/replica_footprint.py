"""What each replica of ``deploy/replicas.sh`` costs: CPU seconds to start, memory idle and after visitors.

Starts N replicas behind nginx (the deploy script itself), then reads ``/proc`` of every replica: CPU
seconds (utime + stime) and RSS when all are healthy, and again after VISITORS browser-less visitors have
each loaded one page through the proxy, plus the peak RSS (VmHWM). Prints one row per replica and the
wall time of each visitor's first page. It tells how to split ``MEMORY_TOTAL_MB`` between replicas.

    python -m bench.replica_footprint --replicas 3 --visitors 6
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.common import process_numbers
from bench.replicas_proc import running_replicas
from bench.st_client import Visitor

MiB = 1024 * 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--visitors", type=int, default=6)
    parser.add_argument("--memory-total-mb", type=int, default=1500)
    args = parser.parse_args()
    started = time.perf_counter()
    with (
        tempfile.TemporaryDirectory(prefix="embedviz-footprint-") as tmp,
        running_replicas(args.replicas, args.memory_total_mb, Path(tmp)) as replicas,
    ):
        wall = time.perf_counter() - started
        print(f"{args.replicas} replicas healthy behind nginx after {wall:.1f} s (wall)")
        at_start = {address: process_numbers(pid) for address, pid in replicas.pids.items()}
        visitors: dict[str, int] = dict.fromkeys(replicas.pids, 0)
        for n in range(args.visitors):
            query = f"text=visitor+{n}+measures+the+footprint"
            visitor = Visitor(replicas.url, query_string=query, timeout=120)
            begun = time.perf_counter()
            visitor.connect()  # the page (HTTP) and the first run (websocket), as a browser tab
            print(f"visitor {n}: first page {time.perf_counter() - begun:.2f} s on {visitor.replica}")
            visitors[visitor.replica] += 1
            visitor.close()
        print("replica          visitors  start CPU s  RSS idle MiB  CPU s after  RSS after MiB  peak MiB")
        for address, pid in replicas.pids.items():
            cpu0, rss0, _ = at_start[address]
            cpu1, rss1, peak = process_numbers(pid)
            print(
                f"{address:<16} {visitors[address]:>8} {cpu0:>12.1f} {rss0 / MiB:>13.0f} {cpu1:>12.1f}"
                f" {rss1 / MiB:>14.0f} {peak / MiB:>9.0f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
