"""Many visitors at once: 20 browser sessions against ONE ``streamlit run app.py``, each with its own
sentence and settings in its link (seeds, dimensions 8..64, all three positional modes).

What must hold while they all load together:

* each session sees only its own tokens (chip ids == plain tiktoken ids of its own sentence) and its own
  settings (the sidebar shows its dim and seed);
* each session shows the numbers of its own seed: the input-embedding heatmap equals
  ``torch.manual_seed(seed); nn.Embedding(50257, dim); nn.Embedding(context_length, dim)`` computed here;
* every session gets a complete first render (chips, heatmaps and the 3D chart element, script finished)
  within ``RENDER_LIMIT_S``, measured in the page from the start of its navigation; the times (median,
  max) and the server's CPU time are printed and written to ``test-artifacts/many_visitors.json``. The
  crowd runs in a second Chromium with WebGL off (see ``crowd_browser``); the probe has WebGL on;
* the cached tables do not change under load: a probe session's numbers, read before and after the
  crowd, are identical to each other and to a fresh build in this process.

Run alone with ``-s`` to see the timing table. ``python -m bench.many_visitors`` runs a longer version.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import numpy as np
import pytest
import tiktoken
import torch
from tiktoken.load import load_tiktoken_bpe

from embedviz.tokenizer import GPT2_RANKS_PATH

from .conftest import (
    ARTIFACTS,
    CHROMIUM_ARGS,
    RENDER_WATCH_JS,
    StreamlitServer,
    chromium_executable,
    new_instrumented_context,
    no_exception,
    require_playwright,
    screenshot,
    tree_cpu_seconds,
)

require_playwright()
from playwright.sync_api import Error as PlaywrightError  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright

pytestmark = pytest.mark.browser

N_VISITORS = 20
#: Every session must have its first complete page within this time, 20 at once on an otherwise idle
#: 2-core machine. The floor is the test's own browser: a first load of the page costs Chromium about
#: 7 CPU-s (JS bundle, React, Plotly), 140 CPU-s for 20, so about 70 s on 2 cores; the server needs
#: 0.5 CPU-s per session. When other work already keeps the machine busy (1-minute load average over
#: BUSY_LOAD before the crowd: other developers' tests on this shared VM), the limit is BUSY_LIMIT_S;
#: the server-CPU limit below holds either way.
RENDER_LIMIT_S = 120.0
BUSY_LOAD = 4.0
BUSY_LIMIT_S = 300.0
#: The server's own CPU time per session for a first render (measured: about 0.45 s).
SERVER_CPU_PER_SESSION_S = 2.0
GPT2_VOCAB = 50257
EOT = "<|endoftext|>"
GPT2_PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
MODES = ("learned", "sinusoidal", "none")
VIEWPORT = {"width": 1024, "height": 700}  # the probe draws its 3D view on the CPU: keep it small
CROWD_MARKER = f"--embedviz-crowd={os.getpid()}"  # finds the crowd browser's processes in /proc


@dataclass(frozen=True)
class Visitor:
    text: str
    dim: int
    seed: int
    positional: str
    context_length: int = 64

    def query(self) -> str:
        return urlencode(
            {
                "text": self.text,
                "dim": self.dim,
                "seed": self.seed,
                "positional": self.positional,
                "context_length": self.context_length,
            }
        )


def visitors(n: int) -> list[Visitor]:
    """``n`` visitors, all different: sentence, seed, dim (8..64) and positional mode."""
    words = ["cat", "dog", "tensor", "Zürich", "🙂", "token", "embedding", "<b>", "pupil", "bank"]
    return [
        Visitor(
            text=f"Visitor {i} asks about the {words[i % len(words)]} number {i * 7919}.",
            dim=8 + (i * 13) % 57,
            seed=1000 + 37 * i,
            positional=MODES[i % 3],
        )
        for i in range(n)
    ]


_PLAIN: list[tiktoken.Encoding] = []


def plain_ids(text: str) -> list[int]:
    """GPT-2 ids from plain tiktoken (the shipped ranks, openai/gpt-2's regex), no embedviz code."""
    if not _PLAIN:
        ranks = load_tiktoken_bpe(str(GPT2_RANKS_PATH))
        _PLAIN.append(
            tiktoken.Encoding(
                "plain", pat_str=GPT2_PATTERN, mergeable_ranks=ranks, special_tokens={EOT: 50256}
            )
        )
    return _PLAIN[0].encode(text, allowed_special={EOT}, disallowed_special=())


def expected_inputs(visitor: Visitor, ids: list[int]) -> np.ndarray:
    """The seed document's code, written out here: input embeddings = token rows + position rows."""
    torch.manual_seed(visitor.seed)
    token = torch.nn.Embedding(GPT2_VOCAB, visitor.dim).weight.detach()[ids].double()
    position = torch.nn.Embedding(visitor.context_length, visitor.dim).weight.detach()[: len(ids)].double()
    if visitor.positional == "sinusoidal":
        position = (
            torch.tensor(
                [
                    [
                        math.sin(p / 10000 ** ((i - i % 2) / visitor.dim))
                        if i % 2 == 0
                        else math.cos(p / 10000 ** ((i - i % 2) / visitor.dim))
                        for i in range(visitor.dim)
                    ]
                    for p in range(len(ids))
                ],
                dtype=torch.float64,
            )
            .float()
            .double()
        )
    elif visitor.positional == "none":
        position = torch.zeros_like(token)
    return (token.float() + position.float()).double().numpy()


def shown_inputs(page: Page) -> np.ndarray:
    """The numbers of the input-embedding heatmap as the page holds them (rows x dims, 4 decimals)."""
    rows = page.evaluate(
        """() => Array.from(document.querySelector('.st-key-heatmap-input .js-plotly-plot')._fullData[0].z)
                   .map((row) => Array.from(row))"""
    )
    return np.asarray(rows, dtype=np.float64)


def check_own_page(page: Page, visitor: Visitor, number: int) -> None:
    """The page shows this visitor's tokens, settings and numbers (which also depend on its positional
    mode), nobody else's."""
    no_exception(page)
    ids = plain_ids(visitor.text)
    chip_ids = (
        page.locator("div.ev-chips")
        .first.locator("span.ev-chip")
        .evaluate_all("els => els.map(e => Number(e.getAttribute('data-token-id')))")
    )
    assert chip_ids == ids, f"visitor {number} sees other tokens"
    assert page.locator(".st-key-dim input").input_value() == str(visitor.dim)
    assert page.locator(".st-key-seed input").input_value() == str(visitor.seed)
    expected = np.round(expected_inputs(visitor, ids)[:, :128], 4)
    np.testing.assert_allclose(shown_inputs(page), expected, rtol=0, atol=2e-6, err_msg=f"visitor {number}")


@pytest.fixture(scope="module")
def crowd_browser(playwright_instance: Playwright, browser: Browser) -> Iterator[Browser]:
    """A second headless Chromium for the crowd, with WebGL off (``--disable-3d-apis``).

    All 20 pages share this VM's 2 cores with the server. With WebGL on, 20 software-rendered (SwiftShader)
    3D views in one browser dominate the measurement (10 sessions: median 60 s with WebGL, 34 s without,
    server CPU the same 0.4 s per session), and a real visitor draws on their own device. So the crowd
    measures the server and page delivery; the probe sessions (the fixtures' browser, WebGL on) check a
    complete 3D page.
    """
    flags = [*CHROMIUM_ARGS, "--disable-3d-apis", CROWD_MARKER]  # Chromium ignores the unknown marker
    crowd = playwright_instance.chromium.launch(
        executable_path=chromium_executable(), headless=True, args=flags
    )
    yield crowd
    crowd.close()


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    made: list[BrowserContext] = []
    yield made
    for context in made:
        context.close()


def blank_session(browser: Browser, contexts: list[BrowserContext]) -> Page:
    """A fresh context (own cookies, so its own Streamlit session) with an empty page."""
    context = new_instrumented_context(browser, viewport=VIEWPORT)
    context.add_init_script(RENDER_WATCH_JS)
    contexts.append(context)
    return context.new_page()


def navigate(page: Page, url: str) -> None:
    """Start loading ``url`` and return at once (``page.goto`` would wait while 20 pages load)."""
    page.evaluate("(url) => { window.location.href = url; }", url)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_rendered(pages: list[Page], limit_s: float) -> list[float | None]:
    """Poll until every page has rendered or ``limit_s`` (plus slack) passed; seconds per page."""
    times: list[float | None] = [None] * len(pages)
    deadline = time.monotonic() + limit_s + 30
    while time.monotonic() < deadline and any(t is None for t in times):
        for i, page in enumerate(pages):
            if times[i] is None:
                try:
                    rendered = page.evaluate("() => window.__evRendered ?? null")
                except PlaywrightError:  # the navigation replaced the page under our feet: not yet
                    continue
                if rendered is not None:
                    times[i] = rendered / 1000
        time.sleep(0.25)
    return times


def test_twenty_visitors_at_once(
    browser: Browser,
    crowd_browser: Browser,
    app_url: str,
    streamlit_server: StreamlitServer,
    contexts: list[BrowserContext],
) -> None:
    """20 sessions load at the same time: each gets its own page, correct, within the limit, and the
    shared tables are untouched (a probe session reads the same numbers before and after)."""
    probe = Visitor(text="the probe reads the same numbers", dim=16, seed=99, positional="learned")
    first = blank_session(browser, contexts)
    navigate(first, f"{app_url}/?{probe.query()}")
    alone_s = wait_rendered([first], BUSY_LIMIT_S)[0]
    assert alone_s is not None
    check_own_page(first, probe, -1)
    before = shown_inputs(first)

    crowd = visitors(N_VISITORS)
    pages = [blank_session(crowd_browser, contexts) for _ in crowd]
    load_before = os.getloadavg()[0]
    cpu_before = cpu_seconds(streamlit_server.pid)
    browser_before = tree_cpu_seconds(CROWD_MARKER)
    started = time.monotonic()
    for page, visitor in zip(pages, crowd, strict=True):
        navigate(page, f"{app_url}/?{visitor.query()}")
    times = wait_rendered(pages, BUSY_LIMIT_S)
    wall_s = time.monotonic() - started
    server_cpu_s = cpu_seconds(streamlit_server.pid) - cpu_before
    browser_cpu_s = tree_cpu_seconds(CROWD_MARKER) - browser_before

    done = [t for t in times if t is not None]
    report = {
        "sessions": N_VISITORS,
        "one_session_alone_with_webgl_s": round(alone_s, 2),
        "all_rendered_after_s": round(wall_s, 2),
        "render_s": [None if t is None else round(t, 2) for t in times],
        "median_s": round(statistics.median(done), 2) if done else None,
        "max_s": round(max(done), 2) if done else None,
        "server_cpu_s": round(server_cpu_s, 2),
        "crowd_browser_cpu_s": round(browser_cpu_s, 2),
        "load_average_before": round(load_before, 1),
        "load_average_after": round(os.getloadavg()[0], 1),
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "many_visitors.json").write_text(json.dumps(report, indent=2))
    print(
        f"\n{N_VISITORS} sessions: first complete render median {report['median_s']} s, max "
        f"{report['max_s']} s; CPU: server {server_cpu_s:.1f} s, browser {browser_cpu_s:.1f} s; "
        f"load average before {load_before:.1f}"
    )
    limit = RENDER_LIMIT_S if load_before <= BUSY_LOAD else BUSY_LIMIT_S
    slow = [(i, t) for i, t in enumerate(times) if t is None or t > limit]
    if slow:
        screenshot(pages[slow[0][0]], f"FAILED-many-visitors-{slow[0][0]}")
    assert not slow, f"sessions without a complete page within {limit} s (load {load_before:.1f}): {slow}"
    assert server_cpu_s / N_VISITORS <= SERVER_CPU_PER_SESSION_S, f"server CPU {server_cpu_s:.1f} s"

    for number, (page, visitor) in enumerate(zip(pages, crowd, strict=True)):
        check_own_page(page, visitor, number)

    again = blank_session(browser, contexts)
    navigate(again, f"{app_url}/?{probe.query()}")
    assert wait_rendered([again], BUSY_LIMIT_S)[0] is not None
    check_own_page(again, probe, -1)
    after = shown_inputs(again)
    assert np.array_equal(before, after), "the probe's numbers changed while the crowd was there"
