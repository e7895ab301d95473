"""The class board: everyone's words in one space, and what the class found out about their tokens.

Each student's entry is embedded like the teacher's sentence (its own tokens at positions 0, 1, ...), at the
teacher's settings. All input embeddings of all entries are then projected by **one** PCA fitted on them
together, so that every token of the class sits in the same 3D space and the same token at the same
position lands on the same point, whoever sent it.

What the class found, counted from the entries alone:

* the entries that split into the most tokens (a long or rare word is cut into many pieces);
* a word alone and the same word after a space: GPT-2 keeps the space with the word after it, so
  ``Katze`` and ``␣Katze`` are different tokens (often a different number of them).

No Streamlit here; the page shows it in :mod:`embedviz.ui.sections.class_board`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from embedviz.embeddings import EmbeddingResult
from embedviz.projection import fit_pca, to_3d
from embedviz.rooms import Entry
from embedviz.tokenizer import Token


@dataclass(frozen=True)
class BoardSpace:
    """Every token of the board in 3D: one row of ``coords`` per token, in entry order."""

    coords: np.ndarray
    #: Share of the variance each axis keeps (3 numbers, zeros for axes the points do not span).
    ratio: np.ndarray
    #: For each point: the entry it belongs to, its position in the entry, and its token.
    entries: list[Entry]
    positions: list[int]
    tokens: list[Token]


def board_space(embedded: Sequence[tuple[Entry, EmbeddingResult]]) -> BoardSpace:
    """One PCA over the input embeddings of all entries, each token a point."""
    rows = [result.input_embeddings.detach().numpy() for _, result in embedded if result.n_tokens]
    points = np.concatenate(rows).astype(np.float64) if rows else np.zeros((0, 1))
    pca = fit_pca(points)
    ratio = np.zeros(3)
    if pca is not None:
        ratio[: len(pca.explained_variance_ratio_)] = pca.explained_variance_ratio_
    entries, positions, tokens = [], [], []
    for entry, result in embedded:
        for position, token in enumerate(result.tokens):
            entries.append(entry)
            positions.append(position)
            tokens.append(token)
    return BoardSpace(to_3d(pca, points), ratio, entries, positions, tokens)


def most_tokens(counted: Sequence[tuple[str, int]], top: int = 3) -> list[tuple[str, int]]:
    """The ``top`` distinct texts with the most tokens (most first; ties in the order sent)."""
    distinct = dict(counted)
    return sorted(distinct.items(), key=lambda item: -item[1])[:top]


def with_and_without_space(
    texts: Sequence[str], tokenize: Callable[[str], list[Token]], top: int = 5
) -> list[tuple[str, list[Token], list[Token]]]:
    """For single-word entries: the word's tokens alone and after a space, most different counts first."""
    words = list(dict.fromkeys(text.strip() for text in texts if text.strip() and " " not in text.strip()))
    pairs = [(word, tokenize(word), tokenize(" " + word)) for word in words]
    pairs.sort(key=lambda pair: -abs(len(pair[1]) - len(pair[2])))
    return pairs[:top]
