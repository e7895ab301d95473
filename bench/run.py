"""Benchmark the page as a visitor feels it: ``python -m bench.run`` (or ``--quick``).

What it measures, on 127.0.0.1 with headless Chromium (the same launcher and waits as the browser tests):

1. Warm rerun latency: replace the sentence, commit it (Ctrl+Enter), and time until the script run is over
   *and* the 3D chart holds the new data. Median and p95 over many edits, at about 5, 50, 500 and 1,024
   tokens, at dim 256 and 768.
2. The floor: the same edits on ``bench/floor_app.py``, a bare page drawing the same number of 3D points.
   app/floor says how much of the latency is embedviz's own work.
3. Cold start: server process start -> first complete render; and a first render that needs a new table.
4. Memory: peak RSS (``VmHWM`` in /proc) of the app server after 30 settings switches, and with 10 open
   sessions.
5. Payload: bytes the server sends per rerun (all websocket frames, and the Plotly JSON inside them,
   decoded with Streamlit's own protobuf classes).
6. WebGL contexts created per 20 edits (a chart that stays mounted creates none after the first
   render; ``st.plotly_chart`` remounts its 3D chart, and makes a new context, on every new figure), counted
   in every timed edit by wrapping ``HTMLCanvasElement.prototype.getContext`` (the browser tests' script).

Latencies are measured with the page's own clock (``performance.now()``), from just before the key press
to two animation frames after the first one where the condition holds (the 3D chart draws in a frame of
its own). Benchmarks are not tests: nothing here fails;
a measurement the page cannot support yet is skipped with a note.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import signal
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.common import LOGS, REPO_ROOT, browser_helpers, memory_bytes

H = browser_helpers()
RESULTS = REPO_ROOT / "bench" / "results"
FLOOR_APP = REPO_ROOT / "bench" / "floor_app.py"
CORPUS = REPO_ROOT / "embedviz" / "assets" / "the-verdict.txt"

SIZES = (5, 50, 500, 1024)
NO_GLIDE = "(no glide)"  # the lane whose browser prefers reduced motion
#: The lane that glides whatever the renderer, as on a GPU (``window.__embedvizGlideLane``): on this
#: machine's software WebGL the page itself jumps, so this is what the glide would cost here.
GLIDE_FORCED = "(glide forced)"
BIG_FLOOR = "floor (app's chart size)"  # the floor page drawn in a wide page, 640 px high, as the app's chart
BIG_FLOOR_NOTE = "wide page, 640 px high: the pixels the app's 3D chart redraws"
DIMS = (256, 768)
EDIT_TIMEOUT_MS = 180_000

# The 3D chart's data, summarised so that "did it change?" is one string comparison. Plotly keeps the
# decoded arrays in gd._fullData (gd.data may hold base64 "bdata" blobs), one entry per trace.
CHART_SIGNATURE_JS = """
(() => {
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  const gd = plots.find((p) => p._fullLayout && p._fullLayout._subplots
                               && (p._fullLayout._subplots.gl3d || []).length)
          || plots.find((p) => p.querySelector('.gl-container'));
  if (!gd || !gd._fullData || !gd.querySelector('.gl-container canvas')) return null;
  let signature = '';
  for (const trace of gd._fullData) {
    const x = trace.x || [];
    let sum = 0;
    for (let i = 0; i < x.length; i++) { const v = +x[i]; if (v === v) sum += v; }
    signature += x.length + ':' + sum.toFixed(6) + ';';
  }
  return signature;
})()
""".strip()  # no leading newline: `return <newline> (...)` would return undefined in JS

# True (as a timestamp) once no run is going on and the chart differs from `old`. (Only a run can change
# the chart, and a fast run may never show "running" in the DOM: see INSTRUMENT_JS in the conftest.)
DONE_JS = f"""
(old) => {{
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const signature = {CHART_SIGNATURE_JS};
  if (signature === null || signature === old) return false;
  return performance.now();
}}
"""

# Plotly has the new data before WebGL has drawn it: gl-plot3d draws in its own animation frame. Two more
# frames after the data changed, that drawing (which can take long in software WebGL) is done.
DRAWN_JS = """
() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now()))))
""".strip()

# First complete render: a run finished and the 3D chart has data.
RENDERED_JS = f"""
() => {{
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const signature = {CHART_SIGNATURE_JS};
  return signature !== null;
}}
"""


# ----------------------------------------------------------------------------------------------------------
# Small utilities
# ----------------------------------------------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    """95th percentile, linearly interpolated (with few samples it is close to the maximum)."""
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def summary(times: list[float]) -> str:
    return f"median {median(times):7.0f} ms  p95 {p95(times):7.0f} ms  (n={len(times)})"


def mib(n_bytes: float) -> str:
    return f"{n_bytes / 2**20:,.0f} MiB"


def machine() -> str:
    """One line about the machine: cores, CPU model, memory, load, versions."""
    model = platform.processor() or "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = "?"
    with contextlib.suppress(OSError, ValueError, IndexError):
        memory = mib(int(Path("/proc/meminfo").read_text().split()[1]) * 1024)
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    versions = []
    for name in ("streamlit", "plotly", "torch", "playwright"):
        with contextlib.suppress(Exception):
            from importlib.metadata import version

            versions.append(f"{name} {version(name)}")
    return (
        f"nproc {usable} · {model} · RAM {memory} · load average {load} (at start) · "
        f"Python {platform.python_version()} · {' · '.join(versions)}"
    )


@dataclass
class Report:
    """Rows of every table, notes, and raw numbers for latest.json."""

    quick: bool
    latency: list[dict[str, Any]] = field(default_factory=list)
    cold: list[tuple[str, str]] = field(default_factory=list)
    memory: list[tuple[str, str, str, str]] = field(default_factory=list)
    payload: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    big_floor: dict[int, list[float]] = field(default_factory=dict)  # tokens -> ms, the floor at app size

    def note(self, text: str) -> None:
        print(f"  note: {text}", flush=True)
        self.notes.append(text)


@contextlib.contextmanager
def section(report: Report, title: str) -> Iterator[None]:
    """Run one measurement; on any error, note it and carry on with the next one."""
    print(f"\n== {title}", flush=True)
    started = time.perf_counter()
    try:
        yield
    except Exception as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        report.note(f"{title}: skipped after {type(error).__name__}: {first[:300]}")
    print(f"   ({time.perf_counter() - started:.0f} s)", flush=True)


# ----------------------------------------------------------------------------------------------------------
# Texts of a given token count
# ----------------------------------------------------------------------------------------------------------


class Texts:
    """Windows of "The Verdict" (the seed's story) with a given number of GPT-2 tokens.

    Edit ``i`` starts ``37 * i`` tokens further in, so every edit is a different text."""

    def __init__(self) -> None:
        import embedviz

        self.encode, self.decode = embedviz.encode, embedviz.decode
        story = CORPUS.read_text(encoding="utf-8") if CORPUS.exists() else ""
        if len(story) < 10_000:  # the asset moved: fall back to plain repeated prose
            story = " ".join(f"The painter number {i} sold a picture to a rich widow." for i in range(2_000))
        self.ids = self.encode(story)

    def get(self, n: int, i: int) -> tuple[str, int]:
        """A text of at most ``n`` tokens (re-encoding a cut can merge differently), and its count."""
        start = (37 * i) % max(1, len(self.ids) - n)
        k = n
        while True:
            text = self.decode(self.ids[start : start + k])
            count = len(self.encode(text))
            if count <= n or k == 1:
                return text, count
            k -= 1


# ----------------------------------------------------------------------------------------------------------
# Driving one page
# ----------------------------------------------------------------------------------------------------------


class Frames:
    """Websocket frames the page receives, decoded with Streamlit's protobuf classes."""

    def __init__(self) -> None:
        self.frames: list[bytes] = []

    def attach(self, page: Any) -> None:
        def on_socket(socket: Any) -> None:
            socket.on("framereceived", lambda payload: self.frames.append(_as_bytes(payload)))

        page.on("websocket", on_socket)

    def take(self) -> list[bytes]:
        frames, self.frames = self.frames, []
        return frames


def _as_bytes(payload: str | bytes) -> bytes:
    return payload if isinstance(payload, bytes) else payload.encode()


def payload_of(frames: list[bytes]) -> dict[str, int]:
    """Total websocket bytes, Plotly JSON bytes (all charts) and the 3D chart's JSON bytes."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    out = {"ws_bytes": sum(map(len, frames)), "plotly_bytes": 0, "plotly3d_bytes": 0, "cached_refs": 0}
    for frame in frames:
        try:
            message = ForwardMsg.FromString(frame)
        except Exception:
            continue
        if message.WhichOneof("type") == "ref_hash":
            out["cached_refs"] += 1
        if message.WhichOneof("type") != "delta" or message.delta.WhichOneof("type") != "new_element":
            continue
        element = message.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "plotly_chart":
            spec = element.plotly_chart.spec
        elif kind == "bidi_component" and element.bidi_component.component_name == "embedviz.plotly_host":
            spec = element.bidi_component.json  # the Plotly host: the figure travels in its data
        else:
            continue
        out["plotly_bytes"] += len(spec.encode())
        if "scatter3d" in spec:
            out["plotly3d_bytes"] += len(spec.encode())
    return out


def open_page(context: Any, url: str, frames: Frames | None = None) -> tuple[Any, float]:
    """A new page at ``url`` after its first complete render (run finished, 3D chart drawn), and the
    ``time.perf_counter()`` of that moment (before waiting for the page to settle)."""
    page = context.new_page()
    if frames is not None:
        frames.attach(page)
    page.goto(url)
    page.wait_for_function(RENDERED_JS, timeout=EDIT_TIMEOUT_MS, polling="raf")
    rendered = time.perf_counter()
    H.wait_idle(page)
    return page, rendered


def edit(page: Any, text: str) -> float:
    """Replace the sentence, commit it, return ms until the run finished and the 3D chart has drawn the
    new data."""
    box = H.sentence_box(page)
    # Before the text changes: the app's sentence box commits by itself 250 ms after typing stops (live
    # typing), which on a busy machine can come before the key press; the clock starts before both.
    old = page.evaluate(CHART_SIGNATURE_JS)
    started = page.evaluate("performance.now()")
    box.fill(text)
    box.press("ControlOrMeta+Enter")
    try:
        handle = page.wait_for_function(DONE_JS, arg=old, timeout=EDIT_TIMEOUT_MS, polling="raf")
    except Exception as error:
        state = page.evaluate(
            "() => [window.__ev, document.querySelector('[data-testid=\"stApp\"]')"
            "?.getAttribute('data-test-script-state')]"
        )
        chart = page.evaluate(CHART_SIGNATURE_JS)
        raise RuntimeError(f"no redraw (page state {state}; chart {old!r} -> {chart!r})") from error
    handle.json_value()
    finished = float(page.evaluate(DRAWN_JS))
    H.wait_idle(page, appear_ms=0, quiet_ms=300)  # let the last frames arrive before the next edit
    return finished - started


def webgl_contexts(page: Any) -> int:
    """WebGL contexts the page has created so far (``H.COUNT_WEBGL_JS``, added to every context)."""
    return int(page.evaluate("() => window.__webgl || 0"))


def per_20(counts: list[int]) -> str:
    """Contexts created per 20 edits, from one count per edit."""
    return f"{20 * sum(counts) / len(counts):.0f}" if counts else "-"


@dataclass
class Lane:
    """One page being edited: the floor, or the app at one dim. Lanes take turns edit by edit, so a
    burst of load from other processes on this shared machine hits all of them alike."""

    name: str
    page: Any
    frames: Frames
    times: dict[int, list[float]] = field(default_factory=dict)
    tokens: dict[int, list[int]] = field(default_factory=dict)
    payloads: dict[int, list[dict[str, int]]] = field(default_factory=dict)
    webgl: dict[int, list[int]] = field(default_factory=dict)  # WebGL contexts created by each timed edit
    failed: dict[int, str] = field(default_factory=dict)


def interleaved_edits(lanes: list[Lane], texts: Texts, n: int, count: int, warmup: int) -> None:
    """``warmup`` untimed, then ``count`` timed edits at ~``n`` tokens on every lane, round-robin."""
    for i in range(warmup + count):
        text, n_tokens = texts.get(n, i + 1000 * n)
        for lane in lanes:
            if n in lane.failed:
                continue
            lane.frames.take()
            try:
                contexts = webgl_contexts(lane.page)
                ms = edit(lane.page, text)
                contexts = webgl_contexts(lane.page) - contexts
                H.no_exception(lane.page)
            except Exception as error:
                lane.failed[n] = f"{type(error).__name__}: {str(error).strip()[:200]}"
                continue
            if i >= warmup:
                lane.times.setdefault(n, []).append(ms)
                lane.tokens.setdefault(n, []).append(n_tokens)
                lane.payloads.setdefault(n, []).append(payload_of(lane.frames.take()))
                lane.webgl.setdefault(n, []).append(contexts)
    for lane in lanes:
        if n in lane.times:
            print(f"   {lane.name:<28} {n:>5} tokens: {summary(lane.times[n])}", flush=True)


# ----------------------------------------------------------------------------------------------------------
# The measurements
# ----------------------------------------------------------------------------------------------------------


@dataclass
class Server:
    """A started server plus the seconds it took to answer /_stcore/health and to render first."""

    handle: Any
    health_s: float
    first_render_s: float | None = None
    first_page_s: float | None = None


def start(script: Path, name: str) -> Server:
    handle = H.start_streamlit(script, LOGS / f"{name}.log", timeout=120)
    return Server(handle, handle.ready_at - handle.started_at)


def first_render(server: Server, browser: Any, url: str) -> tuple[Any, Any]:
    """Open the first page right after the server is healthy: process start -> chart drawn. Also sets
    ``server.first_page_s``: from the navigation (server already up) to the 3D chart drawn."""
    context = H.new_instrumented_context(browser)
    navigated = time.perf_counter()
    page, rendered = open_page(context, url)
    server.first_render_s = rendered - server.handle.started_at
    server.first_page_s = rendered - navigated
    return context, page


def latency_runs(report: Report, browser: Any, app: Path, texts: Texts, count: int, warmup: int) -> None:
    """Sections 1 and 2 (app and floor, interleaved), 3 (cold start, new table) and 5 (payload)."""
    servers: dict[str, Server] = {}
    try:
        for name, script in (("floor", FLOOR_APP), ("app", app)):
            with section(report, f"cold start: {name} ({script.name})"):
                server = start(script, name)
                servers[name] = server
                context, _ = first_render(server, browser, server.handle.url)
                context.close()
                report.cold.append(
                    (f"{name}: process start -> /_stcore/health ok", f"{server.health_s:.1f} s")
                )
                report.cold.append(
                    (f"{name}: process start -> first complete render", f"{server.first_render_s:.1f} s")
                )
                report.cold.append(
                    (
                        f"{name}: first page (server already up) -> 3D chart drawn",
                        f"{server.first_page_s:.1f} s",
                    )
                )
        if "app" not in servers:
            return
        with section(report, "warm rerun latency, app and floor interleaved"):
            lanes = []
            targets = [(f"app dim {dim}", servers["app"], {"dim": dim}) for dim in DIMS]
            # The same page for a visitor whose system asks for reduced motion: every change a jump, no
            # glide (the glide's frames redraw the 3D chart for 300 ms, costly in software WebGL).
            targets.append((f"app dim {DIMS[0]} {NO_GLIDE}", servers["app"], {"dim": DIMS[0]}))
            targets.append((f"app dim {DIMS[0]} {GLIDE_FORCED}", servers["app"], {"dim": DIMS[0]}))
            if "floor" in servers:
                targets.append(("floor", servers["floor"], {}))
                targets.append((BIG_FLOOR, servers["floor"], {"size": "app"}))
            for name, server, params in targets:
                frames = Frames()
                context = H.new_instrumented_context(browser)
                context.add_init_script(H.COUNT_WEBGL_JS)
                if name.endswith(GLIDE_FORCED):
                    context.add_init_script('window.__embedvizGlideLane = "glide";')
                page, _ = open_page(context, f"{server.handle.url}/?{urlencode(params)}", frames)
                if name.endswith(NO_GLIDE):
                    page.emulate_media(reduced_motion="reduce")
                if H.sentence_box(page).count() == 0:
                    report.note(f"{name}: no text area labelled 'Sentence': latency not measured")
                    continue
                lanes.append(Lane(name, page, frames))
            for n in SIZES:
                interleaved_edits(lanes, texts, n, count, warmup)
            collect_latency(report, lanes)
            for lane in lanes:
                lane.page.context.close()
        with section(report, "first render with a new table"):
            context = H.new_instrumented_context(browser)
            new_table_renders(report, context, servers["app"].handle.url)
            context.close()
    finally:
        for server in servers.values():
            server.handle.stop()


def collect_latency(report: Report, lanes: list[Lane]) -> None:
    """Turn the lanes' samples into report rows (app lanes, each paired with the floor)."""
    floor = next((lane for lane in lanes if lane.name == "floor"), None)
    for lane in lanes:
        for n, reason in lane.failed.items():
            report.note(f"{lane.name}, ~{n} tokens: {reason}")
    for lane in lanes:
        if lane.name == BIG_FLOOR:
            report.big_floor = lane.times
        if lane.name.startswith("floor"):
            continue
        dim = int(lane.name.split("dim ", 1)[1].split()[0])
        for n in SIZES:
            if n not in lane.times:
                continue
            report.latency.append(
                {
                    "tokens": n,
                    "tokens_actual": int(median(lane.tokens[n])),
                    "dim": dim,
                    "no_glide": lane.name.endswith(NO_GLIDE),
                    "glide_forced": lane.name.endswith(GLIDE_FORCED),
                    "app": lane.times[n],
                    "floor": floor.times.get(n, []) if floor else [],
                    "webgl_app": lane.webgl.get(n, []),
                    "webgl_floor": floor.webgl.get(n, []) if floor else [],
                }
            )
            if (
                n in (SIZES[0], SIZES[-1])
                and dim == DIMS[0]
                and not lane.name.endswith((NO_GLIDE, GLIDE_FORCED))
            ):
                floor_payloads = floor.payloads.get(n, []) if floor else []
                report.payload.append(
                    {
                        "tokens": n,
                        "app": _median_payload(lane.payloads[n]),
                        "floor": _median_payload(floor_payloads),
                    }
                )


def _median_payload(payloads: list[dict[str, int]]) -> dict[str, int]:
    if not payloads:
        return {}
    return {key: int(median([p[key] for p in payloads])) for key in payloads[0]}


def switch_seed(page: Any, seed: int) -> float:
    """Type a new seed into the sidebar's seed box and press Enter (as a teacher does); return ms until
    the run is over and the 3D chart shows the new table's points."""
    box = page.locator(".st-key-seed input")
    box.fill(str(seed))
    old = page.evaluate(CHART_SIGNATURE_JS)
    started = page.evaluate("performance.now()")
    box.press("Enter")
    handle = page.wait_for_function(DONE_JS, arg=old, timeout=EDIT_TIMEOUT_MS, polling="raf")
    handle.json_value()
    finished = float(page.evaluate(DRAWN_JS))
    H.wait_idle(page, appear_ms=0, quiet_ms=300)
    return finished - started


def new_table_renders(report: Report, context: Any, url: str) -> None:
    """First render with a (dim 768, seed) table this server has never built: on an open page, after
    typing a new seed (what a teacher does), and when a link with a new seed is opened."""
    seeds = (9101, 9102, 9103, 9104, 9105)[: 2 if report.quick else 5]
    page, _ = open_page(context, f"{url}/?{urlencode({'dim': 768, 'seed': 9100})}")
    samples = []
    for seed in seeds:
        samples.append(switch_seed(page, seed) / 1000)
        H.no_exception(page)
    page.close()
    report.cold.append(
        ("app: new seed typed on an open page -> new table's chart drawn (dim 768)", _seconds(samples))
    )
    new, built = [], []  # a link whose table is new, and the same link again (its table is cached)
    for seed in (9001, 9002, 9003)[: 1 if report.quick else 3]:
        for samples in (new, built):
            started = time.perf_counter()
            page, rendered = open_page(context, f"{url}/?{urlencode({'dim': 768, 'seed': seed})}")
            samples.append(rendered - started)
            H.no_exception(page)
            page.close()
    report.cold.append(("app: URL -> first render with a new table (dim 768, new seed)", _seconds(new)))
    report.cold.append(("app: the same URL again (table already built): page load alone", _seconds(built)))


def _seconds(samples: list[float]) -> str:
    """``1.2 s``, or ``1.2 s (median of 3: 1.1, 1.2, 1.4)``."""
    listed = ", ".join(f"{s:.1f}" for s in samples)
    return f"{median(samples):.1f} s" + (f" (median of {len(samples)}: {listed})" if len(samples) > 1 else "")


def switch_params(switches: int) -> list[dict[str, Any]]:
    """URL settings for the memory session: encodings, dims 16-1024, seeds and positional modes."""
    encodings = ("gpt2", "gpt2", "r50k_base", "gpt2", "cl100k_base")  # only gpt2 is shipped (offline)
    dims = (16, 256, 768, 1024)
    positional = ("learned", "sinusoidal", "none")
    seeds = (1, 2, 3, 123, 7, 42, 2024)
    sentences = ("Today the cat sat on the mat", "man bites dog", "Die Katze sitzt auf der Matte.")
    return [
        {
            "encoding": encodings[i % len(encodings)],
            "dim": dims[i % len(dims)],
            "seed": seeds[i % len(seeds)],
            "positional": positional[i % len(positional)],
            "text": sentences[i % len(sentences)],
        }
        for i in range(switches)
    ]


def memory_runs(report: Report, browser: Any, app: Path, switches: int, sessions: int) -> None:
    """Section 4: peak RSS after a settings tour, and with many sessions open at once."""
    with section(report, f"memory: {switches} settings switches"):
        server = start(app, "app-memory")
        try:
            context, page = first_render(server, browser, server.handle.url)
            report.cold.append(
                ("app (2nd start): process start -> first complete render", f"{server.first_render_s:.1f} s")
            )
            after_first = memory_bytes(server.handle.pid)
            started = time.perf_counter()
            for params in switch_params(switches):
                page.goto(f"{server.handle.url}/?{urlencode(params)}")
                H.wait_idle(page, timeout_ms=EDIT_TIMEOUT_MS)
                try:
                    H.no_exception(page)
                except AssertionError as error:
                    report.note(f"memory tour {params}: {' '.join(str(error).split())[:200]}")
            status = memory_bytes(server.handle.pid)
            report.memory.append(
                (
                    "after the first render",
                    mib(after_first.get("VmHWM", 0)),
                    mib(after_first.get("VmRSS", 0)),
                    "",
                )
            )
            report.memory.append(
                (
                    f"after {switches} switches (encodings, dims 16-1024, seeds, positional modes)",
                    mib(status.get("VmHWM", 0)),
                    mib(status.get("VmRSS", 0)),
                    f"{time.perf_counter() - started:.0f} s for the tour",
                )
            )
            context.close()
        finally:
            server.handle.stop()

    with section(report, f"memory: {sessions} browser contexts at once"):
        server = start(app, "app-sessions")
        try:
            contexts = [H.new_instrumented_context(browser) for _ in range(sessions)]
            started = time.perf_counter()
            pages = []
            for i, context in enumerate(contexts):  # navigate all first, so the sessions run concurrently
                page = context.new_page()
                page.goto(
                    f"{server.handle.url}/?{urlencode({'text': f'Visitor {i} types a sentence.'})}",
                    wait_until="commit",
                )
                pages.append(page)
            for page in pages:
                page.wait_for_function(RENDERED_JS, timeout=EDIT_TIMEOUT_MS, polling=200)
            elapsed = time.perf_counter() - started
            status = memory_bytes(server.handle.pid)
            report.memory.append(
                (
                    f"{sessions} browser contexts open at once (fresh server)",
                    mib(status.get("VmHWM", 0)),
                    mib(status.get("VmRSS", 0)),
                    f"all {sessions} rendered {elapsed:.1f} s after the first navigation",
                )
            )
            for context in contexts:
                context.close()
        finally:
            server.handle.stop()


# ----------------------------------------------------------------------------------------------------------
# Output
# ----------------------------------------------------------------------------------------------------------


def table(headers: list[str], rows: list[list[str]], align: str = "") -> list[str]:
    """A Markdown table; ``align`` has one letter per column, "l" or "r" (default: "lrrr...")."""
    align = align or "l" + "r" * (len(headers) - 1)
    rule = ["---:" if a == "r" else "---" for a in align]
    rows = rows or [["(not measured: see notes)"] + [""] * (len(headers) - 1)]
    return ["| " + " | ".join(cells) + " |" for cells in (headers, rule, *rows)]


def latency_cells(row: dict[str, Any]) -> list[str]:
    app, floor = row["app"], row["floor"]
    cells = [
        f"{row['tokens']} ({row['tokens_actual']})",
        f"{row['dim']}{', reduced motion' if row.get('no_glide') else ''}"
        f"{', glide forced (as on a GPU)' if row.get('glide_forced') else ''}",
        f"{median(app):.0f}",
        f"{p95(app):.0f}",
    ]
    if floor:
        cells += [f"{median(floor):.0f}", f"{p95(floor):.0f}"]
        cells += [f"{median(app) / median(floor):.1f}x", f"{p95(app) / p95(floor):.1f}x"]
    else:
        cells += ["-"] * 4
    webgl = per_20(row.get("webgl_app", [])) + (
        f" ({per_20(row['webgl_floor'])})" if row.get("webgl_floor") else ""
    )
    return [*cells, webgl, str(len(app))]


def big_floor_rows(report: Report) -> list[list[str]]:
    """Per size: the floor drawn as large as the app's 3D chart, and the app's ratios to it."""
    rows = []
    for n, times in sorted(report.big_floor.items()):
        cells = [str(n), f"{median(times):.0f}"]
        for no_glide in (False, True):
            app = next(
                (r["app"] for r in report.latency if r["tokens"] == n and r["dim"] == DIMS[0]
                 and r.get("no_glide", False) == no_glide and not r.get("glide_forced")),
                None,
            )  # fmt: skip
            cells.append(f"{median(app) / median(times):.1f}x" if app else "-")
        rows.append(cells)
    return rows


def payload_cells(row: dict[str, Any]) -> list[str]:
    app, floor = row["app"], row["floor"]
    keys = ("ws_bytes", "plotly_bytes", "plotly3d_bytes")
    return [str(row["tokens"]), *(f"{app.get(k, 0):,}" for k in keys), f"{floor.get('plotly3d_bytes', 0):,}"]


def markdown(report: Report, header: str, elapsed: float) -> str:
    """The whole report as Markdown (printed, and written to bench/results/latest.md)."""
    lines = [
        header,
        "",
        "## 1-2. Warm rerun latency (ms): edit the sentence -> run over, 3D chart redrawn",
        "",
    ]
    latency_headers = ["tokens (actual)", "dim", "app median", "app p95", "floor median", "floor p95"]
    latency_headers += ["app/floor median", "app/floor p95", "WebGL contexts / 20 edits (floor)", "edits"]
    lines += table(
        latency_headers,
        [latency_cells(row) for row in report.latency],
    )
    lines += ["", f"## 1b. The floor with the app's 3D chart size ({BIG_FLOOR_NOTE})", ""]
    lines += table(
        ["tokens", "floor at the app's size, median", "app dim 256 / it", "app, reduced motion / it"],
        big_floor_rows(report),
    )
    lines += ["", "## 3. Cold start", ""]
    lines += table(["what", "time"], [[what, value] for what, value in report.cold])
    lines += ["", "## 4. Memory of the app server process (/proc/<pid>/status)", ""]
    lines += table(
        ["after", "peak RSS (VmHWM)", "RSS now (VmRSS)", "note"], [list(m) for m in report.memory], "lrrl"
    )
    lines += ["", "## 5. Bytes sent per rerun (median over the timed edits, dim 256)", ""]
    lines += table(
        [
            "tokens",
            "all websocket frames",
            "Plotly JSON, all charts",
            "3D chart JSON",
            "floor: 3D chart JSON",
        ],
        [payload_cells(row) for row in report.payload],
    )
    lines += [
        "",
        "## Notes",
        "",
        "- Latency: page clock from just before Ctrl+Enter to two animation frames after the first one where "
        "the run is over and the 3D chart's data differ (so its WebGL drawing is included). Chromium draws "
        "WebGL on the CPU (SwiftShader) and shares the "
        "cores with the server, so absolute numbers are pessimistic; the app/floor ratios are the point.",
        "- The floor (bench/floor_app.py) tokenizes and draws 3 x n precomputed points, nothing else.",
        "- WebGL contexts / 20 edits: canvases that got a new WebGL context during the timed edits, scaled "
        "to 20 edits (a chart that stays mounted: 0; a remounted 3D chart: 1 per edit).",
        *(f"- {note}" for note in report.notes),
        "",
        f"Total benchmark time: {elapsed / 60:.1f} min.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 edits per cell, shorter memory tour (~2 min)")
    parser.add_argument(
        "--app", type=Path, default=REPO_ROOT / "app.py", help="the Streamlit script to measure"
    )
    parser.add_argument("--edits", type=int, help="timed edits per (tokens, dim) cell (default 20, quick 5)")
    parser.add_argument("--skip-memory", action="store_true", help="skip section 4")
    args = parser.parse_args(argv)
    # `kill <pid>` should stop the servers too: turn SIGTERM into SystemExit, so every `finally` runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    count = args.edits or (5 if args.quick else 20)
    warmup = 1 if args.quick else 2
    report = Report(quick=args.quick)
    started = time.perf_counter()
    header = (
        f"# embedviz benchmark, {datetime.now():%Y-%m-%d %H:%M}{' (--quick)' if args.quick else ''}\n\n"
        f"Machine: {machine()}"
    )
    print(header, flush=True)

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("playwright is not installed: pip install -r requirements-dev.txt", file=sys.stderr)
        return 2
    texts = Texts()
    with sync_playwright() as playwright:
        try:
            browser = H.launch_chromium(playwright)
        except Exception as error:
            print(f"{H.CHROMIUM_HINT}: {str(error).splitlines()[0]}", file=sys.stderr)
            return 2
        header += f" · Chromium {browser.version}"
        latency_runs(report, browser, args.app.resolve(), texts, count, warmup)
        if not args.skip_memory:
            memory_runs(report, browser, args.app.resolve(), 8 if args.quick else 30, 3 if args.quick else 10)
        browser.close()

    report.notes.append("Load average at the end: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()) + ".")
    text = markdown(report, header, time.perf_counter() - started)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.md").write_text(text)
    raw = {"latency": report.latency, "cold": report.cold, "memory": report.memory, "payload": report.payload}
    raw["big_floor"] = report.big_floor
    (RESULTS / "latest.json").write_text(json.dumps(raw, indent=1))
    print("\n" + text)
    print(f"written: {RESULTS / 'latest.md'} (raw numbers: latest.json; server logs: {LOGS})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
