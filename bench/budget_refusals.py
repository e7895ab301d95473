"""What visitors see when the memory budget refuses, on a real server under a memory limit (no browser).

Usage::

    python -m bench.budget_refusals --checkout /tmp/clone [--limit-mb 690] [--visitors 8] [--rounds 3]
    python -m bench.budget_refusals --checkout . --streamlit /path/to/.venv/bin/streamlit

Starts the server from the checkout as the README does (:class:`bench.common.Server`) with
``EMBEDVIZ_MEMORY_LIMIT_MB``, then sends three groups of visitors at the same moment (threads, one websocket
each, Streamlit's own protocol via ``st_client.py``): ordinary visitors at the default settings, visitors
of a ``?dim=2048`` link in English, the same in German, and visitors who each ask for tables of their own
dim (62-76 MB each). Every visitor opens the page and reruns it
``--rounds`` times. Printed: per group, the budget messages seen (each different text once), whether the
sentence's tokens were on every page, exceptions; and the server's peak RSS (kernel ``VmHWM``) next to
the limit. Nothing is asserted: the tests are in tests/test_app_budget.py.
"""

from __future__ import annotations

import argparse
import collections
import re
import threading
from pathlib import Path

from bench.common import Server, peak_rss_mb
from bench.st_client import Visitor

#: Query string of each group's visitor number i. "own dims": every visitor asks for tables of its own
#: (dim 300 + 8 i, 62-76 MB each) at the same moment: only some fit at once, so they take turns
#: through the budget's reservations and evictions.
GROUPS = {
    "default": lambda i: "",
    "dim=2048 (en)": lambda i: "dim=2048",
    "dim=2048 (de)": lambda i: "dim=2048&lang=de",
    "own dims": lambda i: f"dim={300 + 8 * i}&seed={1000 + i}",
}
#: The budget's messages (embedviz/ui/strings/budget.py), in both languages.
MESSAGE = re.compile(r"(?:dim [\d.,]+ (?:needs|braucht)|This needs|Das braucht)[^\n]*")
CHIPS = 'data-token-id="'


def visit(base: str, query: str, rounds: int, seen: dict, lock: threading.Lock, group: str) -> None:
    visitor = Visitor(base, query_string=query, timeout=120)
    try:
        runs = [visitor.connect()] + [visitor.rerun() for _ in range(rounds)]
    except Exception as error:  # a bench reports every failure and goes on
        with lock:
            seen[group]["failures"].append(f"{type(error).__name__}: {error}")
        return
    finally:
        visitor.close()
    with lock:
        for run in runs:
            seen[group]["messages"].update(MESSAGE.findall(run.body))
            seen[group]["pages"] += 1
            seen[group]["with tokens"] += CHIPS in run.body
            seen[group]["exceptions"].extend(run.exceptions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkout", type=Path, required=True)
    parser.add_argument("--streamlit", type=Path, help="another streamlit than CHECKOUT/.venv/bin/streamlit")
    parser.add_argument("--limit-mb", type=float, default=690.0)
    parser.add_argument("--visitors", type=int, default=8, help="per group")
    parser.add_argument("--rounds", type=int, default=3, help="reruns after each visitor's first page")
    parser.add_argument("--log", type=Path, help="write the server's output here")
    args = parser.parse_args()

    server = Server(
        args.checkout.resolve(),
        streamlit=args.streamlit,
        log_path=args.log,
        env={"EMBEDVIZ_MEMORY_LIMIT_MB": str(args.limit_mb)},
    )
    server.start()
    try:
        Visitor(server.url).connect()  # the first visitor after the start pays the imports: not measured
        seen: dict = collections.defaultdict(
            lambda: {
                "messages": collections.Counter(),
                "pages": 0,
                "with tokens": 0,
                "exceptions": [],
                "failures": [],
            }
        )
        lock = threading.Lock()
        threads = [
            threading.Thread(target=visit, args=(server.url, query(i), args.rounds, seen, lock, group))
            for group, query in GROUPS.items()
            for i in range(args.visitors)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        peak = peak_rss_mb(server.pid)
    finally:
        server.stop()
    print(f"limit {args.limit_mb:.0f} MiB, {args.visitors} at once per group, {args.rounds + 1} runs each")
    for group in GROUPS:
        found = seen[group]
        print(f"\n{group}: {found['with tokens']} of {found['pages']} pages showed the tokens")
        for message, count in found["messages"].most_common():
            print(f"  {count} x {message}")
        for problem in (*found["exceptions"], *found["failures"]):
            print(f"  PROBLEM: {problem}")
    print(f"\nserver peak RSS {peak:.0f} MiB (limit {args.limit_mb:.0f} MiB)")


if __name__ == "__main__":
    main()
