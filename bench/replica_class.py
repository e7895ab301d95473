"""Students held at p95 <= 1 s with 1 and with N replicas behind nginx: the class load test through the proxy.

    python -m bench.replica_class --replicas 1 3 --students 30 60 90 --run-time 60

It starts ``deploy/replicas.sh`` once per replica count (this interpreter's streamlit), opens one page
on every replica directly (the first page of a process pays the imports of torch and scikit-learn), then
for each student count, with each replica count back to back, runs ``python -m bench.classroom --url PROXY``
(typing students, no Train, no visitors in a row) and prints one row: messages, errors, p50/p95 of all
messages and of typed sentences, the replicas' CPU seconds during the class (``/proc``, all of them
together), CPU seconds per student per minute, the load generator's own CPU and the machine's load
average before and after. A replica count's ladder stops when a class's p95 goes over ``--stop-above``
seconds. On a shared machine the latencies depend on the other processes: compare the replica counts
run back to back, and read the CPU-seconds, which do not.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import cpu_seconds
from bench.replicas_proc import ROOT, Replicas, running_replicas
from bench.st_client import Visitor


def run_class(url: str, students: int, args: argparse.Namespace, report: Path) -> dict:
    command = [sys.executable, "-m", "bench.classroom", "--url", url]
    command += ["--students", str(students), "--ramp", str(args.ramp), "--run-time", str(args.run_time)]
    command += ["--think", str(args.think), "--visitors", "0", "--edits", "0", "--train-weight", "0"]
    command += ["--seed", "1", "--json", str(report)]
    subprocess.run(command, cwd=ROOT, capture_output=True, timeout=args.run_time + 300, check=False)
    return json.loads(report.read_text())


def measure(replicas: Replicas, count: int, students: int, args: argparse.Namespace) -> dict:
    """One class through the proxy of ``count`` replicas: its latencies and the replicas' CPU."""
    cpu_before = sum(cpu_seconds(pid) for pid in replicas.pids.values())
    load_before = os.getloadavg()[0]
    report = run_class(replicas.url, students, args, replicas.workdir / f"class-{students}.json")
    cpu = sum(cpu_seconds(pid) for pid in replicas.pids.values()) - cpu_before
    every = report["messages"]["all"]
    return {
        "replicas": count,
        "students": students,
        "messages": every["count"],
        "errors": report["error_count"],
        "p50_all_s": every["p50_ms"] / 1000,
        "p95_all_s": every["p95_ms"] / 1000,
        "p95_type_s": report["messages"].get("type", {}).get("p95_ms", 0) / 1000,
        "replica_cpu_s": round(cpu, 1),
        "cpu_s_per_student_min": round(cpu / students / (args.run_time / 60), 3),
        "loadgen_cpu_s": report["load_generator_cpu_s"],
        "load_before": round(load_before, 1),
        "load_after": round(os.getloadavg()[0], 1),
        "first_errors": report["errors"][:3],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--students", type=int, nargs="+", default=[30, 60, 90])
    parser.add_argument("--run-time", type=float, default=60.0)
    parser.add_argument("--ramp", type=float, default=20.0)
    parser.add_argument("--think", type=float, default=10.0)
    parser.add_argument("--memory-total-mb", type=int, default=3000)
    parser.add_argument("--stop-above", type=float, default=3.0, help="p95 seconds that end a ladder")
    parser.add_argument("--json", type=Path, help="also write every row here")
    args = parser.parse_args()
    rows = []
    print(
        "replicas students messages errors p50_all p95_all p95_type replica_cpu_s cpu_s/student/min"
        " loadgen_cpu_s load_before load_after"
    )
    with contextlib.ExitStack() as stack:
        deployments = {}
        for count in args.replicas:  # all up at once: idle replicas cost next to nothing
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="embedviz-class-")))
            deployments[count] = stack.enter_context(running_replicas(count, args.memory_total_mb, workdir))
            for address in deployments[count].pids:
                warm = Visitor(f"http://{address}", timeout=180)
                warm.connect(load_page=False)
                warm.close()
        # Each class size with every replica count back to back, so the machine's load hits them alike.
        for students in args.students:
            for count, replicas in list(deployments.items()):
                row = measure(replicas, count, students, args)
                rows.append(row)
                print(" ".join(str(v) for k, v in row.items() if k != "first_errors"), flush=True)
                if row["p95_all_s"] > args.stop_above:
                    del deployments[count]
            if not deployments:
                break
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
