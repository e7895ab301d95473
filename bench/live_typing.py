"""Which ``live=`` pause feels best for the sentence box (issue 13): ``python bench/live_typing.py``.

On ``tests/plotly_host_app.py?live=<pause>`` (an ``st.text_input(..., live=pause)``; Streamlit 1.67's
``st.text_area`` has no ``live``), type a sentence like a person: one key every ``--key-ms`` and a longer
gap after each word (``--word-ms``). For each pause it prints the script runs the typing started (a "rerun
storm" is one run per key or two) and the time from the last key to the chart holding the final sentence
(+2 frames). Printed, not asserted; timings on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path
from urllib.parse import quote

from browser_helpers import H
from plotly_host import served
from run import DRAWN_JS

REPO_ROOT = Path(__file__).resolve().parents[1]
SENTENCE = " the quick brown fox jumps over the lazy dog"
# The test app counts its script runs in its session (a caption "run N"): DOM states can miss a fast run.
RUNS_JS = """
() => +[...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
  .map((element) => element.textContent).find((text) => text.startsWith('run ')).slice(4)
"""
FINAL_JS = """
(n) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const gd = document.querySelector('.embedviz-plotly-host');
  return app && app.getAttribute('data-test-script-state') === 'notRunning' && gd && gd._fullData
    && gd._fullData[0].x.length === n;
}
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pauses", default="150ms,250ms,400ms,600ms")
    parser.add_argument("--key-ms", type=int, default=110)
    parser.add_argument("--word-ms", type=int, default=250)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    import embedviz

    final_tokens = len(embedviz.encode("Hello" + SENTENCE))
    with served("live-typing.log") as (server, browser):
        print(f"typing {len(SENTENCE)} keys, {args.key_ms} ms apart, +{args.word_ms} ms after each word")
        print("| live= | runs while typing | last key -> chart drawn, ms |\n|---|---:|---:|")
        for pause in args.pauses.split(","):
            runs, waits = [], []
            for _ in range(args.repeat):
                context = H.new_instrumented_context(browser)
                page = context.new_page()
                page.goto(f"{server.url}/?live={pause}&glide=0&text={quote('Hello')}")
                page.wait_for_function(FINAL_JS, arg=1, timeout=60_000)
                H.wait_idle(page)
                box = page.get_by_label("Sentence", exact=True)
                box.press("End")
                before = page.evaluate(RUNS_JS)
                for char in SENTENCE:
                    if char == " ":
                        page.wait_for_timeout(args.word_ms)
                    box.press_sequentially(char)
                    page.wait_for_timeout(args.key_ms)
                last_key = page.evaluate("performance.now()") - args.key_ms
                page.wait_for_function(FINAL_JS, arg=final_tokens, timeout=60_000, polling="raf")
                waits.append(float(page.evaluate(DRAWN_JS)) - last_key)
                H.wait_idle(page)
                runs.append(page.evaluate(RUNS_JS) - before)
                context.close()
            cells = f"{statistics.median(runs):.0f} | {statistics.median(waits):.0f}"
            print(f"| {pause} | {cells} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
