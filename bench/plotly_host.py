"""The Plotly host against ``st.plotly_chart`` on one minimal page (issue 13).

Run ``python bench/plotly_host.py`` (``--count``, ``--sizes``).

Page: ``tests/plotly_host_app.py`` (a sentence box and one scatter3d of 3 x n points + n arrows, no torch).
Lanes, edited in turn (so load bursts from other processes hit all alike):

* ``st.plotly_chart``: ``?chart=st`` (remounts on every new figure);
* ``host``: the Plotly host with ``glide=0`` (same figure, ``Plotly.react`` on the mounted chart);
* ``host+glide``: the host with its default 300 ms glide (the first frame of new data counts).

Latency is ``bench/run.py``'s: from just before Ctrl+Enter to two animation frames after the script run is
over and the 3D chart holds new data, median of ``--count`` edits at about 5, 50 and 1,024 tokens. Then
WebGL contexts created per 20 edits (``HTMLCanvasElement.prototype.getContext`` wrapped in an init script).
Figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from browser_helpers import H
from run import Frames, Lane, Texts, edit, interleaved_edits, median, open_page, p95

REPO_ROOT = Path(__file__).resolve().parents[1]
APP = REPO_ROOT / "tests" / "plotly_host_app.py"
LOGS = REPO_ROOT / "test-artifacts" / "bench"
LANES = {"st.plotly_chart": "chart=st", "host": "glide=0", "host+glide": "glide=300"}


@contextlib.contextmanager
def served(log_name: str) -> Iterator[tuple[Any, Any]]:
    """The test app's server and a headless Chromium, both stopped on the way out."""
    from playwright.sync_api import sync_playwright

    server = H.start_streamlit(APP, LOGS / log_name, timeout=120)
    try:
        with sync_playwright() as playwright:
            browser = H.launch_chromium(playwright)
            try:
                yield server, browser
            finally:
                browser.close()
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=8, help="timed edits per size and lane")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--sizes", default="5,50,1024")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    texts = Texts()
    with served("plotly-host.log") as (server, browser):
        lanes = []
        for name, query in LANES.items():
            context = H.new_instrumented_context(browser)
            context.add_init_script(H.COUNT_WEBGL_JS)
            frames = Frames()
            page, _ = open_page(context, f"{server.url}/?{query}", frames)
            lanes.append(Lane(name, page, frames))
        print("latency, commit -> new data drawn (+2 frames), ms; noisy: shared 2-core machine")
        for n in sizes:
            interleaved_edits(lanes, texts, n, args.count, args.warmup)
        print("\n| tokens | " + " | ".join(lane.name for lane in lanes) + " | host / st.plotly_chart |")
        print("|---:|" + "---:|" * (len(lanes) + 1))
        for n in sizes:
            cells = [
                f"{median(lane.times[n]):.0f} (p95 {p95(lane.times[n]):.0f})" if n in lane.times else "failed"
                for lane in lanes
            ]
            ratio = (
                f"{median(lanes[1].times[n]) / median(lanes[0].times[n]):.2f}"
                if n in lanes[0].times and n in lanes[1].times
                else "-"
            )
            print(f"| {n} | " + " | ".join(cells) + f" | {ratio} |")
        print("\nWebGL contexts created per 20 edits (5 tokens):")
        for lane in lanes:
            before = lane.page.evaluate("() => window.__webgl")
            for i in range(20):
                text, _ = texts.get(5, 5000 + i)
                edit(lane.page, text)
            print(f"   {lane.name:<16} {lane.page.evaluate('() => window.__webgl') - before}")
        for lane in lanes:
            for n, error in lane.failed.items():
                print(f"   {lane.name} {n}: {error}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
