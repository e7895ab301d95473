"""What a warm edit of the sentence costs the server: CPU, messages and time per rerun, over the protocol.

Usage::

    python -m bench.warm_edits CHECKOUT [CHECKOUT ...] [--edits 16] [--rounds 2] [--streamlit PATH]

Each ``CHECKOUT`` (a folder with ``app.py``; e.g. ``git archive COMMIT | tar -x -C /tmp/before`` next to
the working tree, to compare two versions in one run) gets its own server, started as the README starts
it (``streamlit run app.py``; ``--streamlit`` names the executable, default ``CHECKOUT/.venv/bin/streamlit``).
One visitor per server (Streamlit's websocket protocol, ``bench/st_client.py``) opens the page, types three
sentences to warm up, then ``--edits`` sentences of 5 to 50 GPT-2 tokens, one at a time. The servers take
turns round by round, so load from other processes hits each alike. Per round and server it prints:

* **CPU per edit**: the server process's user + system time (``/proc/PID/stat``, all threads) over the
  edits, divided by their number; 0.3 s after each edit count too (work left behind by a run), minus
  the server's idle CPU over the same time;
* **messages per rerun**: websocket messages from the rerun request to ``script_finished``, and their bytes;
* **wall**: median time from sending the rerun to receiving ``script_finished`` (no browser: the page's
  drawing is not in it), with the load average beside it.
"""

from __future__ import annotations

import argparse
import collections
import os
import statistics
import sys
import time
from pathlib import Path

from bench.common import Server, cpu_seconds
from bench.st_client import Run, Visitor

SETTLE = 0.3  # seconds after each edit that still count for it
#: The words of the edits, cycled (each edit starts with its own number: every sentence is new).
SENTENCE = "the cat sat on the mat while a quick brown fox jumped over lazy dogs and painters sold pictures"


def sentences(count: int) -> list[str]:
    """``count`` different sentences of 5 to 50 GPT-2 tokens, evenly spread."""
    from embedviz.tokenizer import get_encoding

    encoding = get_encoding("gpt2")
    words_of = SENTENCE.split()
    out = []
    for i in range(count):
        n = 5 + (i * 45) // max(1, count - 1)
        words = [f"Edit{i}", *(words_of[(i * 3 + j) % len(words_of)] for j in range(n - 1))]
        while len(encoding.encode(" ".join(words))) > n:
            words.pop()
        out.append(" ".join(words))
    return out


class CountingVisitor(Visitor):
    """A visitor that counts the websocket messages (and bytes) of each rerun."""

    def _receive(self, started: float, fragment: str = "") -> Run:
        counts: collections.Counter[str] = collections.Counter()
        receive = self.ws.recv

        def counted() -> bytes | str:
            frame = receive()
            counts["messages"] += 1
            counts["bytes"] += len(frame)
            return frame

        self.ws.recv = counted
        try:
            run = super()._receive(started, fragment)
        finally:
            self.ws.recv = receive
        run.counts = counts  # type: ignore[attr-defined]
        return run


def measure(server: Server, edits: list[str]) -> dict[str, float]:
    """One visitor's warm edits on ``server``: CPU ms per edit, messages and bytes per rerun, wall ms."""
    visitor = CountingVisitor(server.url, timeout=120)
    visitor.connect()
    for i in range(3):
        visitor.set_text("text", f"warm up {i} {edits[i % len(edits)]}")
        visitor.rerun()
    time.sleep(1.0)
    idle_start = cpu_seconds(server.pid)
    time.sleep(2.0)
    idle_per_s = (cpu_seconds(server.pid) - idle_start) / 2.0
    start = cpu_seconds(server.pid)
    walls, messages, sizes = [], [], []
    for text in edits:
        visitor.set_text("text", text)
        run = visitor.rerun()
        if not run.succeeded or run.exceptions:
            raise RuntimeError(f"the rerun failed: status {run.status}, {run.exceptions[:1]}")
        walls.append(run.seconds * 1000)
        messages.append(run.counts["messages"])
        sizes.append(run.counts["bytes"])
        time.sleep(SETTLE)
    cpu = cpu_seconds(server.pid) - start - idle_per_s * SETTLE * len(edits)
    visitor.close()
    return {
        "cpu_ms_per_edit": 1000 * cpu / len(edits),
        "messages_per_rerun": statistics.median(messages),
        "kb_per_rerun": statistics.median(sizes) / 1000,
        "wall_median_ms": statistics.median(walls),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkouts", nargs="+", type=Path)
    parser.add_argument("--edits", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--streamlit", type=Path, help="the streamlit executable (default: CHECKOUT/.venv)")
    args = parser.parse_args()
    edits = sentences(args.edits)
    servers = [Server(checkout.resolve(), streamlit=args.streamlit) for checkout in args.checkouts]
    try:
        for server in servers:
            server.start()
        for round_ in range(args.rounds):
            for checkout, server in zip(args.checkouts, servers, strict=True):
                load = os.getloadavg()[0]
                result = measure(server, edits)
                figures = ", ".join(f"{name} {value:.1f}" for name, value in result.items())
                print(f"round {round_} {checkout}: {figures} (load average {load:.1f})", flush=True)
    finally:
        for server in servers:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
