"""What a warm edit of the sentence costs the server: CPU, messages and time per rerun, over the protocol.

Usage::

    python -m bench.warm_edits CHECKOUT [CHECKOUT ...] [--floor] [--edits 16] [--rounds 2] [--browser]
        [--streamlit PATH]

Each ``CHECKOUT`` (a folder with ``app.py``; e.g. ``git archive COMMIT | tar -x -C /tmp/before`` next to
the working tree, to compare two versions in one run) gets its own server, started as the README starts
it (``streamlit run app.py``; ``--streamlit`` names the executable, default ``CHECKOUT/.venv/bin/streamlit``).
``--floor`` adds ``bench/floor_app.py`` of this working tree as one more server (the same Streamlit as the
first checkout, this tree's ``.streamlit/config.toml``): a bare page that redraws one 3D chart of as many
points, the least any Streamlit page does for an edit.
One visitor per server (Streamlit's websocket protocol, ``bench/st_client.py``) opens the page, types three
sentences to warm up, then ``--edits`` sentences of 5 to 50 GPT-2 tokens, one at a time. The servers take
turns round by round, so load from other processes hits each alike. Per round and server it prints:

* **CPU per edit**: the server process's user + system time (``/proc/PID/stat``, all threads) over the
  edits, divided by their number; 0.3 s after each edit count too (work left behind by a run), minus
  the server's idle CPU over the same time;
* **messages per rerun**: websocket messages from the rerun request to ``script_finished``, and their bytes;
* **wall**: median time from sending the rerun to receiving ``script_finished`` (no browser: the page's
  drawing is not in it), with the load average beside it.

With ``--browser`` each round also types the same sentences into the page in headless Chromium (1920 x
1080, the browser tests' flags) and prints **enter_to_finished_ms**: the median time, on the page's clock,
from the moment Ctrl+Enter is pressed (the sentence already filled in) to the moment the page marks the run
over (``data-test-script-state`` back to ``notRunning``: its last message handled), the window the
browser adds to the protocol's wall. The chart's drawing after that is ``bench.run``'s figure. Beside it,
**enter_to_last_message_ms**: from the key press to the rerun's last message (``script_finished``) handed to
the page's script, which is how a page receives a message: DevTools' ``Network.webSocketFrameReceived``
names the frame, and Chromium stamps it when the page's main thread dispatches it (the same moment as a
``message`` listener on the socket, to 0.1 ms), so a page busy drawing the earlier messages gets its last
one later. The time from the key press to the rerun request's frame is read on the page and added.
"""

from __future__ import annotations

import argparse
import base64
import collections
import contextlib
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.common import REPO_ROOT, Server, browser_helpers, cpu_seconds
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


# When the page marks a run over (the frontend handled script_finished), when the Enter key reached the page
# and when the rerun request was sent, on the page's clock.
FINISHED_JS = """
(() => {
  window.__finished = [];
  window.__sent = [];
  window.__enter = [];
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') window.__enter.push(event.timeStamp);
  }, true);
  new MutationObserver((records) => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (records.some((r) => r.attributeName === 'data-test-script-state')
        && app && app.getAttribute('data-test-script-state') === 'notRunning') {
      window.__finished.push(performance.now());
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-test-script-state'] });
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    window.__sent.push(performance.now());
    return send.call(this, data);
  };
})();
"""


class Frames:
    """The page's websocket frames as DevTools reports them (seconds on one monotonic clock): the rerun
    requests sent and the ``script_finished`` messages handed to the page."""

    def __init__(self, page: Any) -> None:
        self.requests: list[float] = []
        self.finished: list[float] = []
        session = page.context.new_cdp_session(page)
        session.on("Network.webSocketFrameSent", self._sent)
        session.on("Network.webSocketFrameReceived", self._received)
        session.send("Network.enable")

    @staticmethod
    def _payload(params: dict[str, Any]) -> bytes:
        response = params["response"]
        return base64.b64decode(response["payloadData"]) if response["opcode"] == 2 else b""

    def _sent(self, params: dict[str, Any]) -> None:
        message = BackMsg()
        message.ParseFromString(self._payload(params))
        if message.WhichOneof("type") == "rerun_script":
            self.requests.append(params["timestamp"])

    def _received(self, params: dict[str, Any]) -> None:
        message = ForwardMsg()
        message.ParseFromString(self._payload(params))
        if message.WhichOneof("type") == "script_finished":
            self.finished.append(params["timestamp"])


def browser_edits(browser: Any, server: Server, edits: list[str]) -> dict[str, float]:
    """Median ms from Ctrl+Enter to the run marked over in the page, and to the rerun's last message
    (see the module's docstring), over the edits after a warm-up one; and how many of those edits the page
    marked over: a run that ends before React draws the "running" state (the floor page's, sometimes)
    changes no attribute and is left out of that median."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    helpers = browser_helpers()
    context = helpers.new_instrumented_context(browser, viewport={"width": 1920, "height": 1080})
    context.add_init_script(FINISHED_JS)
    page = context.new_page()
    frames = Frames(page)
    helpers.open_app(page, server.url)
    to_finished, to_last_message = [], []
    for warm_up, text in [(True, f"warm up {edits[0]}"), *((False, edit) for edit in edits)]:
        box = helpers.sentence_box(page)
        box.fill(text)
        requests, finished = len(frames.requests), len(frames.finished)
        before = page.evaluate("performance.now()")
        box.press("ControlOrMeta+Enter")
        key_down = page.wait_for_function("(t) => window.__enter.find((at) => at > t) || false", arg=before)
        pressed = float(key_down.json_value())
        deadline = time.monotonic() + 60
        while len(frames.finished) <= finished and time.monotonic() < deadline:
            page.wait_for_timeout(20)  # lets Playwright deliver the DevTools events
        if len(frames.requests) <= requests or len(frames.finished) <= finished:
            raise RuntimeError("DevTools reported no rerun request or no script_finished for an edit")
        sent = page.evaluate("(t) => window.__sent.find((at) => at > t)", pressed)
        on_wire = frames.finished[finished] - frames.requests[requests]
        if not warm_up:
            to_last_message.append(float(sent) - pressed + 1000 * on_wire)
        with contextlib.suppress(PlaywrightTimeout):  # a quick run may never show "running" (see above)
            done = page.wait_for_function(
                "(t) => window.__finished.find((at) => at > t) || false", arg=pressed, timeout=5_000
            )
            if not warm_up:
                to_finished.append(float(done.json_value()) - pressed)
        helpers.wait_idle(page, appear_ms=0, quiet_ms=300)  # the chart drawn before the next edit
    context.close()
    return {
        "enter_to_last_message_ms": statistics.median(to_last_message),
        "enter_to_finished_ms": statistics.median(to_finished) if to_finished else float("nan"),
        "edits_marked_over": len(to_finished),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkouts", nargs="+", type=Path)
    parser.add_argument("--edits", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--streamlit", type=Path, help="the streamlit executable (default: CHECKOUT/.venv)")
    parser.add_argument("--browser", action="store_true", help="also time the edits in headless Chromium")
    parser.add_argument("--floor", action="store_true", help="also edit bench/floor_app.py, the bare page")
    args = parser.parse_args()
    edits = sentences(args.edits)
    servers = [Server(checkout.resolve(), streamlit=args.streamlit) for checkout in args.checkouts]
    if args.floor:
        streamlit = args.streamlit or args.checkouts[0].resolve() / ".venv" / "bin" / "streamlit"
        servers.append(Server(REPO_ROOT, script="bench/floor_app.py", streamlit=streamlit))
        args.checkouts.append(Path("bench/floor_app.py"))
    with contextlib.ExitStack() as stack:
        stack.callback(lambda: [server.stop() for server in servers])
        browser = None
        if args.browser:
            from playwright.sync_api import sync_playwright  # only with --browser

            browser = browser_helpers().launch_chromium(stack.enter_context(sync_playwright()))
        for server in servers:
            server.start()
        for round_ in range(args.rounds):
            for checkout, server in zip(args.checkouts, servers, strict=True):
                load = os.getloadavg()[0]
                result = measure(server, edits)
                if browser is not None:
                    result |= browser_edits(browser, server, edits)
                figures = ", ".join(f"{name} {value:.1f}" for name, value in result.items())
                print(f"round {round_} {checkout}: {figures} (load average {load:.1f})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
