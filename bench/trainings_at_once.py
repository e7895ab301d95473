"""A class presses Train at once: K different training runs through the server-wide queue.

Run from the repository root::

    python -m bench.trainings_at_once                    # 30 runs, one seed each
    python -m bench.trainings_at_once --runs 1           # one run alone
    python -m bench.trainings_at_once --vary sentence    # same tables, 30 sentences
    python -m bench.trainings_at_once --source verdict --steps 150
    python -m bench.trainings_at_once --threads 0 --workers 1

Each run is what the page's Train button asks for with the app's defaults (``TrainKey`` of dim 256,
context 1,024, 100 steps, the lesson corpus; the view's own job, :func:`embedviz.training_runs.run_job`,
which keeps what the page shows, the lesson's gaps and maps included, and its memory request,
:func:`embedviz.training_runs.run_bytes`). ``--vary seed`` (default) gives every student a seed of their
own, so each run also draws its own seeded tables when it starts (the page's table cache keeps three);
``--vary sentence`` shares one pair of tables. Every run goes through
:class:`embedviz.train_queue.TrainQueue` with a :class:`embedviz.budget.MemoryBudget` (the process's
limit: ``EMBEDVIZ_MEMORY_LIMIT_MB``, the container's or the machine's), ``--threads`` torch threads per
worker (``torch.set_num_threads`` is per thread under OpenMP), as ``ui/cache.train_queue()`` sets it up.

Prints: when each run finished (seconds after all were submitted), the first and the last, the
process's CPU seconds (user + system, from ``/proc/self/stat`` via ``os.times``), the peak RSS sampled
every 5 ms and the kernel's ``VmHWM``, and the load average (other processes on the same cores stretch
wall times; CPU seconds are the steadier figure).
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from pathlib import Path

import torch

from embedviz.budget import MemoryBudget, release_freed_memory, resident_bytes
from embedviz.embeddings import EmbeddingSpec, build_position_table, build_token_table, table_bytes
from embedviz.lesson import DEFAULT_SENTENCE
from embedviz.tokenizer import encode
from embedviz.train_queue import TrainQueue
from embedviz.training_runs import TrainKey, run_bytes, run_job

N_VOCAB = 50_257


class PeakRss:
    """Samples the process's RSS every few milliseconds in a thread; ``peak`` is the largest seen."""

    def __init__(self, every: float = 0.005) -> None:
        self.peak = resident_bytes()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, args=(every,), daemon=True)
        self._thread.start()

    def _sample(self, every: float) -> None:
        while not self._done.wait(every):
            self.peak = max(self.peak, resident_bytes())

    def stop(self) -> int:
        self._done.set()
        self._thread.join()
        return self.peak


def vm_hwm() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--workers", type=int, default=0, help="0: the queue's default (cores)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads per worker (0: torch's)")
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--source", choices=("lesson", "verdict", "verdict+sentence"), default="lesson")
    parser.add_argument("--dim", type=int, default=256)
    parser.add_argument("--vary", choices=("seed", "sentence"), default="seed")
    parser.add_argument("--trim", action="store_true", help="malloc_trim after every run")
    args = parser.parse_args()

    budget = MemoryBudget.from_environment()
    setup = (lambda: torch.set_num_threads(args.threads)) if args.threads else None
    queue = TrainQueue(args.workers or None, budget=budget, keep=args.runs, worker_setup=setup)
    shared = None
    if args.vary == "sentence":
        token = build_token_table(N_VOCAB, args.dim, 123)
        shared = (token, build_position_table(token, 1024))

    def tables(spec: EmbeddingSpec):
        """The shared pair, or (a seed of its own) tables drawn when the run starts, dropped with it."""
        if shared is not None:
            return shared
        token = build_token_table(N_VOCAB, spec.dim, spec.seed)
        return token, build_position_table(token, spec.context_length)

    def job_for(key: TrainKey):
        job = run_job(key, encode(key.sentence), tables)
        if not args.trim:
            return job

        def trimmed(control):
            try:
                return job(control)
            finally:
                release_freed_memory()

        return trimmed

    keys = [
        TrainKey(
            spec=EmbeddingSpec(dim=args.dim, seed=123 + i if args.vary == "seed" else 123),
            steps=args.steps,
            source=args.source,
            sentence=DEFAULT_SENTENCE if args.vary == "seed" else f"{DEFAULT_SENTENCE} Number {i}.",
        )
        for i in range(args.runs)
    ]
    own_tables = table_bytes(N_VOCAB, args.dim, 1024) if args.vary == "seed" else 0
    print(
        f"{args.runs} runs ({args.vary} differs), {args.source}, {args.steps} steps, dim {args.dim}, "
        f"{queue.workers} workers x {args.threads or torch.get_num_threads()} torch threads"
        f"{', malloc_trim after each run' if args.trim else ''}; "
        f"budget {budget.limit / 2**20:,.0f} MiB ({budget.source}); "
        f"load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    rss_before, cpu_before = resident_bytes(), cpu_seconds()
    sampler = PeakRss()
    started = time.perf_counter()
    tickets = [
        queue.submit(
            key,
            job_for(key),
            steps=key.steps,
            nbytes=run_bytes(key, len(encode(key.sentence))) + own_tables,
            what=f"Training run {i}",
        )
        for i, key in enumerate(keys)
    ]
    estimates = [ticket.estimate_seconds or 0.0 for ticket in tickets]
    print(f"estimates at submit (prior pace): first {estimates[0]:.1f} s, last {estimates[-1]:.1f} s")
    finished, failed = [], []
    for i, ticket in enumerate(tickets):
        try:
            run = ticket.result(timeout=3600)
            finished.append(time.perf_counter() - started)
            losses = f"{run.result.losses[0]:.2f} -> {run.result.losses[-1]:.2f}"
            gap = f", gap {run.lesson.before.gap:.3f} -> {run.lesson.after.gap:.3f}" if run.lesson else ""
            print(f"  run {i:>2}: done at {finished[-1]:6.1f} s, loss {losses}{gap}")
        except Exception as error:  # a refused or failed run: counted and shown, the others go on
            failed.append(f"run {i}: {error}")
    cpu = cpu_seconds() - cpu_before
    peak = sampler.stop()
    queue.close()
    print(f"finished {len(finished)}/{args.runs}; failed: {failed or 'none'}")
    if finished:
        print(f"first finished at {min(finished):.1f} s, last at {max(finished):.1f} s (wall, after submit)")
    print(f"CPU: {cpu:.1f} s in all, {cpu / max(len(finished), 1):.2f} s per run")
    print(
        f"RSS: {rss_before / 2**20:.0f} MiB before, peak {peak / 2**20:.0f} MiB sampled "
        f"(+{(peak - rss_before) / 2**20:.0f} MiB), VmHWM {vm_hwm() / 2**20:.0f} MiB; "
        f"seconds per step learned: {queue.seconds_per_step:.3f}"
    )
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
