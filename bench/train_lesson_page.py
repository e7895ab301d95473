"""How long after a click on Train does the page show the lesson, with the page's defaults?

Run from the repository root::

    python -m bench.train_lesson_page            # 3 rounds, a fresh server each
    python -m bench.train_lesson_page --rounds 1

Each round starts ``streamlit run app.py`` (the browser tests' launcher), opens ``?view=train`` in headless
Chromium (the page's defaults: the lesson, 100 steps, dim 256), clicks Train and waits until the lesson's
figure (``.st-key-train_lesson``) is drawn. It prints that time (the run goes through the server's
training queue, the progress fragment polls once a second, then the page reruns and draws), the server's
CPU-seconds for it (``/proc/PID/stat``, all threads; what a quiet machine would need as wall time on one
core, roughly) and the load average (other processes on the same cores stretch the wall time).
The goal: the default run shows the lesson within 15 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from bench.common import browser_helpers

H = browser_helpers()

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (all its threads), from /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
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
