"""The page's training runs: what a run depends on (its key), how it is configured, what it reads.

The view "Training & GPT-2" trains :mod:`embedviz.training`'s tiny GPT on "The Verdict" (optionally
with the page's sentence appended) and follows the sentence's vectors. Everything a run and its
snapshots depend on is one :class:`TrainKey`, so finished runs can be kept and shared by that key.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import torch

from embedviz.dataloader import load_verdict
from embedviz.embeddings import EmbeddingSpec
from embedviz.training import TrainConfig, TrainResult

TRAIN_SOURCES = ("verdict", "verdict+sentence")
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
    """The :class:`TrainConfig` of a key. Windows are 32 tokens, or the context length if shorter."""
    window = min(WINDOW, key.spec.context_length)
    return TrainConfig(
        spec=key.spec,
        steps=key.steps,
        max_length=window,
        stride=window,
        snapshot_every=snapshot_every(key.steps),
    )


def training_text(key: TrainKey) -> str | None:
    """The text the model reads: None for "The Verdict" alone (train()'s default), or the story with the
    sentence appended as a paragraph of its own."""
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
