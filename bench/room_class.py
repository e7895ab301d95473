"""A live class on one server, measured: one teacher, 60 followers, a change every 5 s, a board, a question.

Run ``python -m bench.classroom --room`` (or ``python -m bench.room_class``) from the repository. It
starts ``streamlit run app.py`` from this checkout with ``EMBEDVIZ_MEMORY_LIMIT_MB=690`` (the README's
server, the smallest Community Cloud memory) and drives it with protocol clients (``bench/st_client.py``),
no browser:

* the **teacher** opens ``?class=start`` and types a new sentence every ``--every`` seconds;
* each **follower** opens the students' link and does what the followers' page does in the browser
  (``embedviz/ui/plotly_host_assets/room_mirror.js``): it waits on the room's page route
  (``/_embedviz/room/CODE/page?since=N&lang=en``, gzip accepted) and, when the room has moved on, takes
  the page the server built for the class; were its ``pageKey`` not the one its script drew, it would
  rerun its script with the element's trigger value, the way ``setTriggerValue`` does. A follower's page
  counts as updated when its token chips are the tokens of the teacher's sentence (checked against
  plain tiktoken's ids of what the teacher typed); drawing it in a browser is not part of the figure;
* then ``--senders`` followers send a word each to the board, the teacher opens a check question and every
  follower answers it.

Measured: the latency from the teacher sending a change to each follower's page showing it (p50/p95/max),
the server's CPU per follower per change and per idle second (``/proc/PID/stat``), the RSS the room and
its followers add, errors, and the teacher's own rerun time (p95) alone and with the followers.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import re
import sys
import threading
import time
import urllib.request
from pathlib import Path

import websocket
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.common import Server, cpu_seconds, rss_mb
from bench.st_client import Run, Visitor
from embedviz.tokenizer import tokenize

REPO = Path(__file__).resolve().parents[1]
LISTENER = "embedviz.room_listener"
MIRROR = "embedviz.room_mirror"
SENTENCES = [
    "Die Katze saß auf der Matte",
    "Der Hund bellt den Briefträger an",
    "Tokens sind keine Wörter",
    "Das Wort Donaudampfschifffahrt zerfällt in viele Tokens",
    "Jede Position hat ihren eigenen Vektor",
    "Die Summe ist das Input-Embedding",
]


class ClassVisitor(Visitor):
    """A visitor that also knows each widget by its whole key (``ev-board-text``, not only ``text``) and
    the room listener's element id, and answers the server's websocket pings while it idles, as a browser
    does (the server closes a socket whose pings go unanswered for about 40 s)."""

    listener_id: str = ""
    page_key: str = ""  # the followers' page element's pageKey, as this page's last run drew it

    def start_keeping_alive(self, every: float = 5.0) -> None:
        self.socket_lock = threading.Lock()
        threading.Thread(target=self._keep_alive, args=(every,), daemon=True).start()

    def _keep_alive(self, every: float) -> None:
        while self.ws is not None:
            time.sleep(every)
            with self.socket_lock:
                if self.ws is None:
                    return
                self.ws.settimeout(0.05)
                with contextlib.suppress(websocket.WebSocketTimeoutException):
                    self.ws.recv()  # answers a ping on the way; nothing else arrives while idle

    def rerun(self, extra=None) -> Run:  # type: ignore[no-untyped-def]
        lock = getattr(self, "socket_lock", None)
        if lock is None:
            return super().rerun(extra)
        with lock:
            return super().rerun(extra)

    def _note_delta(self, msg, run, drawn) -> None:  # type: ignore[no-untyped-def]
        super()._note_delta(msg, run, drawn)
        delta = msg.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        proto = getattr(element, kind) if kind else None
        widget_id = getattr(proto, "id", "") if proto is not None else ""
        if kind == "bidi_component" and proto.component_name in (LISTENER, MIRROR):
            self.listener_id = widget_id
            if proto.component_name == MIRROR:
                self.page_key = json.loads(proto.json)["pageKey"]
        if widget_id.startswith("$$ID") and kind != "button":
            full = widget_id.split("-", 2)[-1]
            self.widget_ids[full], self.widget_protos[full] = widget_id, proto
            drawn.add(full)

    def triggered(self, version: int) -> Run:
        """Rerun as the listener's ``setTriggerValue("changed", version)`` does."""
        payload = json.dumps([{"event": "changed", "value": version}])
        trigger = WidgetState(id=_make_trigger_id(self.listener_id, "events"), json_trigger_value=payload)
        return self.rerun(extra=[trigger])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def summary(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50_s": round(percentile(values, 0.5), 3),
        "p95_s": round(percentile(values, 0.95), 3),
        "max_s": round(max(values), 3) if values else None,
    }


class Follower(threading.Thread):
    """One student's tab: long poll, then a triggered rerun, until told to stop."""

    def __init__(self, visitor: ClassVisitor, base: str, code: str, changes: dict, lock: threading.Lock):
        super().__init__(daemon=True)
        self.visitor, self.base, self.code = visitor, base, code
        self.changes, self.lock = changes, lock  # version -> (time sent, token ids) of the teacher's changes
        self.version = 0
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.runs = 0
        self.stopped = threading.Event()
        self.last_run: Run | None = None

    def run(self) -> None:
        since = -1  # the element's first question: the page as it is now
        while not self.stopped.is_set():
            url = f"{self.base}/_embedviz/room/{self.code}/page?since={since}&lang=en"
            request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
            try:
                with urllib.request.urlopen(request, timeout=40) as answer:
                    raw = answer.read()
                    if answer.headers.get("Content-Encoding") == "gzip":
                        raw = gzip.decompress(raw)
                    body = json.loads(raw)
            except OSError as error:
                if not self.stopped.is_set():
                    self.errors.append(f"page route: {error}")
                    time.sleep(1)
                continue
            done = time.perf_counter()
            if body.get("ended") or self.stopped.is_set():
                return
            if body["version"] <= since:
                continue
            if body["pageKey"] != self.visitor.page_key:  # the page itself must change: rerun it
                try:
                    run = self.visitor.triggered(body["version"])
                except Exception as error:
                    self.errors.append(f"rerun: {error}")
                    return
                self.runs += 1
                if run.exceptions:
                    self.errors.append(f"exception: {run.exceptions[0]}")
                continue
            first = since < 0
            since = self.version = body["version"]
            tokens = next((b["html"] for b in body["blocks"] if b["key"] == "tokens"), "")
            ids = [int(i) for i in re.findall(r'data-token-id="(\d+)"', tokens)]
            with self.lock:
                shown = [sent for sent, expected in self.changes.values() if expected == ids]
            if shown and not first:
                self.latencies.append(done - max(shown))
            elif not shown:
                self.errors.append("a page without the tokens of any teacher's sentence")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--checkout", type=Path, default=REPO)
    parser.add_argument("--streamlit", type=Path, default=Path(sys.executable).with_name("streamlit"))
    parser.add_argument("--followers", type=int, default=60)
    parser.add_argument("--changes", type=int, default=12, help="teacher's changes with followers")
    parser.add_argument("--every", type=float, default=5.0, help="seconds between the teacher's changes")
    parser.add_argument("--alone", type=int, default=12, help="teacher's changes before anyone follows")
    parser.add_argument("--idle", type=float, default=30.0, help="seconds of idle followers measured")
    parser.add_argument("--senders", type=int, default=10)
    parser.add_argument("--memory-limit-mb", default="690")
    parser.add_argument("--log", type=Path)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--room", action="store_true", help="(accepted for bench/classroom.py --room)")
    args = parser.parse_args()

    server = Server(
        args.checkout,
        streamlit=args.streamlit,
        log_path=args.log,
        env={"EMBEDVIZ_MEMORY_LIMIT_MB": args.memory_limit_mb},
    )
    server.start(timeout=300)
    report: dict = {"followers": args.followers, "every_s": args.every, "errors": []}
    try:
        base, pid = server.url, server.pid
        warm = ClassVisitor(base, timeout=180)
        warm.connect()
        warm.close()
        rss_before = rss_mb(pid)

        teacher = ClassVisitor(base, query_string="class=start", timeout=180)
        first = teacher.connect()
        teacher.start_keeping_alive()
        code = re.search(r'class="ev-join-code"[^>]*>([A-Z2-9]{6})<', first.body)[1]
        rss_room = rss_mb(pid)
        changes: dict[int, tuple[float, list[int]]] = {}
        lock = threading.Lock()
        version = [0]

        def change(n: int) -> float:
            """The teacher types sentence ``n``; returns the teacher's rerun time."""
            text = f"{SENTENCES[n % len(SENTENCES)]} {n}"
            teacher.set_text("text", text)
            version[0] += 1
            with lock:  # recorded before sending: the teacher's run publishes as soon as it starts
                changes[version[0]] = (time.perf_counter(), [token.id for token in tokenize(text)])
            run = teacher.rerun()
            if run.exceptions:
                report["errors"].append(f"teacher: {run.exceptions[0]}")
            return run.seconds

        alone = []
        cpu0 = cpu_seconds(pid)
        for n in range(args.alone):
            alone.append(change(n))
            time.sleep(0.5)
        teacher_cpu_per_change = (cpu_seconds(pid) - cpu0) / args.alone

        followers: list[Follower] = []
        connect_started = time.monotonic()
        for _ in range(args.followers):
            visitor = ClassVisitor(base, query_string=f"room={code}", timeout=180)
            run = visitor.connect()
            visitor.start_keeping_alive()
            if "Following the teacher" not in run.body or not visitor.page_key:
                report["errors"].append("a follower's first page does not follow")
            follower = Follower(visitor, base, code, changes, lock)
            follower.version = version[0]
            followers.append(follower)
            follower.start()
        report["followers_connect_s"] = round(time.monotonic() - connect_started, 1)
        rss_followers = rss_mb(pid)

        time.sleep(2)
        cpu0 = cpu_seconds(pid)
        time.sleep(args.idle)
        idle_cpu = cpu_seconds(pid) - cpu0
        report["idle"] = {
            "seconds": args.idle,
            "server_cpu_s": round(idle_cpu, 3),
            "share_of_one_core_pct": round(100 * idle_cpu / args.idle, 2),
            "per_follower_per_idle_s_ms": round(1000 * idle_cpu / args.idle / args.followers, 4),
        }

        with_followers = []
        cpu0 = cpu_seconds(pid)
        for n in range(args.changes):
            with_followers.append(change(args.alone + n))
            time.sleep(args.every)
        changes_cpu = cpu_seconds(pid) - cpu0
        teacher_own = teacher_cpu_per_change * args.changes  # the teacher's own runs, measured alone
        report["changes"] = {
            "n": args.changes,
            "server_cpu_s": round(changes_cpu, 2),
            "teacher_alone_cpu_per_change_ms": round(1000 * teacher_cpu_per_change, 1),
            "per_follower_per_change_ms": round(
                1000 * (changes_cpu - teacher_own) / (args.changes * args.followers), 2
            ),
        }
        latencies = [lat for f in followers for lat in f.latencies]
        report["follow_latency"] = summary(latencies)
        report["follower_reruns"] = sum(f.runs for f in followers)  # asked for by a new pageKey
        report["teacher_rerun"] = {"alone": summary(alone), "with_followers": summary(with_followers)}

        # The board: senders send a word each (their own socket, so stop their listener thread first).
        rss_before_board = rss_mb(pid)
        for follower in followers[: args.senders]:
            follower.stopped.set()
        for follower in followers[: args.senders]:
            follower.join(45)
        for i, follower in enumerate(followers[: args.senders]):
            visitor = follower.visitor
            visitor.set_text("ev-board-text", f"Wort{i} Donaudampfschiff{i}")
            run = visitor.click("Send to the board")
            if "Sent:" not in run.body and not any("Sent:" in x for x in run.text):
                report["errors"].append(f"sender {i}: {run.body[-200:]}")
        board = teacher.rerun()
        report["board_entries_shown"] = "10 entries" in board.body or f"{args.senders} entries" in board.body

        # The question: the teacher asks, every follower answers (their threads stopped first).
        for follower in followers:
            follower.stopped.set()
        teacher.click("Ask the class")
        for follower in followers:
            follower.join(45)
        answered = 0
        for follower in followers:
            visitor = follower.visitor
            run = visitor.rerun()
            key = next((k for k in visitor.on_page if k.startswith("ev-answer-")), None)
            if key is None:
                report["errors"].append(f"a follower without the question: {sorted(visitor.on_page)[:12]}")
                continue
            visitor._state(key).string_value = visitor.widget_protos[key].options[1]  # as the page labels it
            run = visitor.rerun()
            if run.exceptions:
                report["errors"].append(f"answer: {run.exceptions[0]}")
            else:
                answered += 1
        tally = teacher.rerun()
        report["answers"] = answered
        report["tally_shown"] = f"{answered} answers so far" in tally.body
        report["rss_mb"] = {
            "before_room": round(rss_before, 1),
            "room_made": round(rss_room, 1),
            "with_followers": round(rss_followers, 1),
            "after_board_and_answers": round(rss_mb(pid), 1),
            "board_and_answers_added": round(rss_mb(pid) - rss_before_board, 1),
        }
        report["errors"] += [e for f in followers for e in f.errors]
        report["error_count"] = len(report["errors"])
        report["errors"] = report["errors"][:20]
        for follower in followers:
            follower.visitor.close()
        teacher.close()
    finally:
        server.stop()
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text)
    return 0 if report.get("error_count", 1) == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
