"""How long after a click on Train does the page show the lesson, with the page's defaults?

Run from the repository root::

    python -m bench.train_lesson_page            # 3 rounds, a fresh server each
    python -m bench.train_lesson_page --rounds 1
    python -m bench.train_lesson_page --students 8 --checkout /tmp/clone --cgroup-mb 690

Each round starts ``streamlit run app.py`` (the browser tests' launcher), opens ``?view=train`` in headless
Chromium (the page's defaults: the lesson, 100 steps, dim 256), clicks Train and waits until the lesson's
figure (``.st-key-train_lesson``) is drawn. It prints that time (the run goes through the server's
training queue, the progress fragment polls once a second, then the page reruns and draws), the server's
CPU-seconds for it (``/proc/PID/stat``, all threads; what a quiet machine would need as wall time on one
core, roughly) and the load average (other processes on the same cores stretch the wall time).
The goal: the default run shows the lesson within 15 s.

``--students N`` is a class instead: the server started from ``--checkout`` as the README starts it (its
``.venv``), inside a child memory cgroup of ``--cgroup-mb`` MiB when given (``bench/memory_cgroup.py``),
and N pages in their own browser contexts, student i on ``?view=train&seed=500+i`` (a table of its own),
each clicking Train as soon as its page is there. Printed per student: the lesson shown after its click
(the pages are looked at in turn, so a lesson drawn while an earlier page was waited for counts when its
page is looked at: upper bounds); the last of them, the server's CPU, and the group's peak, limit hits and
OOM kills.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from bench.common import Server, browser_helpers, cpu_seconds
from bench.memory_cgroup import child_group

H = browser_helpers()


def one_round(playwright, log: Path) -> tuple[float, float]:
    server = H.start_streamlit(H.app_script(), log)
    browser = H.launch_chromium(playwright)
    try:
        page = H.new_instrumented_context(browser).new_page()
        H.open_app(page, f"{server.url}/?view=train", timeout_ms=120_000)
        train = page.get_by_test_id("stMainBlockContainer").get_by_role("button", name="Train", exact=True)
        before = cpu_seconds(server.process.pid)
        started = time.perf_counter()
        train.click()
        expect(page.locator(".st-key-train_lesson .main-svg").first).to_be_visible(timeout=600_000)
        seconds = time.perf_counter() - started
        return seconds, cpu_seconds(server.process.pid) - before
    finally:
        browser.close()
        server.stop()


def class_round(playwright, checkout: Path, students: int, cgroup_mb: int | None) -> None:
    """N students press Train on N seeds at once (see the module's docstring); prints what it measured."""
    with contextlib.ExitStack() as stack:
        streamlit, group = None, None
        if cgroup_mb:
            group = stack.enter_context(child_group(cgroup_mb * 2**20))
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            streamlit = group.launcher(checkout / ".venv" / "bin" / "streamlit", folder)
        server = Server(checkout, streamlit=streamlit)
        server.start()
        stack.callback(server.stop)
        browser = H.launch_chromium(playwright)
        stack.callback(browser.close)
        pages = []
        for i in range(students):
            page = H.new_instrumented_context(browser).new_page()
            H.open_app(page, f"{server.url}/?view=train&seed={500 + i}", timeout_ms=300_000)
            pages.append(page)
        before = cpu_seconds(server.pid)
        clicked = []
        for page in pages:
            page.get_by_test_id("stMainBlockContainer").get_by_role(
                "button", name="Train", exact=True
            ).click()
            clicked.append(time.perf_counter())
        shown = []
        for i, page in enumerate(pages):  # each waited for in turn: a later one may already be there
            lesson = page.locator(".st-key-train_lesson .main-svg").first
            expect(lesson).to_be_visible(timeout=600_000)
            shown.append(time.perf_counter())
            print(
                f"  student {i} (seed {500 + i}): lesson shown {shown[-1] - clicked[i]:.1f} s after the click"
            )
        last = max(shown) - clicked[0]
        cpu = cpu_seconds(server.pid) - before
        print(f"last lesson shown {last:.1f} s after the first click; server CPU {cpu:.1f} s")
        if group is not None:
            kernel = group.report()
            peak = kernel.max_usage / 2**20
            print(f"cgroup {cgroup_mb} MiB: peak {peak:.0f} MiB, limit hit {kernel.failcnt} times, ", end="")
            print(f"OOM kills {kernel.oom_kills}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--students", type=int, default=0, help="a class pressing Train on their own seeds")
    parser.add_argument(
        "--checkout", type=Path, default=Path.cwd(), help="with --students: set up by the README"
    )
    parser.add_argument("--cgroup-mb", type=int, help="with --students: the server in a memory cgroup")
    args = parser.parse_args()
    if args.students:
        print(f"load average at the start: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
        with sync_playwright() as playwright:
            class_round(playwright, args.checkout.resolve(), args.students, args.cgroup_mb)
        print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
        return
    print(f"load average at the start: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    walls, cpus = [], []
    with sync_playwright() as playwright:
        for i in range(args.rounds):
            wall, cpu = one_round(playwright, H.ARTIFACTS / "streamlit-train-lesson-bench.log")
            walls.append(wall)
            cpus.append(cpu)
            print(f"  round {i}: lesson shown {wall:.1f} s after the click; server CPU {cpu:.1f} s")
    print(
        f"median: {statistics.median(walls):.1f} s wall, {statistics.median(cpus):.1f} s server CPU "
        f"(goal: 15 s); load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )


if __name__ == "__main__":
    main()
