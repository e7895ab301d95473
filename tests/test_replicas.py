"""Three embedviz replicas behind nginx, for real, with the class load test going through the proxy.

``deploy/replicas.sh`` starts 3 replicas and nginx on this machine (``bench/replicas_proc.py``). A short
class (``bench.classroom``: Locust students speaking Streamlit's websocket protocol, each loading the
page first like a browser, so nginx's routing cookie ``evroute`` names the student) runs through the
proxy, and one replica is SIGKILLed as soon as every student has its first page. Checked:
- every student got only its own tokens (the load test compares each page's chips with its sentence);
- every student's requests (page, websocket, reconnect) went to one replica for its whole life: nginx's
  access log, one line per request with ``upstream=`` and ``route=``;
- the dead replica's students lost at most the one message in flight, reconnected once (as the frontend
  does) to a healthy replica and got a fresh page (a new session id), and went on; the other students saw
  no error and kept their one session; every student sent all its messages and the class ended by itself
  well before its time limit (nothing hangs).

Before that, two live classes on the same three replicas: each room lives on its teacher's replica, and
its students (their link carries the teacher's route; one had been routed elsewhere before) reach it.

Needs nginx (``apt-get install -y nginx``): skipped without it on a laptop, failing in CI (``CI`` set).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import tiktoken

from bench.replicas_proc import ROOT, Replicas, find_nginx, running_replicas
from bench.st_client import Visitor, last_upstream, local_base

REPLICAS = 3
STUDENTS = 8  # all on one replica: 3 * (1/3)^8 = 0.05 % of the runs (then no student is kept)
MESSAGES = 6  # per student, its first page and a reconnect included
CLASS_LIMIT_S = 120.0  # Locust's run time: a ceiling, the class ends when every student is done
LOG_LINE = re.compile(
    r'"(?P<request>[^"]*)" (?P<status>\d+) \d+ upstream=(?P<upstream>.*?) route=(?P<route>\S+)'
)


def access_log(workdir: Path) -> list[dict[str, str]]:
    """nginx's access log, one dict per request, in the order written (a websocket's line on close)."""
    return [m.groupdict() for m in LOG_LINE.finditer((workdir / "access.log").read_text())]


def replicas_of(workdir: Path, route: str) -> list[str]:
    """The replica that served each logged request of this routing cookie, in log order."""
    return [last_upstream(e["upstream"]) for e in access_log(workdir) if e["route"] == route]


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replicas]:
    if find_nginx() is None:
        message = "nginx is required: apt-get install -y nginx"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    pids: list[int] = []
    # 690 MB each, the smallest Community Cloud app
    with running_replicas(REPLICAS, 2070, tmp_path_factory.mktemp("replicas")) as replicas:
        pids = list(replicas.pids.values())
        yield replicas
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # replicas.sh left nothing running


def read_sessions(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


ROOM_LINK = re.compile(r"\?room=(?P<code>[A-Z2-9]{6})&amp;route=(?P<route>[A-Za-z0-9_-]+)")


def start_room(url: str) -> tuple[Visitor, str, str]:
    """A teacher opens ``?class=start`` through the proxy: (the teacher, the room's code, its route)."""
    teacher = Visitor(url, query_string="class=start", timeout=180)
    run = teacher.connect()
    assert run.succeeded and not run.exceptions, run.exceptions
    link = ROOM_LINK.search(run.body)
    assert link, "no students' link with a route on the teacher's page"
    assert link["route"] == teacher.route  # the link carries the teacher's own route
    return teacher, link["code"], link["route"]


def followers_page(student: Visitor, code: str) -> tuple[dict, str]:
    """The followers' page as the student's browser fetches it (its cookies, through the proxy), and the
    replica that answered."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(student.cookies))
    url = f"{local_base(student.base_url)}/_embedviz/room/{code}/page?since=-1&lang=en"
    with opener.open(url, timeout=student.timeout) as response:
        replica = last_upstream(response.headers.get("X-Embedviz-Replica", ""))
        return json.loads(response.read()), replica


def test_two_rooms_on_three_replicas_each_class_reaches_its_teachers_replica(
    deployment: Replicas, plain_gpt2: tiktoken.Encoding
) -> None:
    """Two teachers on two different replicas; each room's students, whatever route their browser had
    before, land on their teacher's replica and follow the teacher's sentence."""
    teachers: dict[str, tuple[Visitor, str, str]] = {}
    for _ in range(12):  # routes are random: start rooms until two sit on different replicas
        teacher, code, route = start_room(deployment.url)
        if teacher.replica in teachers:
            teacher.close()
            continue
        teachers[teacher.replica] = (teacher, code, route)
        if len(teachers) == 2:
            break
    assert len(teachers) == 2, "twelve teachers all landed on one replica"
    for replica, (teacher, code, route) in teachers.items():
        sentence = f"Die Klasse {code} lernt Tokens"
        teacher.set_text("text", sentence)
        assert teacher.rerun().succeeded
        for n in range(3):
            student = Visitor(deployment.url, timeout=180)
            if n == 2:  # a browser that was here before: its own route points anywhere
                student.get("/")
            student.query_string = f"room={code}&route={route}"
            run = student.connect()
            assert student.replica == replica, f"student {n} of {code} on {student.replica}, not {replica}"
            assert student.route == route  # the proxy made the class's route this browser's own
            assert "Following the teacher" in run.body and "There is no class" not in run.body
            page, page_replica = followers_page(student, code)  # what the page's element asks for
            assert page_replica == replica  # with the browser's cookie, the teacher's replica answers
            tokens = next(block["html"] for block in page["blocks"] if block["key"] == "tokens")
            assert [int(i) for i in re.findall(r'data-token-id="(\d+)"', tokens)] == plain_gpt2.encode(
                sentence
            )
            assert student.query_string == f"room={code}"  # the route left the link, the cookie keeps it
            assert student.reconnect().succeeded and student.replica == replica
            student.close()
        teacher.close()


def test_a_class_through_the_proxy_survives_a_dead_replica(deployment: Replicas, tmp_path: Path) -> None:
    for address in deployment.pids:  # a cold replica's first page pays the imports (21 s here): not the test
        warm = Visitor(f"http://{address}", timeout=180)
        assert warm.connect(load_page=False).succeeded
        warm.close()
    sessions_path, report_path = tmp_path / "sessions.jsonl", tmp_path / "class.json"
    command = [sys.executable, "-m", "bench.classroom", "--url", deployment.url]
    command += ["--students", str(STUDENTS), "--ramp", "2", "--think", "3", "--max-messages", str(MESSAGES)]
    command += ["--run-time", str(CLASS_LIMIT_S), "--message-timeout", "30", "--seed", "3"]
    command += ["--visitors", "0", "--edits", "0", "--train-weight", "0"]
    command += ["--sessions", str(sessions_path), "--json", str(report_path)]
    started = time.monotonic()
    load = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        # Kill as soon as every student holds a session: the state is waited for, not a time.
        while len({s["student"] for s in read_sessions(sessions_path)}) < STUDENTS:
            assert load.poll() is None, load.stdout.read()[-3000:] if load.stdout else ""
            assert time.monotonic() - started < 90, "the students did not all get a first page in 90 s"
            time.sleep(0.1)
        first = {s["student"]: s for s in read_sessions(sessions_path) if s["kind"] == "first_run"}
        held = [s["replica"] for s in first.values()]
        victim = max(set(held), key=held.count)  # the replica holding the most students
        os.kill(deployment.pids[victim], signal.SIGKILL)  # as a crash would: no goodbye
        output, _ = load.communicate(timeout=CLASS_LIMIT_S + 120)
    finally:
        if load.poll() is None:
            load.kill()
            load.wait()
    elapsed = time.monotonic() - started
    report = json.loads(report_path.read_text())
    sessions = read_sessions(sessions_path)
    lost = {n for n, s in first.items() if s["replica"] == victim}
    kept = set(first) - lost
    assert set(first) == set(range(1, STUDENTS + 1)) and lost, first

    # Nothing hangs: every message of every student was answered (an error counts), none still waiting,
    # and the class ended by itself, not at Locust's time limit.
    counts = {name: entry["count"] for name, entry in report["messages"].items()}
    assert counts["all"] == STUDENTS * MESSAGES and not report["unfinished_at_end"], (counts, output[-2000:])
    assert elapsed < CLASS_LIMIT_S, f"the class took {elapsed:.0f} s"
    assert counts.get("type", 0) >= STUDENTS, counts  # typed sentences, each page checked for its tokens
    # Errors only for the dead replica's students, at most the one message the dead socket ate.
    errors = {int(n): count for n, count in report["errors_by_student"].items()}
    assert set(errors) <= lost and all(c <= 1 for c in errors.values()), report["errors"]

    healthy = set(deployment.pids) - {victim}
    for student in kept:  # one session, never moved
        assert [s["kind"] for s in sessions if s["student"] == student] == ["first_run"]
    for student in lost:  # exactly one reconnect, to a healthy replica, with a fresh session
        again = [s for s in sessions if s["student"] == student and s["kind"] == "reconnect"]
        assert len(again) == 1, f"student {student} reconnected {len(again)} times"
        assert again[0]["replica"] in healthy and again[0]["route"] == first[student]["route"]
        assert again[0]["session"] != first[student]["session"], "not a fresh page"

    # nginx's own record (a websocket's line is written when it closes; the class has closed them all):
    # each student's requests on one replica, the lost ones' on the victim and then on one healthy one.
    wait_for_log(deployment.workdir, {first[n]["route"]: 2 if n in lost else 1 for n in first})
    for student in kept:
        assert set(replicas_of(deployment.workdir, first[student]["route"])) == {first[student]["replica"]}
    for student in lost:
        served = replicas_of(deployment.workdir, first[student]["route"])
        new = next(s["replica"] for s in sessions if s["student"] == student and s["kind"] == "reconnect")
        assert served == [victim] * served.index(new) + [new] * (len(served) - served.index(new)), served


def wait_for_log(workdir: Path, sockets: dict[str, int], timeout: float = 10.0) -> None:
    """Wait until nginx has logged ``sockets[route]`` websockets per route (a line is written on close)."""
    deadline = time.monotonic() + timeout

    def logged() -> dict[str, int]:
        streams = [e["route"] for e in access_log(workdir) if e["request"].startswith("GET /_stcore/stream")]
        return {route: streams.count(route) for route in sockets}

    while any(logged()[route] < count for route, count in sockets.items()):
        assert time.monotonic() < deadline, f"nginx did not log every closed websocket: {logged()}"
        time.sleep(0.1)
