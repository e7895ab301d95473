"""The page's training runs: what a run depends on (its key), how it is configured, what it reads.

The view "Training & GPT-2" trains :mod:`embedviz.training`'s tiny GPT on the built-in lesson corpus
(:mod:`embedviz.lesson`, the default), or on "The Verdict" (optionally with the page's sentence appended),
and follows the sentence's vectors. Everything a run and its snapshots depend on is one
:class:`TrainKey`, so runs are shared by that key in the server's training queue
(:mod:`embedviz.train_queue`).

What a run keeps (:class:`PageRun`, built by :func:`run_job` inside the queue's worker) is what the page
shows: the sentence's rows per snapshot, the losses, the text tokens' trained rows (for nearest
neighbours) and, for the lesson, the groups' cosines and 2D maps. Never the model, never the page's
shared tables: the job fetches those itself when it starts, so a run waiting in line pins no table.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import torch

from embedviz import lesson, training
from embedviz.budget import release_freed_memory, training_bytes
from embedviz.dataloader import load_verdict
from embedviz.embeddings import EmbeddingSpec, Tables, token_rows_of
from embedviz.rows import SeededRows
from embedviz.tokenizer import get_encoding
from embedviz.train_queue import Control
from embedviz.training import TrainConfig, TrainResult

#: The training texts the view offers; the first is the default.
TRAIN_SOURCES = ("lesson", "verdict", "verdict+sentence")
#: The animation shows at most about this many frames (a snapshot every few steps), so that a run of
#: 1,000 steps sends no more figure data than a run of 150.
MAX_FRAMES = 30
#: The view follows at most this many tokens of the sentence through training (labels, hover, frames).
MAX_TRACKED_TOKENS = 64
#: The tiny model's window (training.TrainConfig.max_length), shortened when the context is shorter.
WINDOW = TrainConfig.max_length


@dataclass(frozen=True)
class TrainKey:
    """Everything a training run and its snapshots depend on: the seeded tables (``spec``: GPT-2,
    learned positions, the page's dim, seed and context length), the number of steps, the training text
    (``source``) and the sentence whose vectors are recorded. The sentence is part of the key even when
    it is not trained on, because the snapshots follow its tokens."""

    spec: EmbeddingSpec
    steps: int
    source: str
    sentence: str


def snapshot_every(steps: int) -> int:
    """Steps between two snapshots: a multiple of 5, so that a run has at most about MAX_FRAMES + 1
    frames (150 steps -> every 5, 1,000 steps -> every 35)."""
    return 5 * max(1, math.ceil(steps / (5 * MAX_FRAMES)))


def config_for(key: TrainKey) -> TrainConfig:
    """The :class:`TrainConfig` of a key. The lesson: its calibrated run (:func:`embedviz.lesson.
    lesson_config`). The story: windows of 32 tokens, or the context length if shorter."""
    if key.source == "lesson":
        spec = key.spec
        return lesson.lesson_config(
            spec.dim,
            spec.seed,
            spec.context_length,
            steps=key.steps,
            snapshot_every=snapshot_every(key.steps),
        )
    window = min(WINDOW, key.spec.context_length)
    return TrainConfig(
        spec=key.spec,
        steps=key.steps,
        max_length=window,
        stride=window,
        snapshot_every=snapshot_every(key.steps),
    )


def training_text(key: TrainKey) -> str | None:
    """The text the model reads: the lesson corpus, None for "The Verdict" alone (train()'s default), or
    the story with the sentence appended as a paragraph of its own."""
    if key.source == "lesson":
        return lesson.load_lesson_corpus()
    if key.source == "verdict+sentence":
        return f"{load_verdict()}\n\n{key.sentence}"
    return None


def tracked_ids(token_ids: Sequence[int], context_length: int) -> list[int]:
    """The sentence's token ids the view follows: the first MAX_TRACKED_TOKENS (and no more than fit in
    the context)."""
    return list(token_ids[: min(MAX_TRACKED_TOKENS, context_length)])


def untrained_positions(sentence_ids: Sequence[int], trained_ids: Sequence[int]) -> list[int]:
    """Positions of the sentence's tokens that never occur in the training text: nothing trains them."""
    seen = set(trained_ids)
    return [i for i, token_id in enumerate(sentence_ids) if token_id not in seen]


def without_shared_table(result: TrainResult) -> TrainResult:
    """The result without its reference to the page's cached token table, for keeping.

    A kept result must not pin a 50,257-row table in memory after the page's table cache has let it
    go. Its ``token_table()`` no longer works: use :func:`neighbours_before_after`, which takes the
    seeded table from the caller."""
    return replace(result, _base_token_weight=torch.empty(0))


# ---------------------------------------------------------------------------------------------------------
# A run as the queue runs it and the page keeps it
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonOutcome:
    """The lesson's measure of a run: the groups' cosines at step 0 and at the end
    (:func:`embedviz.lesson.lesson_gaps`), and the group words' 2D maps (:func:`embedviz.lesson.map_points`)
    at both moments, one label (group index) and one word per row."""

    before: lesson.GroupGap
    after: lesson.GroupGap
    start_map: np.ndarray
    end_map: np.ndarray
    labels: list[int]
    words: list[str]


@dataclass(frozen=True)
class PageRun:
    """What a finished (or stopped) run keeps: the result without the shared table
    (:func:`without_shared_table`) and, for the lesson, its :class:`LessonOutcome`."""

    result: TrainResult
    lesson: LessonOutcome | None = None


def lesson_outcome(seeded: Tables | SeededRows, result: TrainResult) -> LessonOutcome:
    """The lesson's gaps and maps of ``result``; ``seeded`` are the page's seeded tables, whole or as
    rows (step 0)."""
    groups = lesson.group_token_ids(get_encoding("gpt2"))
    group_ids = [token for ids in groups.values() for token in ids]
    start, labels = lesson.group_vectors(token_rows_of(seeded, group_ids), groups, group_ids)
    end, _ = lesson.group_vectors(result.trained_rows, groups, result.trained_ids)
    words = [word for group in lesson.GROUPS.values() for word in group]
    before, after = lesson.group_gap(start, labels), lesson.group_gap(end, labels)
    return LessonOutcome(before, after, lesson.map_points(start), lesson.map_points(end), labels, words)


def run_job(
    key: TrainKey, sentence_ids: list[int], tables: Callable[[EmbeddingSpec], Tables | SeededRows]
) -> Callable[[Control], PageRun]:
    """The queue's job for ``key``: fetch the seeded tables (``tables(spec)``, the page's cache) when the
    run starts, train with the queue's ``on_step`` (progress, Stop), keep a :class:`PageRun`. At the end
    the heap the run freed goes back to the system (``malloc_trim``): else the process's resident
    memory, which the memory budget reads, would keep the peak of every run, and later runs would be
    refused memory that is free."""

    def job(control: Control) -> PageRun:
        try:
            seeded = tables(key.spec)
            result = training.train(
                config_for(key), sentence_ids, training_text(key), tables=seeded, on_step=control.on_step
            )
            outcome = lesson_outcome(seeded, result) if key.source == "lesson" else None
            return PageRun(without_shared_table(result), outcome)
        finally:
            seeded = result = None
            release_freed_memory()

    return job


@functools.lru_cache(maxsize=4)
def _text_token_count(source: str) -> int:
    text = lesson.load_lesson_corpus() if source == "lesson" else load_verdict()
    return len(set(get_encoding("gpt2").encode(text)))


def run_bytes(key: TrainKey, n_sentence_tokens: int) -> int:
    """The memory a run of ``key`` asks the budget for (:func:`embedviz.budget.training_bytes`): the
    training text's different tokens (the story's, plus the sentence's when it is appended). Not torch's
    one-time cost of a process's first run (:data:`embedviz.budget.FIRST_RUN_EXTRA_BYTES`): the request
    is made when the run is asked for, and thirty requests made before the first run ends would each
    ask for it."""
    source = "lesson" if key.source == "lesson" else "verdict"
    extra = n_sentence_tokens if key.source == "verdict+sentence" else 0
    return training_bytes(config_for(key), _text_token_count(source) + extra, max(n_sentence_tokens, 1))
