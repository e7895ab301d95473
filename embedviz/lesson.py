"""The training lesson "tokens used alike end up alike", and how to measure it (no Streamlit).

The lesson corpus (``assets/lesson-corpus.txt``, made by :mod:`embedviz.lesson_corpus`) is a few thousand
tokens of short sentences in which the words of each group in :data:`GROUPS` fill the same slots:
"the cat ate its food", "the dog ate its food"; "he wore a red coat", "he wore a blue coat". Every group
word is ONE GPT-2 token with a leading space (" cat", " red", " three", " Monday").

Why the groups come together: the tiny GPT learns to predict the next token. " cat" and " dog" are
followed by the same tokens, so their gradients point the same way and their embeddings move the same
way; " red" is followed by other tokens and moves elsewhere. At step 0 the seeded embeddings are random,
so the words of a group are no closer to each other than to any other word (cosine about 0).

The measure (:func:`group_gap`): the mean cosine similarity of all pairs of words in the same group
("within"), the mean over all pairs of words from different groups ("across"), and their difference
("gap"). Chance is a gap of about 0; after training the gap is clearly positive.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from sklearn.decomposition import PCA

from embedviz.embeddings import EmbeddingSpec
from embedviz.training import TrainConfig, TrainResult

#: The word groups, each word spelled as its single GPT-2 token with a leading space stripped.
GROUPS: dict[str, tuple[str, ...]] = {
    "animals": ("cat", "dog", "horse", "cow", "bird", "fish"),
    "colours": ("red", "blue", "green", "yellow", "black", "white"),
    "numbers": ("two", "three", "four", "five", "six", "seven"),
    "days": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}

#: The train view's default sentence: two words of every group, and every token occurs in the corpus.
DEFAULT_SENTENCE = "The cat and the dog saw two red cars on Monday and three blue cars on Friday."

#: The calibrated lesson run (how it was chosen and what it costs: docs/performance.md, "Training").
LESSON_STEPS = 100
LESSON_WINDOW = 16
LESSON_BATCH = 8
LESSON_EMBEDDING_LR = 0.1

LESSON_PATH = Path(__file__).parent / "assets" / "lesson-corpus.txt"


def load_lesson_corpus() -> str:
    """The lesson corpus as shipped (utf-8)."""
    return LESSON_PATH.read_text(encoding="utf-8")


def group_token_ids(encoding) -> dict[str, list[int]]:
    """Each group's GPT-2 token ids (of ``" " + word``); raises ValueError if a word is not one token."""
    ids: dict[str, list[int]] = {}
    for group, words in GROUPS.items():
        ids[group] = []
        for word in words:
            tokens = encoding.encode(" " + word)
            if len(tokens) != 1:
                raise ValueError(f"{word!r} with a leading space is {len(tokens)} GPT-2 tokens, not 1.")
            ids[group].append(tokens[0])
    return ids


@dataclass(frozen=True)
class GroupGap:
    """Mean cosine of word pairs within a group and across groups; ``gap = within - across``.
    ``per_group[k]`` is the mean cosine of the pairs within group ``k`` alone."""

    within: float
    across: float
    per_group: tuple[float, ...]

    @property
    def gap(self) -> float:
        return self.within - self.across


def group_gap(vectors: torch.Tensor, labels: list[int]) -> GroupGap:
    """Mean cosine similarity over all pairs of rows of ``vectors`` with the same label (within) and with
    different labels (across). Every pair counts once, so a larger group weighs more. ``per_group`` is in
    the order of the sorted labels."""
    if vectors.shape[0] != len(labels):
        raise ValueError("one label per row")
    unit = torch.nn.functional.normalize(vectors.double(), dim=1)
    cosines = unit @ unit.T
    by_group: dict[int, list[float]] = {label: [] for label in sorted(set(labels))}
    across: list[float] = []
    for i, j in itertools.combinations(range(len(labels)), 2):
        (by_group[labels[i]] if labels[i] == labels[j] else across).append(float(cosines[i, j]))
    within = [cosine for pairs in by_group.values() for cosine in pairs]
    if not across or not all(by_group.values()):
        raise ValueError("need two words or more in every group, and two groups or more")
    per_group = tuple(sum(pairs) / len(pairs) for pairs in by_group.values())
    return GroupGap(sum(within) / len(within), sum(across) / len(across), per_group)


def group_vectors(
    table: torch.Tensor, groups: dict[str, list[int]], row_ids: list[int] | None = None
) -> tuple[torch.Tensor, list[int]]:
    """The rows of the group words, with a label per row (the group's index in ``groups``). ``table`` is a
    full token table (row = token id), or a compact one whose row ``k`` is token ``row_ids[k]`` (as
    :attr:`TrainResult.trained_rows`). Raises KeyError for a word not in a compact table."""
    row_of = {token: k for k, token in enumerate(row_ids)} if row_ids is not None else None
    rows, labels = [], []
    for label, ids in enumerate(groups.values()):
        for token in ids:
            rows.append(token if row_of is None else row_of[token])
            labels.append(label)
    return table[torch.tensor(rows, dtype=torch.long)], labels


def lesson_config(
    dim: int = 256,
    seed: int = 123,
    context_length: int = 1024,
    steps: int = LESSON_STEPS,
    snapshot_every: int = 5,
) -> TrainConfig:
    """The calibrated run on the lesson corpus (docs/performance.md): windows of 16 tokens, batches of 8,
    and the embedding tables stepped 10x faster than the block, so that a short run moves the embeddings
    as far as a much longer run would."""
    window = min(LESSON_WINDOW, context_length)
    return TrainConfig(
        spec=EmbeddingSpec(dim=dim, seed=seed, context_length=context_length),
        max_length=window,
        stride=window,
        batch_size=LESSON_BATCH,
        steps=steps,
        embedding_learning_rate=LESSON_EMBEDDING_LR,
        snapshot_every=snapshot_every,
    )


def lesson_gaps(
    seeded_table: torch.Tensor, result: TrainResult, groups: dict[str, list[int]]
) -> tuple[GroupGap, GroupGap]:
    """The groups' gap at step 0 (rows of the page's seeded ``seeded_table``) and after ``result``'s
    last step (its trained rows). Every group word must occur in the training text."""
    start, labels = group_vectors(seeded_table.detach(), groups)
    end, _ = group_vectors(result.trained_rows, groups, result.trained_ids)
    return group_gap(start, labels), group_gap(end, labels)


def map_points(vectors: torch.Tensor) -> np.ndarray:
    """2D coordinates of the rows of ``vectors`` for a map: their own two principal components
    (scikit-learn's PCA). Give each moment its own map: axes fitted on the trained vectors would
    already pick the directions the groups later share, and make step 0 look grouped when it is not."""
    return PCA(n_components=2).fit_transform(vectors.detach().double().numpy())


def permutation_gaps(vectors: torch.Tensor, labels: list[int], n: int, seed: int = 0) -> list[float]:
    """The gap for ``n`` random relabellings of the same vectors (group sizes kept): what chance gives."""
    generator = torch.Generator().manual_seed(seed)
    label_tensor = torch.tensor(labels)
    return [
        group_gap(vectors, label_tensor[torch.randperm(len(labels), generator=generator)].tolist()).gap
        for _ in range(n)
    ]


__all__ = [
    "DEFAULT_SENTENCE",
    "GROUPS",
    "LESSON_BATCH",
    "LESSON_EMBEDDING_LR",
    "LESSON_PATH",
    "LESSON_STEPS",
    "LESSON_WINDOW",
    "GroupGap",
    "group_gap",
    "group_token_ids",
    "group_vectors",
    "lesson_config",
    "lesson_gaps",
    "load_lesson_corpus",
    "map_points",
    "permutation_gaps",
]
