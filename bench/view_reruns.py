"""Server time of a warm rerun, view by view: the script alone, under Streamlit's AppTest, no browser.

For each view, one AppTest session is opened and warmed (three runs), then it is run ``--reruns`` times
alternating between two sentences (a warm *edit*: new tokens, the same settings, so tables are cached and
figures are rebuilt) and the median is printed; then the same number of runs with nothing changed (a
warm *rerun*). The views are measured in turns, twice each, in one process, so that they share the
machine's state. What a browser adds (websocket, drawing) is measured by ``bench.run``.

    python -m bench.view_reruns                      # pipeline and positions, 25 runs each
    python -m bench.view_reruns --views pipeline order --reruns 10
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from streamlit.testing.v1 import AppTest

from bench.common import REPO_ROOT

PAGE = str(REPO_ROOT / "embedviz" / "ui" / "page.py")
#: The widget that holds each view's sentence, and two sentences to alternate between.
SENTENCE_KEY = {"pipeline": "text", "positions": "pos_a", "order": "compare_a", "train": "text"}
SENTENCES = ("Die Katze saß auf der Matte", "Die Matte saß auf der Katze und schlief")


def timed(at: AppTest, runs: int, change: str | None) -> float:
    """Median seconds of ``runs`` runs; with ``change``, the sentence alternates before each run."""
    times = []
    for i in range(runs):
        if change is not None:
            at.text_input(key=change).set_value(SENTENCES[i % 2])
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    if at.exception:
        raise RuntimeError(f"the page failed: {[e.value for e in at.exception]}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", nargs="+", default=["pipeline", "positions"], choices=sorted(SENTENCE_KEY))
    parser.add_argument("--reruns", type=int, default=25)
    args = parser.parse_args()
    os.chdir(REPO_ROOT)
    print(f"load average {os.getloadavg()[0]:.1f}; medians of {args.reruns} runs")
    for view in [*args.views, *args.views]:
        at = AppTest.from_file(PAGE, default_timeout=300)
        at.query_params["view"] = view
        at.query_params["lang"] = "en"  # AppTest sets widgets by their English labels
        at.run()
        timed(at, 3, SENTENCE_KEY[view])
        edit = timed(at, args.reruns, SENTENCE_KEY[view])
        rerun = timed(at, args.reruns, None)
        print(f"{view:>10}: warm edit {edit * 1000:6.0f} ms   warm rerun {rerun * 1000:6.0f} ms")


if __name__ == "__main__":
    main()
