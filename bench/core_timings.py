"""Time the core: building the GPT-2 token table, and warm calls of ``embed``. Prints a table.

Run from the repository root:  python -m bench.core_timings
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable

import torch

from embedviz import decode, embed, encode
from embedviz.dataloader import load_verdict
from embedviz.embeddings import build_token_table

GPT2_VOCAB = 50257


def median_ms(run: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``repeats`` calls, in milliseconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def text_of_about(n_tokens: int) -> str:
    """The start of "The Verdict", cut to at most ``n_tokens`` GPT-2 tokens."""
    ids = encode(load_verdict())[:n_tokens]
    text = decode(ids)
    while len(encode(text)) > n_tokens:  # re-encoding a cut text can merge differently at the cut
        text = text[:-1]
    return text


def main() -> None:
    rows: list[tuple[str, str, float]] = []
    for dim in (256, 768):
        ms = median_ms(lambda dim=dim: build_token_table(GPT2_VOCAB, dim, 123), repeats=5)
        rows.append((f"build_token_table(50257, {dim}, 123)", "median of 5", ms))

    short = "the cat sat on the mat"
    embed(short)  # warm: encoding loaded, tables for dim 256 / seed 123 / context 1024 cached
    ms = median_ms(lambda: embed(short), repeats=200)
    rows.append((f"warm embed({short!r}) [{len(encode(short))} tokens, dim 256]", "median of 200", ms))

    long_text = text_of_about(1024)
    n = len(encode(long_text))
    embed(long_text, dim=768, context_length=1024)  # warm
    ms = median_ms(lambda: embed(long_text, dim=768, context_length=1024), repeats=20)
    rows.append((f"warm embed(verdict start) [{n:,} tokens, dim 768]", "median of 20", ms))

    print(
        f"embedviz core timings - Python {platform.python_version()}, torch {torch.__version__}, "
        f"{os.cpu_count()} CPUs, torch threads {torch.get_num_threads()}"
    )
    width = max(len(name) for name, _, _ in rows)
    print(f"{'what':<{width}}  {'runs':<13}  {'ms':>9}")
    print(f"{'-' * width}  {'-' * 13}  {'-' * 9}")
    for name, runs, ms in rows:
        print(f"{name:<{width}}  {runs:<13}  {ms:9.3f}")


if __name__ == "__main__":
    main()
