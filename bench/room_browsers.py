"""A live class in real browsers: from the teacher's Enter to each follower's page drawn, in Chromium.

Run ``python -m bench.room_browsers --followers 4`` from the repository (after the README's install). It
starts ``streamlit run app.py`` from ``--checkout`` with its ``.venv`` and ``EMBEDVIZ_MEMORY_LIMIT_MB=690``,
opens the teacher's page (``?class=start``, 1280x720) and ``--followers`` students' pages (390 px phones)
in one headless Chromium, and lets the teacher type ``--changes`` sentences (each filled in and committed
with Enter, ``--every`` seconds apart). For every follower and change it measures, from the Enter:

* **shown**: the followers' page shows the new sentence and its token chips (the element's ``shownAt``
  stamp, on the same clock as the teacher's Enter: both pages read ``performance.timeOrigin + now()``);
* **drawn**: also the chart the student looks at, the 3D view (each phone is scrolled to it), holds one
  point per new token, i.e. Plotly has drawn the new figure; found by polling the pages in turn, so an
  upper bound (a page busy drawing answers the poll when it is done). Charts out of view are drawn when
  they scroll into view (``room_mirror.js``).

``bench/room_class.py`` measures the server with sixty protocol followers; this measures what a few browsers
on the same two cores see, drawing included (software WebGL here: every page draws its 3D chart on the CPU).
Prints JSON with p50/p95/max per measure.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from bench.common import Server, browser_helpers
from bench.room_class import SENTENCES, summary
from embedviz.tokenizer import tokenize

REPO = Path(__file__).resolve().parents[1]
H = browser_helpers()  # tests/browser/conftest.py: the Chromium flags and waits of the browser tests

NOW_JS = "performance.timeOrigin + performance.now()"
#: When a follower's page showed ``text`` with ``n`` chips (ms since the epoch), or null; with ``charts``, the
#: time of this poll once every chart has drawn ``n`` rows or points as well.
SHOWN_JS = """([text, n, charts]) => {
  const sentence = document.querySelector('.ev-mirror-sentence');
  if (!sentence || sentence.textContent !== text) return null;
  if (document.querySelectorAll('.ev-mirror .ev-chip').length !== n) return null;
  if (!charts) return Number(document.querySelector('.ev-mirror').dataset.shownAt);
  const gd = document.querySelector('.ev-mirror-chart[data-key="space3d"] .embedviz-plotly-host');
  const points = gd && gd.data && gd.data[0] && gd.data[0].y;
  const done = points && points.length === n && !gd.dataset.gliding;
  return done ? performance.timeOrigin + performance.now() : null;
}"""


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--checkout", type=Path, default=REPO)
    parser.add_argument("--followers", type=int, default=4)
    parser.add_argument("--changes", type=int, default=8)
    parser.add_argument("--every", type=float, default=4.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    server = Server(args.checkout, env={"EMBEDVIZ_MEMORY_LIMIT_MB": "690"})
    server.start(timeout=300)
    shown: list[float] = []
    drawn: list[float] = []
    try:
        with sync_playwright() as playwright:
            browser = H.launch_chromium(playwright)
            teacher = H.new_instrumented_context(browser, viewport={"width": 1280, "height": 720}).new_page()
            H.open_app(teacher, f"{server.url}/?class=start")
            code = teacher.locator(".ev-join-code").inner_text().strip()
            phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
            followers = []
            for _ in range(args.followers):
                page = browser.new_context(**phone).new_page()
                page.goto(f"{server.url}/?room={code}")
                page.wait_for_selector(".ev-mirror-chart .main-svg", timeout=120_000)
                page.locator('.ev-mirror-chart[data-key="space3d"]').scroll_into_view_if_needed()
                followers.append(page)
            box = H.sentence_box(teacher)
            for n in range(args.changes):
                text = f"{SENTENCES[n % len(SENTENCES)]} {n}"
                tokens = len(tokenize(text))
                box.fill(text)
                started = time.perf_counter()
                enter = teacher.evaluate(NOW_JS)
                box.press("Enter")
                pending = {i: [False, False] for i in range(len(followers))}
                while any(not all(done) for done in pending.values()):
                    for i, page in enumerate(followers):
                        for which, charts in ((0, False), (1, True)):
                            at = (
                                None if pending[i][which] else page.evaluate(SHOWN_JS, [text, tokens, charts])
                            )
                            if at is not None:
                                pending[i][which] = True
                                (drawn if charts else shown).append((at - enter) / 1000)
                    if time.perf_counter() - started > 60:
                        raise TimeoutError(f"change {n}: not every follower drew it within 60 s")
                H.wait_idle(teacher)
                time.sleep(args.every)
            browser.close()
    finally:
        server.stop()
    report = {
        "followers": args.followers,
        "changes": args.changes,
        "shown": summary(shown),
        "drawn": summary(drawn),
    }
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
