"""Profile warm reruns on both sides: ``python -m bench.profile_rerun [--tokens 5] [--dim 256]``.

Starts ``streamlit run app.py``, opens it in headless Chromium and edits the sentence a few times, while

* py-spy samples the server process (every Python thread; needs ``py-spy`` from requirements-dev.txt and
  permission to ptrace, e.g. root in a container), and
* Chrome's own sampling profiler (DevTools protocol) records the page's main thread during the last edit.

It prints where the time went: the server's functions by inclusive samples (embedviz and Streamlit
frames), the page's JavaScript by script file and by function, and per edit the time until the run was
over and the 3D chart had the new data. This is how the costs in docs/performance.md were found.
"""

from __future__ import annotations

import argparse
import collections
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench import run  # the same server launcher, texts and waits as the benchmark

H = run.H
OUT = run.LOGS / "profile"
#: Server frames worth showing: ours, and Streamlit's script runner (where its after-run work shows).
INTERESTING = re.compile(r"embedviz/|app\.py|script_runner|plotly_chart|basedatatypes|sklearn/decomposition")


def server_profile(raw: Path, top: int) -> list[str]:
    """Inclusive samples per function from py-spy's ``--format raw`` output (one stack per line)."""
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        total += int(count)
        frames = {re.sub(r":\d+\)$", ")", frame) for frame in stack.split(";")}
        for frame in frames:
            inclusive[frame] += int(count)
    runs = [n for frame, n in inclusive.items() if frame.startswith("ScriptRunner._run_script ")]
    script = max(runs, default=0)
    rows = [
        f"server: {total} samples at 250/s in all threads (py-spy counts some sleeping ones), {script} in "
        "script runs; inclusive samples per function:"
    ]
    shown = [(frame, n) for frame, n in inclusive.most_common() if INTERESTING.search(frame)][:top]
    rows += [f"  {n:6d}  {frame[:140]}" for frame, n in shown]
    return rows


def page_profile(profile: dict[str, Any], top: int) -> list[str]:
    """Self time per script file and per function from a DevTools ``Profiler.stop`` profile."""
    nodes = {node["id"]: node["callFrame"] for node in profile["nodes"]}
    self_us: collections.Counter[int] = collections.Counter()
    for node_id, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        self_us[node_id] += delta
    by_file: collections.Counter[str] = collections.Counter()
    by_function: collections.Counter[str] = collections.Counter()
    for node_id, us in self_us.items():
        frame = nodes[node_id]
        where = frame["url"].rsplit("/", 1)[-1] or "(no script: native work, idle, GC)"
        by_file[where] += us
        by_function[f"{frame['functionName'] or '(anonymous)'}  [{where}:{frame['lineNumber'] + 1}]"] += us
    rows = [f"page: {sum(self_us.values()) / 1000:.0f} ms of main-thread samples during the last edit"]
    rows += [f"  {us / 1000:7.1f} ms  {name}" for name, us in by_file.most_common(top // 2)]
    rows += ["  by function:"]
    rows += [f"  {us / 1000:7.1f} ms  {name[:140]}" for name, us in by_function.most_common(top)]
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=5, help="about this many tokens per edit")
    parser.add_argument("--dim", type=int, default=256)
    parser.add_argument("--edits", type=int, default=8)
    parser.add_argument("--top", type=int, default=30, help="rows per table")
    args = parser.parse_args(argv)
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    OUT.mkdir(parents=True, exist_ok=True)
    raw = OUT / "server.txt"
    texts = run.Texts()
    from playwright.sync_api import sync_playwright

    server = H.start_streamlit(run.REPO_ROOT / "app.py", OUT / "server.log", timeout=120)
    try:
        with sync_playwright() as playwright:
            browser = H.launch_chromium(playwright)
            context = H.new_instrumented_context(browser)
            page, _ = run.open_page(context, f"{server.url}/?{urlencode({'dim': args.dim})}")
            run.edit(page, texts.get(args.tokens, 999)[0])  # warm-up: first edit of this session
            sampler = subprocess.Popen(
                [spy, "record", "-p", str(server.pid), "-o", str(raw), "--format", "raw", "-r", "250"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            cdp = context.new_cdp_session(page)
            times = []
            for i in range(args.edits):
                if i == args.edits - 1:
                    cdp.send("Profiler.enable")
                    cdp.send("Profiler.setSamplingInterval", {"interval": 200})
                    cdp.send("Profiler.start")
                times.append(run.edit(page, texts.get(args.tokens, i)[0]))
            profile = cdp.send("Profiler.stop")["profile"]
            sampler.send_signal(2)  # SIGINT: py-spy writes its file and exits
            sampler.wait(timeout=60)
            browser.close()
    finally:
        server.stop()
    print(f"edit -> run over and 3D chart redrawn (ms): {', '.join(f'{t:.0f}' for t in times)}")
    print("\n".join(server_profile(raw, args.top) if raw.exists() else ["server: py-spy wrote nothing"]))
    print("\n".join(page_profile(profile, args.top)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
