"""A class of students on one server, without browsers: Locust users that speak Streamlit's protocol.

Usage (headless; Locust's web UI is never started)::

    python -m bench.classroom --checkout /tmp/clone --students 30 [--hostile] [--cpus 0] [--run-time 120]
    python -m bench.classroom --url http://127.0.0.1:8501 --students 5 --run-time 20 --json out.json

Each student (:class:`Student`) opens the app (``rerun_script``, waits for ``script_finished``), then every
~10 s types a sentence of its own words (a rerun with the text area's new value), now and then switches
views (the segmented control ``view``) or goes to the training view and presses Train. After every message
it checks that the page it got back holds *its own* tokens (the chips' ``data-token-id`` in order, or the
training view's token list) and that no exception was shown. With ``--hostile`` every student arrives
through a tampered link (``dim=2048``, huge seeds, garbage: the values of ``tests/test_app_hostile.py``);
``--pastes N`` adds one student who pastes N different 99,000-character texts, one every 1-2 s.
Under a memory limit a ``dim=2048`` page shows the memory budget's refusal: the training view then
has no token list and no Train button; such pages are counted as ``refused_by_budget``, not as errors.
A student whose websocket is closed by the server (a replica behind a proxy died) reconnects once, as the
frontend does, and gets a fresh page (message kind ``reconnect``); ``--sessions FILE`` writes one JSON
line per session a student opens (its number, the proxy's routing cookie, the replica, the session id).

The server is started from ``--checkout`` exactly as the README starts it (its ``.venv``, its config), or
``--url`` names a running one (127.0.0.1 / localhost only). Before the class, ``--visitors`` new visitors
arrive one after another to measure the server's CPU per new visitor (``visitor_cost.py``).
Printed (and written to ``--json``): server CPU per new visitor, p50/p95 from each message to its
``script_finished`` (per kind of message), the server's peak RSS (kernel ``VmHWM``), server CPU, errors.

Bounded: every student sends at most ``--max-messages``; Locust stops after ``--run-time``; a watchdog
kills the server and this process ``HARD_KILL_GRACE`` seconds later whatever happens.
"""

from __future__ import annotations

# isort: off
# Locust first: it monkey-patches the standard library for gevent before anything else imports it.
import locust
import gevent
from locust import User, between
from locust.env import Environment
from locust.exception import StopUser

# isort: on

import argparse
import collections
import contextlib
import json
import os
import random
import re
import signal
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qsl

import websocket

from bench.common import Server, cpu_seconds, peak_rss_mb, thread_schedstats
from bench.limited_server import memory
from bench.memory_cgroup import child_group
from bench.st_client import ProtocolError, Run, Visitor, local_base
from bench.visitor_cost import measure
from embedviz.tokenizer import tokenize
from embedviz.training_runs import MAX_TRACKED_TOKENS
from embedviz.ui.state import VIEWS, parse

HARD_KILL_GRACE = 60.0
#: Words students type: each student's sentence is made of these plus its own number, so pages differ.
WORDS = (
    *("cat", "dog", "river", "mountain", "teacher", "window", "yellow", "quietly", "running", "tomorrow"),
    *("planet", "music", "garden", "bicycle", "ocean", "library", "winter", "coffee", "dragon", "pencil"),
)
#: Tampered links (query strings), from the hostile values in tests/test_app_hostile.py.
HOSTILE_LINKS = (
    "dim=2048",
    "dim=2048&context_length=8192",
    "seed=999999999999999999999",
    "seed=-1&dim=abc",
    "dim=1e309&seed=NaN",
    "view=..%2F..%2Fetc%2Fpasswd&lang=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "text=" + "9" * 10_000,
    "encoding=%3Cb%3Ex%3C%2Fb%3E&positional=..%2F..%2Fetc%2Fpasswd",
    "dim=8&dim=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "context_length=999999999999999999999&dim=2048",
)
#: Messages still waiting for their run when the class ended, by kind (not errors, not in the timings).
UNFINISHED: collections.Counter[str] = collections.Counter()
#: Pages that showed the memory budget's refusal instead of the student's tokens (a tampered ``dim=2048``
#: under a memory limit), by view: the page's expected answer, so not errors; the Train presses skipped
#: because the training view was refused count as "train".
REFUSED: collections.Counter[str] = collections.Counter()
#: The budget's English messages (embedviz/ui/strings/budget.py).
BUDGET_REFUSAL = re.compile(
    r"needs [\d,]+ MB(; this server has room for up to dim|, but this server's memory is full)"
    r"|MB of this server's memory are free"
)
#: What a dead server looks like to a student: its socket closed or reset. The frontend reconnects then.
CONNECTION_LOST = (websocket.WebSocketConnectionClosedException, ConnectionError)


class Student(User):
    """One student: opens the link, types its own sentences, switches views, presses Train.

    Its tasks and their weights are set by :func:`run_class` (Locust adds a base class's ``@task``
    methods to a subclass's own, so none are declared here)."""

    abstract = True
    wait_time = between(8, 12)
    base: str = ""
    links: tuple[str, ...] = ("",)
    #: Each student its own link, in turn (``--own-settings``), instead of a random one of ``links``.
    links_in_turn: bool = False
    max_messages: int = 100
    message_timeout: float = 60.0
    train_label: str = "Train"
    seed: int = 0
    sessions_file: Path | None = None
    count = 0

    def on_start(self) -> None:
        Student.count += 1
        self.number = Student.count
        self.rng = random.Random(f"{self.seed}-{self.number}")
        self.sent = 0
        self.refused = False
        self.view = "pipeline"
        self.sentence = ""
        self.in_flight: str | None = None
        if self.links_in_turn:
            link = self.links[(self.number - 1) % len(self.links)]
        else:
            link = self.rng.choice(self.links)
        self.visitor = Visitor(self.base, query_string=link, timeout=self.message_timeout)
        self._send("first_run", lambda: self._opened("first_run", self.visitor.connect()), check=False)

    def _opened(self, kind: str, run: Run) -> Run:
        """Note a new session in ``--sessions`` (one JSON line) and pass the run on."""
        if self.sessions_file is not None:
            line = {"student": self.number, "kind": kind, "route": self.visitor.route, "t": time.time()}
            line |= {"replica": self.visitor.replica, "session": run.session_id}
            with self.sessions_file.open("a") as out:
                out.write(json.dumps(line) + "\n")
        return run

    def on_stop(self) -> None:
        if self.in_flight is not None:  # Locust stopped this student while it waited for a run
            UNFINISHED[self.in_flight] += 1
        self.visitor.close()

    def _send(self, name: str, action, check: bool = True) -> Run | None:
        """Send one message, record its time to script_finished, check the page; errors are recorded."""
        if self.sent >= self.max_messages:
            raise StopUser()
        self.sent += 1
        started = time.perf_counter()
        run, error = None, None
        self.in_flight = name
        try:
            run = action()
            if not run.succeeded:
                error = ProtocolError(f"script finished with status {run.status}")
            elif run.exceptions:
                error = ProtocolError("exception on the page: " + run.exceptions[0][:200])
            elif check:
                error = self._check(run)
        except Exception as problem:  # a closed socket, a timeout, a missing widget: all count as errors
            error = problem
        self.in_flight = None
        self.environment.events.request.fire(
            request_type="ws",
            name=name,
            response_time=(run.seconds if run else time.perf_counter() - started) * 1000,
            response_length=len(run.text) if run else 0,
            exception=error,
            context={"student": self.number},
        )
        if isinstance(error, CONNECTION_LOST) and name != "reconnect":
            return self._send("reconnect", self._reconnect)
        if error is not None and self.visitor.ws is None:
            raise StopUser()
        return run

    def _reconnect(self) -> Run:
        """A new socket and a fresh session. Its page is the one of the student's link (the URL, which the
        app writes after every run): the last sentence and view that finished a run, not a message lost
        with the dead server. The student goes on from there, as a student in front of the page would."""
        run = self._opened("reconnect", self.visitor.reconnect())
        linked, _ = parse(dict(parse_qsl(self.visitor.query_string)))
        self.sentence, self.view = linked.text, linked.view
        if "text" in self.visitor.on_page:  # a student types only into a sentence box the page shows
            self.visitor.set_text("text", linked.text)
        self.visitor.set_choice("view", self.visitor.options("view")[VIEWS.index(linked.view)])
        return run

    def _check(self, run: Run) -> Exception | None:
        """The page must hold this student's own tokens (the sentence it typed last)."""
        self.refused = BUDGET_REFUSAL.search(run.body) is not None
        if self.refused:
            REFUSED[self.view] += 1
        if not self.sentence:
            return None
        tokens = tokenize(self.sentence)
        if self.view == "pipeline":
            got = run.token_ids()
            want = [token.id for token in tokens]
            if got != want:
                where = f"session {run.session_id[:8]}, link {self.visitor.query_string[:60]!r}"
                return ProtocolError(f"chips {got[:8]} are not my tokens {want[:8]} ({where})")
            return None
        if self.view == "train" and not self.refused:  # refused: the view says why, instead of its tokens
            body = run.body
            missing = [
                f"{i}: {token.display}"
                for i, token in enumerate(tokens[:MAX_TRACKED_TOKENS])
                if f"{i}: {token.display}" not in body
            ]
            return ProtocolError(f"tokens {missing[:3]} missing on the training view") if missing else None
        return None

    def _go(self, view: str) -> None:
        if self.view == view:
            return
        labels = self.visitor.options("view")
        self.visitor.set_choice("view", labels[VIEWS.index(view)])
        self.view = view
        self._send("view", self.visitor.rerun)

    def _new_sentence(self) -> None:
        words = self.rng.sample(WORDS, 5)
        self.sentence = f"Student {self.number} says: {' '.join(words)} {self.rng.randint(0, 999)}"
        self.visitor.set_text("text", self.sentence)

    def _reach(self, view: str) -> None:
        """Switch to ``view`` and stay there. A switch the dead server ate left the student, after its
        reconnect, on its link's view (see :meth:`_reconnect`); like a student in front of that page it
        clicks again rather than type into a text box or press a button that is not on the page (the
        page would rightly ignore them). Bounded: every try is a message; ``--max-messages`` ends it."""
        while self.view != view:
            self._go(view)

    def type_sentence(self) -> None:
        if self.view not in ("pipeline", "train") or "text" not in self.visitor.on_page:
            self._reach("pipeline")  # (a student types only into a sentence box the page shows)
        self._new_sentence()
        self._send("type", self.visitor.rerun)

    def switch_view(self) -> None:
        self._go(self.rng.choice([v for v in ("pipeline", "seed", "batches", "order") if v != self.view]))

    def train(self) -> None:
        self._reach("train")
        if not self.sentence and "text" in self.visitor.on_page:
            self._new_sentence()
            self._send("type", self.visitor.rerun)
        if self.refused and "button:" + self.train_label not in self.visitor.on_page:
            REFUSED["train"] += 1  # the view said why there is no Train button
            return
        self._send("train", lambda: self.visitor.click(self.train_label))


#: Characters of one pasted text (``--pastes``): just under the sentence box's 100,000.
PASTE_CHARS = 99_000


def pasted_text(student: int, n: int, rng: random.Random) -> str:
    """The ``n``-th text a student pastes: 99,000 characters of words, a different text every time."""
    words = [f"Paste {student}.{n}:"]
    while sum(len(word) + 1 for word in words) < PASTE_CHARS:
        words.append(f"{rng.choice(WORDS)}{rng.randint(0, 99)}")
    return " ".join(words)[:PASTE_CHARS]


class Paster(Student):
    """A student who pastes long texts into the sentence box, one after another (``--pastes N``): the
    page tokenizes every one (about 22,000 tokens, more than the context length: the page says so)."""

    abstract = True
    pastes = 25

    def paste(self) -> None:
        pasted = getattr(self, "pasted", 0)
        if pasted >= self.pastes:
            raise StopUser()
        self._reach("pipeline")
        self.sentence = ""  # no token check: the page names the context length instead of the tokens
        self.visitor.set_text("text", pasted_text(self.number, pasted, self.rng))
        self.pasted = pasted + 1
        self._send("paste", self.visitor.rerun)


#: The dims students of ``--own-settings`` take in turn (every one up to the goal's 768).
OWN_DIMS = (64, 128, 256, 384, 512, 768)


def own_links(students: int) -> tuple[str, ...]:
    """A link per student with a setting of its own: seed 500 + its number, dims from OWN_DIMS in turn."""
    return tuple(f"seed={500 + n}&dim={OWN_DIMS[n % len(OWN_DIMS)]}" for n in range(students))


def percentiles(environment: Environment) -> dict:
    out = {}
    for (name, _), entry in sorted(environment.stats.entries.items()):
        out[name] = {
            "count": entry.num_requests,
            "errors": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "max_ms": round(entry.max_response_time or 0),
        }
    total = environment.stats.total
    out["all"] = {
        "count": total.num_requests,
        "errors": total.num_failures,
        "p50_ms": total.get_response_time_percentile(0.5),
        "p95_ms": total.get_response_time_percentile(0.95),
        "max_ms": round(total.max_response_time or 0),
    }
    return out


def watch_waits(pid: int, seen: dict[int, tuple[float, float]], every: float = 0.5) -> None:
    """Keep each server thread's latest (on-CPU, waiting-for-a-CPU) seconds; runs until killed.
    Threads that live less than ``every`` seconds between two looks are missed (an under-estimate)."""
    while True:
        seen.update(thread_schedstats(pid))
        gevent.sleep(every)


def quit_when_all_done(runner, every: float = 0.5) -> None:
    """End the class early once every student has sent all its messages (``--max-messages``)."""
    while runner.spawning_greenlet is None or not runner.spawning_greenlet.dead or runner.user_count:
        gevent.sleep(every)
    runner.quit()


def run_class(args: argparse.Namespace, base: str, pid: int | None) -> dict:
    """Visitors in a row, then the class; returns the report."""
    report: dict = {
        "students": args.students,
        "hostile": args.hostile,
        "own_settings": args.own_settings,
        "pastes": args.pastes,
        "run_time_s": args.run_time,
    }
    if args.visitors:
        cost = measure(base, pid, args.visitors, args.edits)
        report["new_visitor"] = {k: v for k, v in cost.items() if k.startswith(("median", "idle"))}
        report["new_visitor"]["visitor_cpu_s"] = cost["visitor_cpu_s"]

    class Class(Student):
        abstract = False
        wait_time = between(args.think * 0.8, args.think * 1.2)
        tasks = {  # noqa: RUF012 (Locust reads it once, per class)
            Student.type_sentence: 6,
            Student.switch_view: 2,
            Student.train: args.train_weight,
        }

    user_classes: list[type[Student]] = [Class]
    if args.pastes:

        class OnePaster(Paster):
            abstract = False
            fixed_count = 1
            wait_time = between(1, 2)
            pastes = args.pastes
            tasks = [Paster.paste]  # noqa: RUF012

        OnePaster.base = base
        OnePaster.message_timeout = args.message_timeout
        user_classes.append(OnePaster)
    Class.base = base
    Class.links = HOSTILE_LINKS if args.hostile else own_links(args.students) if args.own_settings else ("",)
    Class.links_in_turn = args.own_settings and not args.hostile
    Class.max_messages = args.max_messages
    Class.message_timeout = args.message_timeout
    Class.train_label = args.train_label
    Class.seed = args.seed
    Class.sessions_file = args.sessions
    environment = Environment(user_classes=user_classes, events=locust.events)
    errors: list[str] = []
    by_student: collections.Counter[int] = collections.Counter()

    def note_error(exception=None, name="", context=None, **_) -> None:
        if exception is not None:
            student = (context or {}).get("student", 0)
            errors.append(f"{name} (student {student}): {exception}")
            by_student[student] += 1

    environment.events.request.add_listener(note_error)
    cpu_before = cpu_seconds(pid) if pid else None
    memory_before = (
        memory(pid) if pid else None
    )  # RSS, RssAnon, RssFile and major faults (bench.limited_server)
    own_before = cpu_seconds(os.getpid())  # the load generator's own CPU: if it nears 1 s/s, it is the limit
    waits: dict[int, tuple[float, float]] = {}
    before_waits = thread_schedstats(pid) if pid else {}
    watcher = gevent.spawn(watch_waits, pid, waits) if pid else None
    runner = environment.create_local_runner()
    users = args.students + (1 if args.pastes else 0)
    runner.start(users, spawn_rate=users / max(args.ramp, 0.1))
    gevent.spawn_later(args.run_time, runner.quit)
    gevent.spawn(quit_when_all_done, runner)
    runner.greenlet.join(timeout=args.run_time + HARD_KILL_GRACE / 2)
    runner.quit()
    if watcher is not None:
        watcher.kill()
        on_cpu = sum(run - before_waits.get(tid, (0, 0))[0] for tid, (run, _) in waits.items())
        waiting = sum(wait - before_waits.get(tid, (0, 0))[1] for tid, (_, wait) in waits.items())
        report["server_threads_on_cpu_s"] = round(on_cpu, 1)  # roughly server_cpu_s (threads sampled)
        report["server_threads_waiting_for_cpu_s"] = round(waiting, 1)  # runnable, but others had the cores
    report["messages"] = percentiles(environment)
    report["errors"] = errors[:20]
    report["error_count"] = len(errors)
    report["errors_by_student"] = dict(by_student)
    report["unfinished_at_end"] = dict(UNFINISHED)
    report["refused_by_budget"] = dict(REFUSED)
    report["load_generator_cpu_s"] = round(cpu_seconds(os.getpid()) - own_before, 2)
    if pid:
        report["server_cpu_s"] = round(cpu_seconds(pid) - cpu_before, 2)
        report["peak_rss_mb"] = round(peak_rss_mb(pid), 1)
        report["memory_before_class"] = {name: round(value, 1) for name, value in memory_before.items()}
        report["memory_after_class"] = {name: round(value, 1) for name, value in memory(pid).items()}
    return report


def main() -> int:
    if "--room" in sys.argv:  # a live class: bench/room_class.py, in its own process (threads, no gevent)
        import subprocess

        repo = Path(__file__).resolve().parents[1]
        return subprocess.call([sys.executable, "-m", "bench.room_class", *sys.argv[1:]], cwd=repo)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--checkout", type=Path, help="folder set up with the README's install command")
    where.add_argument("--url", help="a running server: http://127.0.0.1:PORT or http://localhost:PORT")
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--hostile", action="store_true", help="students arrive through tampered links")
    parser.add_argument(
        "--own-settings",
        action="store_true",
        help="each student on a setting of its own: seed 500+N, dim 64-768 in turn (see own_links)",
    )
    parser.add_argument("--ramp", type=float, default=60.0, help="seconds until every student is there")
    parser.add_argument("--run-time", type=float, default=120.0, help="seconds of class (Locust stops then)")
    parser.add_argument("--think", type=float, default=10.0, help="seconds between a student's messages")
    parser.add_argument("--max-messages", type=int, default=100, help="per student")
    parser.add_argument("--message-timeout", type=float, default=60.0, help="seconds to wait for a run")
    parser.add_argument("--visitors", type=int, default=10, help="new visitors in a row before the class")
    parser.add_argument("--edits", type=int, default=10, help="warm edits in a row before the class")
    parser.add_argument("--cpus", help="pin the server to these cores (taskset -c), e.g. 0 for a 1-core plan")
    parser.add_argument("--memory-limit-mb", type=float, help="fail if the server's peak RSS goes above this")
    parser.add_argument(
        "--cgroup-mb",
        type=int,
        help="start the server in a child memory cgroup of this many MiB (v1; bench/memory_cgroup.py) and "
        "report the kernel's peak, limit hits and OOM kills; fail on an OOM kill",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the task choices (and students' words)")
    parser.add_argument(
        "--pastes", type=int, default=0, help="one more student pastes this many 99,000-character texts"
    )
    parser.add_argument("--train-weight", type=int, default=1, help="Train presses per 6 typed sentences")
    parser.add_argument("--train-label", default="Train", help="the Train button's label (English page)")
    parser.add_argument("--streamlit", type=Path, help="another streamlit than CHECKOUT/.venv/bin/streamlit")
    parser.add_argument("--log", type=Path, help="write the server's output here")
    parser.add_argument("--json", type=Path, help="also write the report here")
    parser.add_argument("--sessions", type=Path, help="append one JSON line per session a student opens")
    args = parser.parse_args()
    random.seed(args.seed)  # Locust picks each student's next task with the random module

    server = None
    limited = contextlib.ExitStack()
    group = None
    if args.url:
        base, pid = local_base(args.url), None
    else:
        streamlit = args.streamlit
        if args.cgroup_mb:
            group = limited.enter_context(child_group(args.cgroup_mb * 2**20))
            folder = Path(limited.enter_context(tempfile.TemporaryDirectory()))
            streamlit = group.launcher(
                streamlit or args.checkout.resolve() / ".venv" / "bin" / "streamlit", folder
            )
        server = Server(args.checkout.resolve(), cpus=args.cpus, streamlit=streamlit, log_path=args.log)

    def hard_kill(*_: object) -> None:
        print("classroom: hard time limit reached, killing the server", file=sys.stderr)
        if server is not None:
            server.stop()
        os._exit(3)

    signal.signal(signal.SIGALRM, hard_kill)
    signal.alarm(int(args.run_time + HARD_KILL_GRACE + 600))  # start-up and visitors included
    try:
        if server is not None:
            server.start()
            base, pid = server.url, server.pid
        report = run_class(args, base, pid)
        if group is not None:
            kernel = group.report()
            report["cgroup"] = {"limit_mb": args.cgroup_mb, "peak_mb": round(kernel.max_usage / 2**20, 1)}
            report["cgroup"] |= {"failcnt": kernel.failcnt, "oom_kills": kernel.oom_kills}
    finally:
        if server is not None:
            server.stop()
        limited.close()
        signal.alarm(0)
    print(json.dumps(report, indent=1))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    over = args.memory_limit_mb is not None and report.get("peak_rss_mb", 0) > args.memory_limit_mb
    killed = report.get("cgroup", {}).get("oom_kills", 0) > 0
    return 1 if report["error_count"] or over or killed else 0


if __name__ == "__main__":
    sys.exit(main())
