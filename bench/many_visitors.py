"""Many visitors, longer than the test: a class of N browser sessions on ONE ``streamlit run app.py``.

Each visitor opens its own link (own sentence, seed, dim 8..64, positional mode) at the same moment, then
every visitor types a new sentence, all together, for several rounds. Measured:

* time to the first complete page per session (the page's own clock, from the start of its navigation
  to the moment the chips, the heatmaps and the 3D chart are there and the script is finished);
* time from each visitor's Ctrl+Enter until its chips show its new sentence (polled every 0.25 s);
* the server's CPU seconds and RSS (``/proc/<pid>``) after each phase;
* correctness: every visitor sees the ids of its own sentence (plain tiktoken, computed here) and, at
  the end, the input embeddings of its own seed (plain torch, computed here).

The crowd runs in a headless Chromium with WebGL off (``--disable-3d-apis``; ``--webgl`` turns it on):
on a 2-core machine, N software-rendered 3D views in one browser would measure the browser, not the
server (see ``tests/browser/test_many_visitors.py``). Nothing here fails: it prints numbers.

    python -m bench.many_visitors                    # 40 visitors, 3 rounds of edits
    python -m bench.many_visitors --visitors 20 --rounds 1
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import numpy as np
import tiktoken
import torch
from tiktoken.load import load_tiktoken_bpe

from bench.common import LOGS, REPO_ROOT, browser_helpers, process_numbers

RANKS = REPO_ROOT / "embedviz" / "assets" / "gpt2.tiktoken"
GPT2_VOCAB = 50257
EOT = "<|endoftext|>"
GPT2_PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
MODES = ("learned", "sinusoidal", "none")
WORDS = ["cat", "dog", "tensor", "Zürich", "🙂", "token", "embedding", "<b>", "pupil", "bank", "Straße"]
VIEWPORT = {"width": 1024, "height": 700}
TIMEOUT_S = 600.0
MiB = 2**20

CHIP_IDS_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return null;
  const row = document.querySelector('div.ev-chips');
  return row ? Array.from(row.querySelectorAll('span.ev-chip')).map((e) => Number(e.dataset.tokenId)) : null;
}"""


PLAIN = tiktoken.Encoding(
    "plain-gpt2",
    pat_str=GPT2_PATTERN,
    mergeable_ranks=load_tiktoken_bpe(str(RANKS)),
    special_tokens={EOT: 50256},
)


def plain_ids(text: str) -> list[int]:
    return PLAIN.encode(text, allowed_special={EOT}, disallowed_special=())


@dataclass(frozen=True)
class Visitor:
    number: int
    dim: int
    seed: int
    positional: str

    def sentence(self, round_: int) -> str:
        word = WORDS[(self.number + round_) % len(WORDS)]
        return f"Visitor {self.number}, round {round_}: the {word} number {self.number * 7919 + round_}."

    def url(self, base: str) -> str:
        query = {"text": self.sentence(0), "dim": self.dim, "seed": self.seed, "positional": self.positional}
        return f"{base}/?{urlencode({**query, 'context_length': 64})}"


def expected_inputs(visitor: Visitor, ids: list[int]) -> np.ndarray:
    """The seed document's code, here: ``manual_seed``, token table, position table, sum."""
    torch.manual_seed(visitor.seed)
    token = torch.nn.Embedding(GPT2_VOCAB, visitor.dim).weight.detach()[ids]
    position = torch.nn.Embedding(64, visitor.dim).weight.detach()[: len(ids)]
    if visitor.positional == "sinusoidal":
        d = visitor.dim
        angle = [[p / 10000 ** ((i - i % 2) / d) for i in range(d)] for p in range(len(ids))]
        rows = [[math.sin(a) if i % 2 == 0 else math.cos(a) for i, a in enumerate(row)] for row in angle]
        position = torch.tensor(rows, dtype=torch.float64).float()
    elif visitor.positional == "none":
        position = torch.zeros_like(token)
    return np.round((token + position).double().numpy()[:, :128], 4)


def describe(name: str, seconds: list[float | None]) -> str:
    done = sorted(s for s in seconds if s is not None)
    if not done:
        return f"{name:<26} no session finished"
    p90 = done[min(len(done) - 1, math.ceil(0.9 * len(done)) - 1)]
    missing = len(seconds) - len(done)
    return (f"{name:<26} median {statistics.median(done):6.1f} s   p90 {p90:6.1f} s   max {done[-1]:6.1f} s"
            + (f"   {missing} unfinished" if missing else ""))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visitors", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--webgl", action="store_true", help="draw the 3D views (SwiftShader, CPU)")
    args = parser.parse_args()

    h = browser_helpers()
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    LOGS.mkdir(parents=True, exist_ok=True)
    server = h.start_streamlit(REPO_ROOT / "app.py", LOGS / "many_visitors-server.log", timeout=120)
    crowd = [Visitor(i, 8 + (i * 13) % 57, 5_000 + 37 * i, MODES[i % 3]) for i in range(args.visitors)]
    report: dict[str, object] = {"command": " ".join(["python", *sys.argv]), "visitors": args.visitors}
    lines: list[str] = []
    try:
        with sync_playwright() as playwright:
            marker = f"--embedviz-crowd={os.getpid()}"  # Chromium ignores it; /proc finds the browser by it
            flags = [*h.CHROMIUM_ARGS, marker, *([] if args.webgl else ["--disable-3d-apis"])]
            browser = playwright.chromium.launch(
                executable_path=h.chromium_executable(), headless=True, args=flags
            )
            pages = []
            for _ in crowd:
                context = h.new_instrumented_context(browser, viewport=VIEWPORT)
                context.add_init_script(h.RENDER_WATCH_JS)
                pages.append(context.new_page())
            warm = pages[0].context.browser.new_context().new_page()  # warm the server: imports, encoding
            h.open_app(warm, server.url, timeout_ms=TIMEOUT_S * 1000)
            load = os.getloadavg()[0]
            cpu0, _, _ = process_numbers(server.pid)
            browser0 = h.tree_cpu_seconds(marker)

            for page, visitor in zip(pages, crowd, strict=True):
                page.evaluate("(url) => { window.location.href = url; }", visitor.url(server.url))
            first: list[float | None] = [None] * len(pages)
            deadline = time.monotonic() + TIMEOUT_S
            while time.monotonic() < deadline and None in first:
                for i, page in enumerate(pages):
                    if first[i] is None:
                        try:
                            value = page.evaluate("() => window.__evRendered ?? null")
                        except PlaywrightError:
                            continue
                        first[i] = None if value is None else value / 1000
                time.sleep(0.25)
            cpu1, rss1, hwm1 = process_numbers(server.pid)
            browser1 = h.tree_cpu_seconds(marker)
            lines.append(describe("first complete page", first))
            lines.append(f"{'':<26} server CPU {cpu1 - cpu0:.1f} s ({(cpu1 - cpu0) / len(crowd):.2f} s per "
                         f"session), browser CPU {browser1 - browser0:.1f} s, RSS {rss1 / MiB:.0f} MiB, "
                         f"peak {hwm1 / MiB:.0f} MiB")  # fmt: skip
            report["first_render_s"] = first
            wrong = 0

            for round_ in range(1, args.rounds + 1):
                started: list[float] = []
                for page, visitor in zip(pages, crowd, strict=True):
                    box = h.sentence_box(page)
                    box.fill(visitor.sentence(round_))
                    started.append(time.monotonic())
                    box.press("ControlOrMeta+Enter")
                latency: list[float | None] = [None] * len(pages)
                expected = [plain_ids(v.sentence(round_)) for v in crowd]
                deadline = time.monotonic() + TIMEOUT_S
                while time.monotonic() < deadline and None in latency:
                    for i, page in enumerate(pages):
                        if latency[i] is None and page.evaluate(CHIP_IDS_JS) == expected[i]:
                            latency[i] = time.monotonic() - started[i]
                    time.sleep(0.25)
                cpu2, rss2, hwm2 = process_numbers(server.pid)
                browser2 = h.tree_cpu_seconds(marker)
                lines.append(describe(f"round {round_}: edit -> chips", latency))
                used = f"server CPU {cpu2 - cpu1:.1f} s, browser CPU {browser2 - browser1:.1f} s"
                lines.append(f"{'':<26} {used}, RSS {rss2 / MiB:.0f} MiB, peak {hwm2 / MiB:.0f} MiB")
                cpu1, browser1 = cpu2, browser2
                report[f"round_{round_}_s"] = latency
                wrong += latency.count(None)

            for page, visitor in zip(pages, crowd, strict=True):
                h.wait_idle(page, timeout_ms=TIMEOUT_S * 1000)
                ids = plain_ids(visitor.sentence(args.rounds))
                rows = page.evaluate(
                    """() => Array.from(document.querySelector('.st-key-heatmap-input .js-plotly-plot')
                               ._fullData[0].z).map((row) => Array.from(row))"""
                )
                if not np.allclose(np.asarray(rows), expected_inputs(visitor, ids), rtol=0, atol=2e-6):
                    wrong += 1
                    lines.append(f"visitor {visitor.number}: the numbers are not its seed's")
            lines.append(f"wrong or unfinished pages: {wrong}")
            browser.close()
    finally:
        server.stop()
    print(f"\n{args.visitors} visitors, {args.rounds} rounds, WebGL {'on' if args.webgl else 'off'}, "
          f"load average before: {load:.1f}")  # fmt: skip
    print("\n".join(lines))
    report["summary"] = lines
    out = LOGS / "many_visitors.json"
    out.write_text(json.dumps(report, indent=1))
    print(f"raw numbers: {out.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
