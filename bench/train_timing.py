"""How long does "watch them learn" take with the default settings, and how much memory does it need?

Run from the repository root::

    python -m bench.train_timing            # dim 256, seed 123, "The Verdict", 3 runs
    python -m bench.train_timing --dim 768 --runs 1

Prints the time to build the seeded tables (the app caches them), the training time with those tables
(what a visitor waits for), its median over the runs, and the process's peak resident memory. Torch uses
as many threads as it finds cores (``torch.get_num_threads()``) unless ``--threads`` says otherwise.
Other processes on the same cores slow it down a lot (see the load average printed at the start).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time

import torch

from embedviz.embeddings import EmbeddingSpec, build_position_table, build_token_table
from embedviz.tokenizer import encode
from embedviz.training import TrainConfig, train

SENTENCE = "I had always thought Jack Gisburn rather a cheap genius"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dim", type=int, default=TrainConfig.dim)
    parser.add_argument("--seed", type=int, default=TrainConfig.seed)
    parser.add_argument("--steps", type=int, default=TrainConfig.steps)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: as torch found)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    config = TrainConfig(spec=EmbeddingSpec(dim=args.dim, seed=args.seed), steps=args.steps)
    ids = encode(SENTENCE)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, load average {load}; {config}")

    started = time.perf_counter()
    token_table = build_token_table(50257, config.dim, config.seed)
    tables = (token_table, build_position_table(token_table, config.context_length))
    print(f"build tables (cached by the app): {time.perf_counter() - started:.2f} s")

    seconds = []
    for run in range(args.runs):
        started = time.perf_counter()
        result = train(config, ids, tables=tables)
        seconds.append(time.perf_counter() - started)
        print(
            f"run {run + 1}: {seconds[-1]:.2f} s for {result.steps_done} steps "
            f"({1000 * seconds[-1] / max(result.steps_done, 1):.1f} ms/step), "
            f"loss {result.losses[0]:.2f} -> {result.losses[-1]:.2f}, {len(result.snapshots)} snapshots"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    print(f"median training time: {statistics.median(seconds):.2f} s over {len(seconds)} run(s)")
    print(f"peak RSS: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
