"""A class opens the link: what the page's files cost the server, measured as browsers fetch them.

Usage (from the repository root)::

    python -m bench.arrival                         # server from this checkout, /work/venv's streamlit
    python -m bench.arrival --checkout /tmp/clone   # a checkout set up with the README's command
    python -m bench.arrival --url http://127.0.0.1:8080 --pid 1234   # a running server (or nginx before it)
    python -m bench.arrival --browsers 60 --within 10 --chromium 5

Three measurements, each on the same server:

1. **Record.** One fresh Chromium context opens the page and waits until it is idle; every HTTP request
   it made to the server is kept (URL and the ``Accept-Encoding`` it sent). The websocket is not a file.
2. **Chromium visitors.** ``--chromium`` fresh contexts open the page one after another; the server's CPU
   (``/proc/PID/stat`` utime + stime, all threads) is read before each and ``SETTLE`` s after it went idle:
   the whole cost of a new browser, files, websocket and script run included.
3. **Replay.** ``--browsers`` simulated browsers arrive at random times within ``--within`` seconds; each
   fetches exactly the recorded files as Chromium does (up to 6 keep-alive connections, its
   ``Accept-Encoding``, bodies read to the end). Printed: the server's CPU for all of them divided by their
   number, and per browser the time from its arrival to its last file (median, p95, max).

``--pid`` names the process whose CPU counts (with ``--url``); behind nginx give the replica's pid, and
nginx's own worker is reported apart when ``--nginx-pid`` is given. The machine is shared: CPU-seconds are
the robust figures, wall-clock ones depend on what else runs.
"""

from __future__ import annotations

import argparse
import http.client
import json
import queue
import random
import statistics
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from bench.common import REPO_ROOT, Server, browser_helpers, cpu_seconds

H = browser_helpers()  # tests/browser/conftest.py: the Chromium flags and waits of the browser tests
SETTLE = 1.0  # seconds after the page is idle that still count for the visitor
CONNECTIONS_PER_BROWSER = 6  # Chromium's limit per host for HTTP/1.1


@dataclass(frozen=True)
class FileRequest:
    """One file a browser asked for: the path (with query) and the headers Chromium sent with it
    (``Accept-Encoding``, ``User-Agent``, ``Sec-Fetch-*``, ...; parsing them is part of the server's cost)."""

    path: str
    headers: tuple[tuple[str, str], ...]


def _path_and_query(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _replayable(headers: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The request headers to send again: all but those http.client sets itself or that tie a request to
    one connection or one visitor (``Host``, ``Connection``, ``Cookie``, HTTP/2 pseudo-headers)."""
    skip = {"host", "connection", "cookie", "content-length"}
    return tuple((k, v) for k, v in headers.items() if k not in skip and not k.startswith(":"))


def open_until_drawn(page, url: str) -> None:
    """Load ``url`` and wait until the 3D chart (a Plotly host) has drawn and the page is idle."""
    page.goto(url)
    page.wait_for_selector(".embedviz-plotly-host .gl-container canvas", state="attached", timeout=120_000)
    H.wait_idle(page)


def record(url: str) -> list[FileRequest]:
    """Open ``url`` in a fresh Chromium context; return every HTTP request it made to the server."""
    from playwright.sync_api import sync_playwright

    origin = urllib.parse.urlsplit(url)
    seen: list = []
    with sync_playwright() as playwright:
        browser = H.launch_chromium(playwright)
        context = H.new_instrumented_context(browser)
        page = context.new_page()

        def keep(request) -> None:
            parts = urllib.parse.urlsplit(request.url)
            if parts.scheme in ("http", "https") and parts.netloc == origin.netloc:
                seen.append(request)

        page.on("request", keep)
        open_until_drawn(page, url)
        seen = [FileRequest(_path_and_query(r.url), _replayable(r.all_headers())) for r in seen]
        context.close()
        browser.close()
    return seen


def chromium_visits(url: str, pid: int, visits: int) -> list[float]:
    """Server CPU seconds of each of ``visits`` fresh Chromium contexts opening ``url``."""
    from playwright.sync_api import sync_playwright

    costs = []
    with sync_playwright() as playwright:
        browser = H.launch_chromium(playwright)
        for _ in range(visits):
            context = H.new_instrumented_context(browser)
            page = context.new_page()
            before = cpu_seconds(pid)
            open_until_drawn(page, url)
            time.sleep(SETTLE)  # what the server does right after the page counts for the visitor
            costs.append(cpu_seconds(pid) - before)
            context.close()
        browser.close()
    return costs


def _fetch_all(host: str, port: int, files: list[FileRequest], errors: list[str]) -> int:
    """One browser: fetch ``files`` over up to 6 keep-alive connections; return the bytes received."""
    work: queue.SimpleQueue[FileRequest | None] = queue.SimpleQueue()
    for item in files:
        work.put(item)
    received = [0]

    def connection() -> None:
        conn = http.client.HTTPConnection(host, port, timeout=60)
        while True:
            try:
                item = work.get_nowait()
            except queue.Empty:
                break
            if item is None:
                break
            try:
                conn.request("GET", item.path, headers=dict(item.headers))
                answer = conn.getresponse()
                body = answer.read()
            except (OSError, http.client.HTTPException) as error:
                errors.append(f"{item.path}: {error!r}")
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=60)
                continue
            if answer.status >= 400:
                errors.append(f"{item.path}: HTTP {answer.status}")
            received[0] += len(body)
        conn.close()

    threads = [threading.Thread(target=connection) for _ in range(min(CONNECTIONS_PER_BROWSER, len(files)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return received[0]


def replay(url: str, files: list[FileRequest], browsers: int, within: float, seed: int = 1) -> dict:
    """``browsers`` simulated browsers arrive at random times in ``within`` s and fetch ``files``."""
    parts = urllib.parse.urlsplit(url)
    arrivals = sorted(random.Random(seed).uniform(0, within) for _ in range(browsers))
    last_file: list[float] = [0.0] * browsers
    received: list[int] = [0] * browsers
    errors: list[str] = []
    start = time.perf_counter()

    def browser(index: int) -> None:
        delay = start + arrivals[index] - time.perf_counter()
        if delay > 0:
            time.sleep(delay)  # this browser's arrival time
        arrived = time.perf_counter()
        received[index] = _fetch_all(parts.hostname or "127.0.0.1", parts.port or 80, files, errors)
        last_file[index] = time.perf_counter() - arrived

    threads = [threading.Thread(target=browser, args=(i,)) for i in range(browsers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ordered = sorted(last_file)
    return {
        "browsers": browsers,
        "within_s": within,
        "files_per_browser": len(files),
        "mb_per_browser": round(statistics.median(received) / 1e6, 3),
        "last_file_s_median": round(statistics.median(ordered), 3),
        "last_file_s_p95": round(ordered[max(0, int(0.95 * len(ordered)) - 1)], 3),
        "last_file_s_max": round(ordered[-1], 3),
        "all_done_s": round(time.perf_counter() - start, 3),
        "errors": errors[:10],
        "error_count": len(errors),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--checkout", type=Path, default=REPO_ROOT)
    parser.add_argument("--streamlit", type=Path, default=None, help="default: CHECKOUT/.venv/bin/streamlit")
    parser.add_argument("--url", default=None)
    parser.add_argument("--pid", type=int, default=None, help="with --url: the server process to measure")
    parser.add_argument("--nginx-pid", type=int, default=None)
    parser.add_argument("--browsers", type=int, default=60)
    parser.add_argument("--within", type=float, default=10.0)
    parser.add_argument("--chromium", type=int, default=5)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--save-files", type=Path, default=None, help="write the recorded requests (JSON)")
    parser.add_argument("--files", type=Path, default=None, help="replay these requests, not a new record")
    args = parser.parse_args()

    server = None
    if args.url:
        url, pid = args.url.rstrip("/"), args.pid
    else:
        streamlit = args.streamlit
        if streamlit is None and not (args.checkout / ".venv").exists():
            streamlit = Path("/work/venv/bin/streamlit")
        server = Server(args.checkout, streamlit=streamlit)
        server.start()
        url, pid = server.url, server.pid
    try:
        files = record(url + "/")  # the first visit also warms what the server builds once
        if args.save_files:
            args.save_files.write_text(json.dumps([[f.path, f.headers] for f in files], indent=0))
        if args.files:
            files = [FileRequest(p, tuple(map(tuple, h))) for p, h in json.loads(args.files.read_text())]
        report: dict = {"url": url, "files": len(files)}
        if pid and args.chromium:
            costs = chromium_visits(url + "/", pid, args.chromium)
            report["chromium_visit_cpu_s"] = [round(c, 3) for c in costs]
            report["chromium_visit_cpu_s_median"] = round(statistics.median(costs), 3)
        before = cpu_seconds(pid) if pid else None
        nginx_before = cpu_seconds(args.nginx_pid) if args.nginx_pid else None
        report["replay"] = replay(url, files, args.browsers, args.within)
        if pid:
            report["replay"]["server_cpu_s_per_browser"] = round(
                (cpu_seconds(pid) - before) / args.browsers, 4
            )
        if args.nginx_pid:
            report["replay"]["nginx_cpu_s_per_browser"] = round(
                (cpu_seconds(args.nginx_pid) - nginx_before) / args.browsers, 4
            )
    finally:
        if server is not None:
            server.stop()
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text)


if __name__ == "__main__":
    main()
