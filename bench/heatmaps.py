"""Sections 2-4's three heatmaps: which drawing is cheapest per edit? (issue 13)

Run ``python bench/heatmaps.py`` (``--count``, ``--sizes``, ``--dim``). Page: ``bench/heatmap_app.py``;
lanes ``st`` (three ``st.plotly_chart``, before issue 13), ``host`` (three Plotly hosts), ``one`` (one
host, three subplots) and ``image`` (three PNGs), edited in turn so load bursts hit all alike.

Per edit, medians over ``--count`` edits at each size:

* latency: Ctrl+Enter -> the run is over, every heatmap (or image) shows the new table, plus two
  animation frames (``bench/run.py``'s method);
* CPU seconds of the server and of the whole Chromium tree (from /proc), taken around each edit: only one
  page is busy at a time, so the delta is that lane's cost, and it is less disturbed by other processes on
  a shared machine than wall time;
* bytes: websocket frames plus image responses.

Figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path
from typing import Any

from browser_helpers import H
from run import DRAWN_JS, EDIT_TIMEOUT_MS, Frames, Texts

REPO_ROOT = Path(__file__).resolve().parents[1]
APP = REPO_ROOT / "bench" / "heatmap_app.py"
LOGS = REPO_ROOT / "test-artifacts" / "bench"
MODES = ("st", "host", "one", "image")

# Every heatmap's rows, first and last row sums, or every image's URL: "did all of them change?".
SIGNATURE_JS = """
() => {
  const parts = [];
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    for (const trace of gd._fullData || []) {
      const z = trace.z || [];
      const sum = (row) => Array.from(row || []).reduce((a, b) => a + (+b || 0), 0).toFixed(6);
      parts.push(z.length + ':' + sum(z[0]) + ':' + sum(z[z.length - 1]));
    }
  }
  for (const img of document.querySelectorAll('[data-testid="stImage"] img')) {
    if (!img.complete || !img.naturalWidth) return null;
    parts.push(img.src);
  }
  return parts.length ? parts : null;
}
""".strip()

DONE_JS = f"""
(old) => {{
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const now = ({SIGNATURE_JS})();
  // The token and the input table (first and last) change with every edit; the position table only
  // when the token count does.
  if (!now || now.length !== old.length || now[0] === old[0] || now.at(-1) === old.at(-1)) return false;
  return true;
}}
"""


def edit(page: Any, text: str) -> float:
    """Commit ``text``; ms until every heatmap shows new numbers and two more frames were drawn."""
    box = H.sentence_box(page)
    box.fill(text)
    old = page.evaluate(f"({SIGNATURE_JS})()")
    started = page.evaluate("performance.now()")
    box.press("ControlOrMeta+Enter")
    page.wait_for_function(DONE_JS, arg=old, timeout=EDIT_TIMEOUT_MS, polling="raf")
    finished = float(page.evaluate(DRAWN_JS))
    H.wait_idle(page, appear_ms=0, quiet_ms=300)
    return finished - started


def cpu(marker: str) -> float:
    return H.tree_cpu_seconds(marker)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=8, help="timed edits per size and lane")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--sizes", default="5,50,1024")
    parser.add_argument("--dim", type=int, default=768)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    sizes = [int(size) for size in args.sizes.split(",")]
    texts = Texts()
    marker = f"--embedviz-heatmaps={os.getpid()}"  # Chromium ignores it; /proc finds the browser by it
    server = H.start_streamlit(APP, LOGS / "heatmaps.log", timeout=120)
    server_marker = f"--server.port {server.url.rsplit(':', 1)[1]} "  # (the trailing space ends the number)
    results: dict[tuple[str, int], dict[str, list[float]]] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=H.chromium_executable(), headless=True, args=[*H.CHROMIUM_ARGS, marker]
            )
            lanes = []
            for mode in MODES:
                context = H.new_instrumented_context(browser)
                frames, media = Frames(), []
                page = context.new_page()
                frames.attach(page)
                page.on("response", lambda r, m=media: "/media/" in r.url and m.append(r.headers))
                page.goto(f"{server.url}/?mode={mode}&dim={args.dim}")
                page.wait_for_function(f"() => ({SIGNATURE_JS})() !== null", timeout=EDIT_TIMEOUT_MS)
                H.wait_idle(page)
                lanes.append((mode, page, frames, media))
            for n in sizes:
                for i in range(args.warmup + args.count):
                    text, _ = texts.get(n, i + 1000 * n)
                    for mode, page, frames, media in lanes:
                        frames.take()
                        media.clear()
                        before = cpu(server_marker), cpu(marker)
                        ms = edit(page, text)
                        H.no_exception(page)
                        server_cpu, browser_cpu = cpu(server_marker) - before[0], cpu(marker) - before[1]
                        sent = sum(map(len, frames.take()))
                        sent += sum(int(h.get("content-length", 0)) for h in media)
                        if i < args.warmup:
                            continue
                        cell = results.setdefault((mode, n), {"ms": [], "server": [], "browser": [], "b": []})
                        cell["ms"].append(ms)
                        cell["server"].append(server_cpu)
                        cell["browser"].append(browser_cpu)
                        cell["b"].append(sent)
                print(f"   {n} tokens done", flush=True)
            browser.close()
    finally:
        server.stop()
    print(f"\nthree heatmaps of n x {args.dim} (cut to 128 x 128), medians of {args.count} edits per cell;")
    print("CPU in seconds per edit from /proc (server process; Chromium and all its children)\n")
    print("| tokens | drawing | latency ms | server CPU s | browser CPU s | bytes sent |")
    print("|---:|---|---:|---:|---:|---:|")
    for n in sizes:
        for mode in MODES:
            cell = results.get((mode, n))
            if not cell:
                print(f"| {n} | {mode} | failed | | | |")
                continue
            m = {key: statistics.median(values) for key, values in cell.items()}
            print(
                f"| {n} | {mode} | {m['ms']:.0f} | {m['server']:.2f} | {m['browser']:.2f} | {m['b']:,.0f} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
