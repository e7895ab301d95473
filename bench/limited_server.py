"""Visitors on different settings against a server under a real memory limit, and the kernel's verdict.

Starts ``python -m streamlit run app.py`` (the README's command) from ``--checkout`` inside a child
memory cgroup of ``--limit-mb`` MiB (``bench/memory_cgroup.py``; no ``EMBEDVIZ_MEMORY_LIMIT_MB``: the
app reads the cgroup's limit). Then, one after another, ``--visitors`` protocol visitors
(``bench/st_client.py``) open the pipeline view, each on its own seed, the dims taken in turn from
``--dims``, and type ``--edits`` sentences each. Printed (and written to ``--json``):

* the server's RSS, ``RssAnon`` and ``RssFile`` (``/proc/PID/status``) and major page faults
  (``/proc/PID/stat``) after start-up, after every visitor's first page, and at the end;
* the group's peak charge, how often it hit its limit, and OOM kills (the kernel's counters);
* refusals (a page saying what would fit) and errors;
* the server CPU seconds of each warm edit (a changed sentence on a setting already open), per dim.

Example (the figures in docs/capacity.md)::

    python -m bench.limited_server --limit-mb 690 --visitors 12 --dims 256,768 --edits 5
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
import urllib.request
from pathlib import Path

from bench.common import cpu_seconds, free_port
from bench.memory_cgroup import child_group
from bench.st_client import Visitor

REFUSAL = re.compile(r"needs [\d,]+ MB|MB of this server's memory are free")
WORDS = "the cat sat on a mat while seven students typed their own sentences about tea and rain".split()  # noqa: SIM905


def memory(pid: int) -> dict[str, float]:
    """RSS, RssAnon, RssFile (MiB) and major faults of a process, from /proc."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "RssAnon", "RssFile", "RssShmem"):
            fields[name] = int(rest.split()[0]) / 1024
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    fields["majflt"] = int(stat[9])  # field 12 of /proc/PID/stat
    return fields


def wait_healthy(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as answer:
                if answer.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.2)  # polling the health endpoint until it answers, bounded by the deadline
    raise TimeoutError(f"{url} did not answer /_stcore/health within {timeout:.0f} s")


def sentence(visitor: int, edit: int) -> str:
    return " ".join(WORDS[(visitor + edit + i) % len(WORDS)] for i in range(8 + edit % 3))


def run(args: argparse.Namespace) -> dict:
    report: dict = {"limit_mb": args.limit_mb, "phases": {}, "refusals": 0, "errors": [], "edit_cpu_s": {}}
    with child_group(args.limit_mb * 2**20) as group:
        port = free_port()
        log = Path(args.log).open("wb") if args.log else None  # noqa: SIM115 (open while the server runs)
        command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
        command += ["--server.headless", "true", "--server.fileWatcherType", "none"]
        env = {k: v for k, v in os.environ.items() if k != "EMBEDVIZ_MEMORY_LIMIT_MB"}
        if args.tell_limit:  # for a version of the app that does not read its own group's limit
            env["EMBEDVIZ_MEMORY_LIMIT_MB"] = str(args.limit_mb)
        server = group.popen(command, cwd=args.checkout, env=env, stdout=log, stderr=log)
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, 300)
        warm = Visitor(url, query_string="lang=en", timeout=300)
        warm.connect()
        report["phases"]["started"] = memory(server.pid)
        dims = [int(d) for d in args.dims.split(",")]
        visitors = []
        for number in range(args.visitors):
            dim = dims[number % len(dims)]
            visitor = Visitor(url, query_string=f"lang=en&seed={1000 + number}&dim={dim}", timeout=300)
            visitors.append((dim, visitor))
            try:
                first = visitor.connect()
                report["refusals"] += bool(REFUSAL.search(first.body))
            except Exception as error:  # a dead server or a timeout: recorded, the run goes on
                report["errors"].append(f"visitor {number}: {error!r}"[:200])
        report["phases"]["first pages"] = memory(server.pid)
        for edit in range(args.edits):
            for number, (dim, visitor) in enumerate(visitors):
                if visitor.ws is None or "text" not in visitor.on_page:
                    continue
                visitor.set_text("text", sentence(number, edit))
                before = cpu_seconds(server.pid)
                try:
                    page = visitor.rerun()
                except Exception as error:  # recorded, the run goes on
                    report["errors"].append(f"visitor {number} edit {edit}: {error!r}"[:200])
                    continue
                report["edit_cpu_s"].setdefault(str(dim), []).append(cpu_seconds(server.pid) - before)
                report["refusals"] += bool(REFUSAL.search(page.body))
                report["errors"] += [f"visitor {number}: {e[:150]}" for e in page.exceptions]
        report["phases"]["end"] = memory(server.pid)
        kernel = group.report()
        report["cgroup"] = {
            "peak_mb": kernel.max_usage / 2**20,
            "failcnt": kernel.failcnt,
            "oom_kills": kernel.oom_kills,
        }
        report["server_alive"] = server.poll() is None
        group.stop()
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkout", default=str(Path(__file__).resolve().parents[1]))
    parser.add_argument("--limit-mb", type=int, default=690)
    parser.add_argument("--visitors", type=int, default=12)
    parser.add_argument("--dims", default="256,768")
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--tell-limit", action="store_true", help="also set EMBEDVIZ_MEMORY_LIMIT_MB")
    parser.add_argument("--json", default="")
    parser.add_argument("--log", default="")
    args = parser.parse_args()
    report = run(args)
    for phase, values in report["phases"].items():
        print(f"{phase:>12}: " + ", ".join(f"{k} {v:,.0f}" for k, v in values.items()))
    print(f"cgroup: {report['cgroup']}, server alive: {report['server_alive']}")
    print(f"refusals: {report['refusals']}, errors: {len(report['errors'])} {report['errors'][:3]}")
    for dim, seconds in sorted(report["edit_cpu_s"].items(), key=lambda item: int(item[0])):
        warm = seconds[len(seconds) // max(1, args.edits) :]  # after each visitor's first edit
        print(f"warm edit at dim {dim}: median {statistics.median(warm):.3f} s, max {max(warm):.3f} s CPU")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    return 0 if report["cgroup"]["oom_kills"] == 0 and not report["errors"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
