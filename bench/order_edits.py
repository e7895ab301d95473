"""The word-order view while sentence A is edited: WebGL contexts created and the time to an idle page.

Starts ``streamlit run app.py`` of a checkout (default: this one) on a free port, opens ``?view=order`` in
headless Chromium at 1920 x 1080, then edits sentence A 8 times (4 to 11 words, Ctrl+Enter) and waits
each time until the page is idle (the tests' ``wait_idle``, which includes 300 ms of quiet). Prints the
WebGL contexts the page had after its first render and after the edits, and the edit times. A chart that
is remounted per edit makes a new context each time (``st.plotly_chart``); a Plotly host makes none.
Nothing here fails: it prints numbers (docs/performance.md).

    python -m bench.order_edits                      # this checkout
    python -m bench.order_edits --checkout /tmp/old  # another one, e.g. a worktree of an older commit
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.common import REPO_ROOT, browser_helpers

H = browser_helpers()

WORDS = ["the", "dog", "bites", "the", "man", "and", "then", "it", "runs", "away", "fast"]
EDITS = 8


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkout", type=Path, default=REPO_ROOT, help="the repository whose app.py runs")
    args = parser.parse_args()
    server = H.start_streamlit(args.checkout / "app.py", H.ARTIFACTS / "bench-order-edits.log")
    try:
        with sync_playwright() as playwright:
            browser = H.launch_chromium(playwright)
            context = H.new_instrumented_context(browser)
            H.count_webgl_and_stay_local(context)
            page = context.new_page()
            H.open_app(page, f"{server.url}/?view=order", timeout_ms=120_000)
            page.locator(".gl-container canvas").first.wait_for(timeout=60_000)
            first = page.evaluate("() => window.__webgl")
            box = page.get_by_label("Sentence A", exact=True)
            seconds = []
            for i in range(EDITS):
                before = H.run_count(page)
                start = time.perf_counter()
                box.fill(" ".join(WORDS[: 4 + i]))
                box.press("ControlOrMeta+Enter")
                H.wait_idle(page, since=before)
                page.locator(".gl-container canvas").first.wait_for(timeout=60_000)
                seconds.append(time.perf_counter() - start)
            after = page.evaluate("() => window.__webgl")
            browser.close()
    finally:
        server.stop()
    print(f"checkout: {args.checkout}")
    print(f"WebGL contexts: {first} after the first render, {after - first} more after {EDITS} edits")
    each = ", ".join(f"{s:.2f}" for s in seconds)
    print(f"edit -> idle page: median {statistics.median(seconds):.2f} s ({each})")


if __name__ == "__main__":
    main()
