"""Bounded memory under abuse: sweep ``?dim=`` and ``?seed=`` through many values and watch the server's RSS.

A visitor (or a script) can open the app with any dim from 1 to 2,048 and any seed, and every new pair
means a new 50,257 x dim token table (412 MB at 2,048). The page keeps a few tables
(``st.cache_resource`` in ``embedviz/ui/cache.py``: three small token tables, one large one, four
position tables), so the server's memory should stop growing: this script checks that it does.

It starts ``streamlit run app.py`` on 127.0.0.1 (the browser tests' launcher), opens one headless Chromium
page and loads, one after the other:

* phase "dim": 50 dims spread over 1..2,048 (768, 1,024 and 2,048 included), each with a new seed;
* phase "seed": 50 seeds at dim 768 (the size of GPT-2 small), the common case of a class playing;
* phase "big": 10 new seeds at dim 2,048, the worst case a link can ask for (412 MB per token table).

After each step it checks the page (no exception, the chips there) and reads the server's ``VmRSS`` and
``VmHWM`` from ``/proc/<pid>/status``. It prints a table (step, dim, seed, RSS, peak, what the caches may
legitimately hold, and RSS minus baseline minus that) and a verdict. The baseline (RSS after the first
page) already holds the default 256-dim table pair, about 50 MiB. Nothing here fails: it is a
benchmark, not a test.

    python -m bench.memory_abuse            # 50 + 50 + 10 steps (about 10 minutes)
    python -m bench.memory_abuse --quick    # 10 + 10 + 4 steps
    python -m bench.memory_abuse --quick --env MALLOC_ARENA_MAX=2   # try an allocator setting

``--env`` sets variables for the server only (glibc reads ``MALLOC_*`` at process start).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType
from urllib.parse import urlencode

from bench.common import LOGS, REPO_ROOT, browser_helpers, memory_bytes

GPT2_VOCAB = 50257
CONTEXT_LENGTH = 1024  # the page's default: each position table is 1,024 x dim
MiB = 2**20
# The page's caches (embedviz/ui/cache.py, commit 7fb0cd4): token tables up to SMALL_TABLE_BYTES are
# "small" and the last 3 are kept; of larger ones only the last (the previous one is let go before the
# next is built); the last 4 position tables.
SMALL_TABLES_KEPT, LARGE_TABLES_KEPT, POSITION_TABLES_KEPT = 3, 1, 4
SMALL_TABLE_BYTES = 64 * MiB


def dims_spread(n: int) -> list[int]:
    """``n`` dims from 1 to 2,048, geometric (many small, some huge), with 768, 1,024 and 2,048 in."""
    must = [768, 1024, 2048]
    spread = {round(2048 ** (i / (n - 1))) for i in range(n)} if n > 1 else {1}
    values = sorted(spread | set(must))
    while len(values) > n:  # drop the closest neighbours, never a must-have
        gaps = [(values[i + 1] / values[i], i) for i in range(len(values) - 1) if values[i] not in must]
        values.pop(min(gaps)[1])
    while len(values) < n:  # rounding merged some small dims: split the widest gap
        pairs = itertools.pairwise(values)
        i = max((b / a, i) for i, (a, b) in enumerate(pairs) if b - a > 1)[1]
        values.insert(i + 1, round((values[i] * values[i + 1]) ** 0.5))
    return values


def table_bytes(dim: int) -> int:
    return GPT2_VOCAB * dim * 4


def cache_bound(history: list[tuple[int, int]]) -> int:
    """What the page's caches may legitimately hold after these (dim, seed) steps: the last three
    distinct small token tables, the last large one, and the last four position tables."""
    distinct: list[tuple[int, int]] = []
    for key in reversed(history):
        if key not in distinct:
            distinct.append(key)
    small = [dim for dim, _ in distinct if table_bytes(dim) <= SMALL_TABLE_BYTES][:SMALL_TABLES_KEPT]
    large = [dim for dim, _ in distinct if table_bytes(dim) > SMALL_TABLE_BYTES][:LARGE_TABLES_KEPT]
    positions = sum(CONTEXT_LENGTH * dim * 4 for dim, _ in distinct[:POSITION_TABLES_KEPT])
    return sum(table_bytes(dim) for dim in small + large) + positions


@dataclass
class Step:
    phase: str
    step: int
    dim: int
    seed: int
    seconds: float
    rss: int
    hwm: int
    bound: int
    ok: bool
    problem: str = ""


def run_step(h: ModuleType, page: object, url: str, expected_tokens: int) -> str:
    """Load ``url`` and check the page; return "" if all is well, else what went wrong."""
    try:
        h.open_app(page, url, timeout_ms=300_000)
        h.no_exception(page)
        chips = page.locator("div.ev-chips span.ev-chip").count()
        if chips != expected_tokens:
            return f"{chips} chips, expected {expected_tokens}"
    except Exception as error:  # a benchmark reports, it does not stop
        return f"{type(error).__name__}: {str(error).splitlines()[0][:120]}"
    return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10 values per phase instead of 50 (4 big)")
    parser.add_argument("--steps", type=int, default=None, help="values per phase (default 50, quick 10)")
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE for the server (repeatable)")
    parser.add_argument("--app", default=str(REPO_ROOT / "app.py"))
    args = parser.parse_args()
    n = args.steps or (10 if args.quick else 50)

    h = browser_helpers()
    from playwright.sync_api import sync_playwright

    server_env = dict(item.split("=", 1) for item in args.env)
    saved = {key: os.environ.get(key) for key in server_env}
    os.environ.update(server_env)  # start_streamlit passes os.environ to the server
    LOGS.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    server = h.start_streamlit(Path(args.app), LOGS / "memory_abuse-server.log", timeout=120)
    for key, value in saved.items():  # only the server gets them
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    sentence = "Today the cat sat on the mat"
    steps: list[Step] = []
    try:
        with sync_playwright() as playwright:
            browser = h.launch_chromium(playwright)
            context = h.new_instrumented_context(browser, viewport={"width": 1280, "height": 800})
            page = context.new_page()
            h.open_app(page, server.url, timeout_ms=300_000)
            expected = page.locator("div.ev-chips span.ev-chip").count()
            baseline = memory_bytes(server.pid)
            print(f"server pid {server.pid}, ready after {time.perf_counter() - started:.1f} s")
            print(f"baseline after the first page: RSS {baseline['VmRSS'] / MiB:.0f} MiB")
            env_note = " ".join(args.env) or "default allocator settings"
            print(f"{n} dims + {n} seeds + {max(4, n // 5)} big tables, {env_note}\n")
            print(f"{'phase':<6} {'step':>4} {'dim':>5} {'seed':>11} {'s':>6} {'RSS MiB':>8} {'peak MiB':>9} "
                  f"{'caches may hold':>16} {'RSS-base-caches':>16}  page")  # fmt: skip
            history: list[tuple[int, int]] = [(256, 123)]
            plan = [("dim", dim, 1_000 + i) for i, dim in enumerate(dims_spread(n))]
            plan += [("seed", 768, 7_000_000 + 104_729 * i) for i in range(n)]
            plan += [("big", 2048, 9_000_000 + 7_919 * i) for i in range(max(4, n // 5))]
            for number, (phase, dim, seed) in enumerate(plan, start=1):
                url = f"{server.url}/?{urlencode({'text': sentence, 'dim': dim, 'seed': seed})}"
                tick = time.perf_counter()
                problem = run_step(h, page, url, expected)
                seconds = time.perf_counter() - tick
                history.append((dim, seed))
                memory = memory_bytes(server.pid)
                row = Step(
                    phase, number, dim, seed, seconds, memory["VmRSS"], memory["VmHWM"],
                    cache_bound(history), not problem, problem,
                )  # fmt: skip
                steps.append(row)
                excess = row.rss - baseline["VmRSS"] - row.bound
                print(f"{phase:<6} {number:>4} {dim:>5} {seed:>11} {seconds:>6.1f} {row.rss / MiB:>8.0f} "
                      f"{row.hwm / MiB:>9.0f} {row.bound / MiB:>16.0f} {excess / MiB:>16.0f}  "
                      f"{'ok' if row.ok else problem}", flush=True)  # fmt: skip
            browser.close()
    finally:
        server.stop()

    summarise(steps, baseline, args, n)


def summarise(steps: list[Step], baseline: dict[str, int], args: argparse.Namespace, n: int) -> None:
    """Print the verdict and write the raw rows to test-artifacts/bench/memory_abuse.json."""
    if not steps:
        return
    failures = [s for s in steps if not s.ok]
    peak = max(s.hwm for s in steps)
    worst_bound = max(s.bound for s in steps)
    seed_phase = [s for s in steps if s.phase == "seed"]
    half = len(seed_phase) // 2
    first_half = statistics.median(s.rss for s in seed_phase[:half]) if half else 0
    second_half = statistics.median(s.rss for s in seed_phase[half:]) if half else 0
    print()
    print(f"steps: {len(steps)}, page failures: {len(failures)}")
    for failure in failures:
        print(f"  step {failure.step} (dim {failure.dim}, seed {failure.seed}): {failure.problem}")
    print(f"baseline RSS {baseline['VmRSS'] / MiB:.0f} MiB; peak RSS (VmHWM) {peak / MiB:.0f} MiB")
    print(f"largest cache content in the sweep: {worst_bound / MiB:.0f} MiB; peak - baseline - that = "
          f"{(peak - baseline['VmRSS'] - worst_bound) / MiB:.0f} MiB")  # fmt: skip
    print(f"dim 768 seed phase, median RSS: first half {first_half / MiB:.0f} MiB, "
          f"second half {second_half / MiB:.0f} MiB (a plateau: about equal)")  # fmt: skip
    big = [s for s in steps if s.phase == "big"]
    if big:
        low, high, top = min(s.rss for s in big), max(s.rss for s in big), max(s.hwm for s in big)
        tables = (top - baseline["VmRSS"]) / table_bytes(2048)
        print(f"dim 2,048 phase: RSS {low / MiB:.0f}-{high / MiB:.0f} MiB, peak {top / MiB:.0f} MiB "
              f"= baseline + {tables:.1f} token tables of 2,048 dims")  # fmt: skip
    print(f"final RSS {steps[-1].rss / MiB:.0f} MiB")
    LOGS.mkdir(parents=True, exist_ok=True)
    out = LOGS / ("memory_abuse-quick.json" if args.quick else "memory_abuse.json")
    out.write_text(
        json.dumps(
            {
                "command": " ".join([Path(sys.executable).name, *sys.argv]),
                "steps_per_phase": n,
                "env": args.env,
                "baseline_rss": baseline["VmRSS"],
                "rows": [asdict(s) for s in steps],
            },
            indent=1,
        )
    )
    print(f"raw rows: {out.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
