"""Browser tests: a real ``streamlit run app.py`` on 127.0.0.1, driven by headless Chromium via Playwright.

How the pieces fit together:

* ``streamlit_server`` (session) starts the app once on a free port, waits for ``/_stcore/health`` to say
  ``ok`` and stops the whole process group at the end. The server log goes to ``test-artifacts/``.
* ``browser`` (session) launches Debian's Chromium (``EMBEDVIZ_CHROMIUM`` or ``/usr/bin/chromium``). If it
  or Playwright is missing, the tests are skipped on a laptop and fail in CI (``CI`` set).
* ``page`` / ``new_page`` give each test a fresh browser context, instrumented by ``INSTRUMENT_JS`` so that
  :func:`wait_idle` can tell when a Streamlit rerun is over. Every JS dialog is recorded in ``dialogs``.

The plain functions (``start_streamlit``, ``launch_chromium``, ``wait_idle``, ``type_sentence``, ...) are also
loaded by ``bench/common.py``, so the benchmarks drive the page exactly like the tests do.

Set ``EMBEDVIZ_APP=/path/to/page.py`` to point the fixtures at another Streamlit script (handy to check
this infrastructure against a stand-in page while ``app.py`` is still being written).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

from embedviz.ui.lazy import KEYS

if TYPE_CHECKING:  # Playwright is imported lazily: without it the tests skip (or fail in CI), not crash.
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

CHROMIUM_HINT = "Chromium is required in CI: apt-get install -y chromium"

# WebGL in headless Chromium without a GPU (checked with Debian's Chromium 156 and Playwright 1.65 here):
# WebGL runs on SwiftShader, Chrome's CPU implementation of Vulkan, behind ANGLE; the WebGL renderer string
# reads "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) ...), SwiftShader driver)". Chrome is
# retiring the *automatic* fallback to SwiftShader (issues.chromium.org/40277080); --enable-unsafe-swiftshader
# keeps it allowed, and Playwright already adds that flag by default. On this machine every variant drew a
# Plotly scatter3d (checked by counting marker-coloured pixels in a screenshot): the base flags alone,
# --use-gl=angle --use-angle=swiftshader, --enable-unsafe-swiftshader, both, and even with Playwright's
# default flag removed. We pin the explicit combination anyway, so WebGL neither depends on Playwright's
# defaults nor on a future Chrome's fallback rules, and a machine with a GPU driver renders the same way.
# ``test_3d_chart_has_a_drawn_canvas`` checks on every run that the 3D canvas really has pixels.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--use-gl=angle",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]

APP_SELECTOR = '[data-testid="stApp"]'
IDLE_SELECTOR = '[data-testid="stApp"][data-test-script-state="notRunning"]'

# Runs in every page before Streamlit's own code. It counts script runs (the stApp attribute
# data-test-script-state flipping to "running") and websocket messages from the server, and remembers when
# the DOM last changed and when the last message arrived, so wait_idle can wait for "finished and quiet"
# instead of sleeping. Both counters are needed: a fast rerun (20 ms) can go running -> notRunning inside
# one React render, and then the DOM never shows "running" at all; the server's messages still arrive.
INSTRUMENT_JS = """
(() => {
  if (window.__ev) return;
  const ev = (window.__ev = { runs: 0, done: 0, messages: 0, lastMutation: 0, lastFrame: 0 });
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => { ev.messages += 1; ev.lastFrame = performance.now(); });
    }
  };
  new MutationObserver((records) => {
    ev.lastMutation = performance.now();
    // Records arrive in batches: read each change's new value from the next record's oldValue
    // (or the attribute itself for the last one), so a run that starts and ends within one batch
    // still counts.
    const flips = records.filter((r) => r.attributeName === 'data-test-script-state'
                                       && r.target.getAttribute('data-testid') === 'stApp');
    flips.forEach((r, i) => {
      const now = i + 1 < flips.length ? flips[i + 1].oldValue
                                       : r.target.getAttribute('data-test-script-state');
      if (now === 'running' && r.oldValue !== 'running') ev.runs += 1;
      if (now !== 'running' && r.oldValue === 'running') ev.done += 1;
    });
  }).observe(document, {
    subtree: true, childList: true, attributes: true, attributeOldValue: true, characterData: true,
  });
})();
"""


# Counts canvases that got a WebGL context into window.__webgl (getContext returns the same context again for
# one canvas); an init script, so the count starts before the page's own scripts.
COUNT_WEBGL_JS = """
(() => {
  const original = HTMLCanvasElement.prototype.getContext;
  const seen = new WeakSet();
  window.__webgl = 0;
  HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
    const context = original.call(this, kind, ...rest);
    if (context && /webgl/.test(String(kind)) && !seen.has(this)) { seen.add(this); window.__webgl += 1; }
    return context;
  };
})();
"""


def count_webgl_and_stay_local(context: BrowserContext) -> list[str]:
    """Count WebGL contexts (``COUNT_WEBGL_JS``) in ``context``'s pages and log every URL they request
    into the returned list; a request that would leave 127.0.0.1 is aborted (tests assert on the log)."""
    context.add_init_script(COUNT_WEBGL_JS)
    requests: list[str] = []

    def route(route_: Any, request: Any) -> None:
        requests.append(request.url)
        if request.url.startswith(("http://127.0.0.1:", "ws://127.0.0.1:", "blob:", "data:")):
            route_.continue_()
        else:
            route_.abort()

    context.route("**/*", route)
    return requests


# Set in every page before Streamlit's code: the time (ms since navigation started) at which the page
# first had its chips and its 3D chart with the script finished, i.e. the first complete render.
RENDER_WATCH_JS = """
(() => {
  const done = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app && app.getAttribute('data-test-script-state') === 'notRunning'
      && document.querySelector('div.ev-chips span.ev-chip')
      && document.querySelector('.st-key-space3d .js-plotly-plot')
      && document.querySelector('.st-key-heatmap-input .js-plotly-plot');
  };
  new MutationObserver((records, observer) => {
    if (window.__evRendered === undefined && done()) {
      window.__evRendered = performance.now();
      observer.disconnect();
    }
  }).observe(document, { subtree: true, childList: true, attributes: true });
})();
"""

# ----------------------------------------------------------------------------------------------------------
# Streamlit server
# ----------------------------------------------------------------------------------------------------------


def free_port() -> int:
    """Ask the OS for a TCP port nobody listens on right now (there is a small race; we retry on it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class StreamlitServer:
    """A running ``streamlit run`` process, its URL and the file its output goes to."""

    process: subprocess.Popen[bytes]
    url: str
    log_path: Path
    started_at: float  # time.perf_counter() just before the process was spawned
    ready_at: float  # time.perf_counter() when /_stcore/health first answered "ok"
    _log: Any = field(default=None, repr=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the server log, for error messages."""
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return "<no log>"

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM the server's process group (it runs in its own session), then SIGKILL if needed."""
        stop_process_group(self.process, grace)
        if self._log is not None:
            self._log.close()


def stop_process_group(process: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """End a process started with ``start_new_session=True`` together with any children it spawned."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
    else:  # the leader is gone, but a child could still hold the group
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)


def start_streamlit(
    script: Path,
    log_path: Path,
    *,
    timeout: float = 60.0,
    extra_args: tuple[str, ...] = (),
    attempts: int = 3,
) -> StreamlitServer:
    """Start ``python -m streamlit run script`` from the repo root and wait until it is healthy.

    ``--server.fileWatcherType none``: other people edit the repo while tests run; a file watcher would
    only add CPU load and "source changed" banners to screenshots.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    last_error = ""
    for _ in range(attempts):
        port = free_port()
        command = [
            sys.executable, "-m", "streamlit", "run", str(script),
            "--server.port", str(port),
            "--server.address", "127.0.0.1",
            "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
            *extra_args,
        ]  # fmt: skip
        log = log_path.open("wb")
        log.write(f"$ {' '.join(command)}\n".encode())
        log.flush()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        url = f"http://127.0.0.1:{port}"
        server = StreamlitServer(process, url, log_path, started, started, log)
        deadline = started + timeout
        while time.perf_counter() < deadline:
            if process.poll() is not None:
                break
            if _healthy(url):
                server.ready_at = time.perf_counter()
                return server
            time.sleep(0.1)
        last_error = server.log_tail()
        server.stop()
        if "already in use" not in last_error:  # a real failure: retrying will not help
            break
    raise RuntimeError(f"streamlit did not become healthy (log: {log_path}):\n{last_error}")


def tree_cpu_seconds(marker: str) -> float:
    """CPU seconds used so far by the processes whose command line holds ``marker`` and all their
    descendants (a Chromium browser process, its zygotes, renderers and GPU process), from /proc."""
    procs: dict[int, tuple[int, float, str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:  # the process ended while we looked
                continue
            ticks = int(stat[11]) + int(stat[12])
            procs[int(entry.name)] = (int(stat[1]), ticks / os.sysconf("SC_CLK_TCK"), command)
    members = {pid for pid, (_, _, command) in procs.items() if marker in command}
    grown = True
    while grown:
        children = {pid for pid, (parent, _, _) in procs.items() if parent in members} - members
        members |= children
        grown = bool(children)
    return sum(procs[pid][1] for pid in members)


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to SIGTERM us when the parent dies. The server runs in its own
    session (so we can stop its whole group), which also means a killed pytest or benchmark would leave it
    running forever without this."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(Exception):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except OSError:
        return False


def app_script() -> Path:
    """The Streamlit script under test: ``app.py`` at the repo root, or ``EMBEDVIZ_APP``."""
    return Path(os.environ.get("EMBEDVIZ_APP") or REPO_ROOT / "app.py").resolve()


# ----------------------------------------------------------------------------------------------------------
# Chromium
# ----------------------------------------------------------------------------------------------------------


def chromium_executable() -> str:
    return os.environ.get("EMBEDVIZ_CHROMIUM") or "/usr/bin/chromium"


def launch_chromium(playwright: Playwright, **kwargs: Any) -> Browser:
    """Launch headless Chromium with the flags above (WebGL through SwiftShader)."""
    return playwright.chromium.launch(
        executable_path=chromium_executable(), headless=True, args=CHROMIUM_ARGS, **kwargs
    )


def new_instrumented_context(browser: Browser, **kwargs: Any) -> BrowserContext:
    """A fresh context (own cookies, own Streamlit session) whose pages run ``INSTRUMENT_JS`` first."""
    kwargs.setdefault("viewport", {"width": 1920, "height": 1080})
    context = browser.new_context(**kwargs)
    context.add_init_script(INSTRUMENT_JS)
    context.set_default_timeout(30_000)
    return context


def _unavailable(reason: str) -> NoReturn:
    """Skip on a developer machine, fail in CI: a CI run without a browser tests nothing."""
    message = f"{CHROMIUM_HINT} ({reason})"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message, allow_module_level=True)


def require_playwright() -> None:
    """Call at the top of a test module, before importing Playwright: skips it (fails in CI) if missing."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        _unavailable(f"playwright is not importable: {error}; pip install -r requirements-dev.txt")


# ----------------------------------------------------------------------------------------------------------
# Helpers for tests (and the benchmark)
# ----------------------------------------------------------------------------------------------------------


def run_count(page: Page) -> int:
    """A counter that grows when a script run starts or the server sends anything (0 if the page is not
    instrumented). Read it before an action and pass it to ``wait_idle(page, since=...)``."""
    return int(page.evaluate("() => (window.__ev ? window.__ev.runs + window.__ev.messages : 0)"))


def wait_idle(
    page: Page,
    *,
    since: int | None = None,
    appear_ms: float = 1_000,
    timeout_ms: float = 60_000,
    quiet_ms: float = 300,
    quiet_timeout_ms: float = 10_000,
) -> None:
    """Wait until Streamlit has finished the rerun an action started, and the page has settled.

    1. Give the rerun up to ``appear_ms`` to start: either the state turns "running", or there was
       activity since ``since`` (pass ``since=run_count(page)`` read *before* the action to make this exact:
       a 20 ms rerun can start and end before we get to look). No rerun at all is fine, too.
    2. Wait for ``data-test-script-state="notRunning"`` (``timeout_ms``).
    3. Wait until no DOM change and no websocket frame happened for ``quiet_ms`` of steady polling:
       Streamlit paints the elements and Plotly lays out its charts *after* the script ends (on a busy
       2-core machine that takes seconds for this page). Give up quietly after ``quiet_timeout_ms``
       (an animated widget may never be still).
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    if appear_ms > 0:  # (not 0: Playwright reads timeout=0 as "wait forever")
        with contextlib.suppress(PlaywrightTimeout):
            page.wait_for_function(
                """([selector, since]) => {
                     const app = document.querySelector(selector);
                     if (app && app.getAttribute('data-test-script-state') === 'running') return true;
                     return since !== null && window.__ev && window.__ev.runs + window.__ev.messages > since;
                   }""",
                arg=[APP_SELECTOR, since],
                timeout=appear_ms,
                polling="raf",
            )
    page.wait_for_selector(IDLE_SELECTOR, timeout=timeout_ms)
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            """([selector, quiet]) => {
                 const now = performance.now();
                 const ev = window.__ev;
                 if (!ev) return true;
                 const app = document.querySelector(selector);
                 // A long gap between two polls means the main thread was busy (rendering a big
                 // batch of elements touches no DOM until it commits): that does not count as quiet.
                 if (!app || app.getAttribute('data-test-script-state') !== 'notRunning'
                     || ev.lastPoll === undefined || now - ev.lastPoll > 150) ev.quietFrom = now;
                 ev.lastPoll = now;
                 return now - Math.max(ev.lastMutation, ev.lastFrame, ev.quietFrom) >= quiet;
               }""",
            arg=[APP_SELECTOR, quiet_ms],
            timeout=quiet_timeout_ms,
            polling=50,
        )


def sentence_box(page: Page) -> Any:
    """The sentence box (a one-line text input) labelled exactly ``Sentence``."""
    return page.get_by_label("Sentence", exact=True)


def drag_across(page: Page, target: Any, dx: float, dy: float, steps: int = 10) -> None:
    """Press the mouse in the middle of ``target`` and drag it by (``dx``, ``dy``) pixels in ``steps``
    moves, as a visitor turns a 3D chart."""
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y + dy, steps=steps)
    page.mouse.up()


def swipe_across(page: Page, target: Any, dx: float, dy: float, steps: int = 10) -> None:
    """Put a finger in the middle of ``target`` and move it by (``dx``, ``dy``) pixels in ``steps`` moves,
    as a student turns a 3D chart on a phone (the page's context needs ``has_touch=True``)."""
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for i in range(1, steps + 1):
        point = {"x": x + dx * i / steps, "y": y + dy * i / steps}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def type_sentence(page: Page, text: str, **wait: Any) -> None:
    """Replace the sentence and commit it, then wait for the rerun.

    The sentence box is an ``st.text_input(live=...)``: it commits on Enter at once, and by itself 250 ms
    after the last change, ``fill``'s too (seen: the chart changes after a ``fill`` alone). On a busy
    machine that commit can come before Enter, so the run count is read before the text changes; then
    whichever commit comes first is the run waited for. Enter keeps the focus where it is.
    """
    box = sentence_box(page)
    before = run_count(page)
    box.fill(text)
    box.press("Enter")
    wait_idle(page, since=before, **wait)


def no_exception(page: Page) -> None:
    """Fail with the exception's text if Streamlit shows an error box (``st.exception``)."""
    boxes = page.locator('[data-testid="stException"]')
    if boxes.count():
        raise AssertionError(f"The page shows an exception:\n{boxes.first.inner_text()[:2000]}")


# Streamlit scrolls an inner container, not the document, so Playwright's full_page=True alone would
# capture just the viewport. This finds the height the page would need to show every scroller's content.
CONTENT_HEIGHT_JS = """
() => {
  let height = document.documentElement.scrollHeight;
  for (const el of document.querySelectorAll('*')) {
    const overflow = getComputedStyle(el).overflowY;
    if ((overflow === 'auto' || overflow === 'scroll') && el.scrollHeight > el.clientHeight) {
      height = Math.max(height, el.getBoundingClientRect().top + window.scrollY + el.scrollHeight);
    }
  }
  return Math.ceil(height);
}
"""


def screenshot(page: Page, name: str, *, max_height: int = 20_000) -> Path:
    """Save a full-page PNG as ``test-artifacts/screenshots/<name>.png`` and return its path.

    The viewport is stretched to the content's height for the shot (so Streamlit's inner scroller shows
    everything), then restored.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
    viewport = page.viewport_size
    height = min(int(page.evaluate(CONTENT_HEIGHT_JS)), max_height)
    if viewport and height > viewport["height"]:
        page.set_viewport_size({"width": viewport["width"], "height": height})
        page.wait_for_timeout(500)  # let Plotly and Streamlit lay out at the new size
    try:
        page.screenshot(path=str(path), full_page=True)
    finally:
        if viewport:
            page.set_viewport_size(viewport)
    return path


def open_app(page: Page, url: str, **wait: Any) -> None:
    """Load the app (``url`` may carry query params) and wait for the first run to finish."""
    page.goto(url)
    wait_idle(page, **wait)


#: Keys of the expanders whose content is built only while open (embedviz.ui.lazy.on_demand).
ON_DEMAND = KEYS


def open_on_demand(page: Page, *keys: str) -> None:
    """Open on-demand expanders (default: all of them) the way a visitor does: click each closed one's
    title and wait for the rerun that builds its content."""
    from playwright.sync_api import expect

    for key in keys or ON_DEMAND:
        details = page.locator(f".st-key-{key} details")
        if details.count() and details.first.get_attribute("open") is None:
            details.first.locator("summary").click()
            wait_idle(page)
            expect(details.first).to_have_attribute("open", "")


# ----------------------------------------------------------------------------------------------------------
# Fixtures
# ----------------------------------------------------------------------------------------------------------


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Remember each phase's report on the item, so the page fixture can screenshot failures."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test, even if its module forgets ``pytestmark``."""
    here = Path(__file__).parent
    for item in items:
        if Path(item.path).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    require_playwright()
    from playwright.sync_api import expect, sync_playwright

    # expect() retries for 5 s by default; this page needs longer to paint on a busy 2-core machine.
    expect.set_options(timeout=20_000)
    manager = sync_playwright().start()
    yield manager
    manager.stop()


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    """One headless Chromium for the whole session (each test still gets its own context)."""
    executable = chromium_executable()
    if not Path(executable).exists():
        _unavailable(f"no browser at {executable}; set EMBEDVIZ_CHROMIUM to another path")
    try:
        chromium = launch_chromium(playwright_instance)
    except Exception as error:  # Playwright raises its own Error with the browser's stderr
        _unavailable(f"{executable} failed to launch: {str(error).splitlines()[0]}")
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def streamlit_server() -> Iterator[StreamlitServer]:
    """``streamlit run app.py`` for the whole session; its log is ``test-artifacts/streamlit-server.log``."""
    script = app_script()
    if not script.exists():
        pytest.fail(f"{script} does not exist", pytrace=False)
    try:
        server = start_streamlit(script, ARTIFACTS / "streamlit-server.log")
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def app_url(streamlit_server: StreamlitServer) -> str:
    """Base URL of the running app, e.g. ``http://127.0.0.1:40123``."""
    return streamlit_server.url


@pytest.fixture
def dialogs() -> list[str]:
    """Every JS dialog (alert/confirm/prompt) any page of this test opened, as ``"alert: 1"``."""
    return []


@pytest.fixture
def new_page(
    browser: Browser, request: pytest.FixtureRequest, dialogs: list[str]
) -> Iterator[Callable[..., Page]]:
    """Factory: ``new_page(viewport={"width": 390, "height": 844}, is_mobile=True)`` -> a fresh page.

    Each page lives in its own context (own Streamlit session). Dialogs are recorded and dismissed; when
    the test fails, every page is screenshotted into ``test-artifacts/screenshots/FAILED-...``.
    """
    contexts: list[BrowserContext] = []

    def make(**context_kwargs: Any) -> Page:
        context = new_instrumented_context(browser, **context_kwargs)
        contexts.append(context)
        page = context.new_page()

        def record(dialog: Any) -> None:
            dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", record)
        return page

    yield make
    failed = getattr(request.node, "rep_call", None)
    for number, context in enumerate(contexts):
        if failed is not None and failed.failed:
            for page in context.pages:
                with contextlib.suppress(Exception):
                    screenshot(page, f"FAILED-{request.node.name}-{number}")
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page], app_url: str) -> Page:
    """A 1920x1080 page with the app loaded and its first run finished."""
    fresh = new_page()
    open_app(fresh, app_url)
    return fresh
