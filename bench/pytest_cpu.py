"""What a pytest run costs the machine, not just the clock: CPU-seconds of its whole process tree.

On a shared 2-core box a browser test's wall time mostly says how busy the other jobs were. This runs
``python -m pytest ARGS`` and samples ``/proc`` twice a second: every process below it (the Streamlit
server, Playwright's driver, Chromium's browser, renderer and GPU processes) with its threads' time on a
CPU and time runnable but waiting for one (``/proc/PID/task/TID/schedstat``, the figures of a task that
ended between two samples are lost: at most half a second each). It prints wall time, CPU-seconds, the
wait, the load average before and after, and the CPU-seconds per kind of process.

    python -m bench.pytest_cpu tests/browser/test_accessibility.py -q
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def tree(root: int) -> set[int]:
    """``root`` and every process below it."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    members, grown = {root}, True
    while grown:
        children = {pid for pid, parent in parents.items() if parent in members} - members
        members |= children
        grown = bool(children)
    return members


def task_times(pid: int) -> dict[int, tuple[float, float]]:
    """Thread id -> (seconds on a CPU, seconds runnable but waiting) for each thread of ``pid``."""
    times = {}
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            run_ns, wait_ns, _ = (task / "schedstat").read_text().split()
        except (OSError, ValueError):
            continue
        times[int(task.name)] = (int(run_ns) / 1e9, int(wait_ns) / 1e9)
    return times


def kind(pid: int) -> str:
    """What a process is, from its command line: streamlit, a Chromium process type, playwright, pytest."""
    try:
        raw = (Path(f"/proc/{pid}") / "cmdline").read_bytes()
        command = raw.replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "gone"
    if "streamlit" in command:
        return "streamlit server"
    if "chrom" in command:
        found = re.search(r"--type=([\w-]+)", command)
        return f"chromium {found.group(1) if found else 'browser'}"
    if "playwright" in command or "node" in command.split(" ", 1)[0]:
        return "playwright driver"
    return "pytest" if "pytest" in command else command.split(" ", 1)[0].rsplit("/", 1)[-1]


def main(args: list[str]) -> int:
    load_before = os.getloadavg()
    seen: dict[tuple[int, int], tuple[float, float]] = {}
    kinds: dict[int, str] = {}
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "pytest", *args], cwd=ROOT)
    while child.poll() is None:
        for pid in tree(child.pid):
            kinds.setdefault(pid, kind(pid))
            for tid, value in task_times(pid).items():
                seen[(pid, tid)] = value
        time.sleep(0.5)
    wall = time.perf_counter() - started
    cpu = sum(run for run, _ in seen.values())
    wait = sum(waited for _, waited in seen.values())
    load_after = os.getloadavg()
    print(
        f"\npytest {' '.join(args)}: exit {child.returncode}, wall {wall:.0f} s, CPU {cpu:.0f} s "
        f"(process tree: pytest, Streamlit, Chromium), runnable but waiting for a core {wait:.0f} s; "
        f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after"
    )
    by_kind: dict[str, float] = {}
    for (pid, _), (run, _) in seen.items():
        by_kind[kinds.get(pid, "gone")] = by_kind.get(kinds.get(pid, "gone"), 0.0) + run
    for name, run in sorted(by_kind.items(), key=lambda item: -item[1]):
        print(f"  {name:<28} {run:6.1f} CPU-s")
    return child.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
