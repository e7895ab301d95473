"""How cheap can the training lesson be? Train on the lesson corpus with several (steps, window, batch)
and print the groups' gap (mean cosine within minus across) with the CPU-seconds and wall seconds.

Run from the repository root, on one core as the brief asks (other processes load the machine, so the
wall time is noisy; CPU-seconds of this process are the steadier figure)::

    taskset -c 0 /work/main/.venv/bin/python bench/lesson_calibration.py
    taskset -c 0 /work/main/.venv/bin/python bench/lesson_calibration.py --runs 100x16x8 200x16x8

A run is ``STEPSxWINDOWxBATCH`` or ``STEPSxWINDOWxBATCHxEMBEDDING_LR`` (the embedding tables' Adam step
size; the rest of the model keeps TrainConfig's learning_rate). The chance row is the spread of the
gap at step 0 under 200 random relabellings of the group words (a permutation test).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from embedviz.embeddings import EmbeddingSpec, build_position_table, build_token_table
from embedviz.lesson import (
    DEFAULT_SENTENCE,
    group_token_ids,
    group_vectors,
    lesson_gaps,
    load_lesson_corpus,
    permutation_gaps,
)
from embedviz.tokenizer import encode, get_encoding
from embedviz.training import TrainConfig, train

DEFAULT_RUNS = [
    "100x16x8",  # one learning rate for everything: the groups barely part
    "300x32x8",  # the Verdict's shape of run (window 32), still one learning rate
    "30x16x8x0.1",
    "50x16x8x0.1",
    "100x16x8x0.1",  # lesson_config(): the calibrated default
    "150x16x8x0.1",
    "100x8x8x0.1",
    "100x16x4x0.1",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", nargs="+", default=DEFAULT_RUNS)
    parser.add_argument("--dim", type=int, default=TrainConfig.dim)
    parser.add_argument("--seed", type=int, default=TrainConfig.seed)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's choice)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    print(
        f"load average {os.getloadavg()}, cores allowed {len(os.sched_getaffinity(0))}, "
        f"torch threads {torch.get_num_threads()}"
    )
    text = load_lesson_corpus()
    groups = group_token_ids(get_encoding("gpt2"))
    sentence = encode(DEFAULT_SENTENCE)
    token_table = build_token_table(50257, args.dim, args.seed)
    tables = (token_table, build_position_table(token_table, TrainConfig.context_length))
    columns = ("gap@0", "within", "across", "gap", "loss", "cpu s", "wall s")
    print(f"{'run':>14} " + " ".join(f"{name:>7}" for name in columns))
    # One short run first, untimed: the first run in a process pays torch's one-off set-up.
    spec = EmbeddingSpec(dim=args.dim, seed=args.seed)
    train(TrainConfig(spec=spec, steps=5), sentence, text, tables=tables)
    for run in args.runs:
        steps, window, batch, *rate = run.split("x")
        config = TrainConfig(
            spec=spec,
            steps=int(steps),
            max_length=int(window),
            stride=int(window),
            batch_size=int(batch),
            embedding_learning_rate=float(rate[0]) if rate else None,
        )
        cpu, wall = time.process_time(), time.perf_counter()
        result = train(config, sentence, text, tables=tables)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        before, after = lesson_gaps(token_table.layer.weight, result, groups)
        print(
            f"{run:>14} {before.gap:7.3f} {after.within:7.3f} {after.across:7.3f} {after.gap:7.3f} "
            f"{result.losses[-1]:7.2f} {cpu:7.2f} {wall:7.2f}"
        )
    start, labels = group_vectors(token_table.layer.weight.detach(), groups)
    chance = permutation_gaps(start, labels, 200)
    print(
        f"chance at step 0: gap under 200 relabellings: mean {statistics.mean(chance):.3f}, "
        f"sd {statistics.stdev(chance):.3f}, max |gap| {max(map(abs, chance)):.3f}"
    )


if __name__ == "__main__":
    main()
