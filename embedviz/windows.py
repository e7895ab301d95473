"""Batches, seen from the inside: where each window of the seed's data loader sits in the text.

The seed's data loader (:mod:`embedviz.dataloader`, whose ``window_starts`` and ``window`` this module
uses, so the page's windows are the loader's) encodes a whole text and cuts it into *windows*::

    token ids:   t0 t1 t2 t3 t4 t5 t6 t7 t8 t9 ...
    max_length=4, stride=4:
    window 0:    t0 t1 t2 t3                      inputs
                    t1 t2 t3 t4                   targets: the same window, one token to the right
    window 1:                t4 t5 t6 t7

A window starts every ``stride`` tokens. With ``stride < max_length`` neighbouring windows overlap (the
same token is in several samples); with ``stride > max_length`` the tokens between them are skipped and
never become an input. ``batch_size`` windows, stacked, make one batch: a tensor of shape
``(batch_size, max_length)``. The embedding layer turns every id into ``dim`` numbers, so a batch becomes
``(batch_size, max_length, dim)`` -- the seed's ``(8, 4, 256)``.

This module answers the questions the page asks about that process -- which windows make batch ``k``,
which tokens of the text they cover, what PyTorch makes of their shapes. It imports no Streamlit; the
pictures of the windows and tensors are in :mod:`embedviz.figures.batches`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import torch
from torch.utils.data import DataLoader

from embedviz.dataloader import window

Case = Literal["overlap", "touch", "gap"]

# ------------------------------------------------------------------------------------------------------
# Windows and batches
# ------------------------------------------------------------------------------------------------------


def batch_order(n_windows: int, batch_size: int, shuffle: bool, seed: int) -> list[list[int]]:
    """The window numbers of every batch, in the order a ``DataLoader`` over the windows yields them.

    This *is* a ``DataLoader`` (``drop_last=True``, like ``create_dataloader_v1``), only over the window
    numbers instead of the windows: the order depends on nothing but the number of windows, the batch size
    and the random generator, so it is the same. With ``shuffle`` the generator is
    ``torch.Generator().manual_seed(seed)``: the same seed, the same batches. A generator is passed even
    without shuffling, so that asking for the order never draws from torch's global random state.
    """
    loader = DataLoader(
        range(n_windows),
        batch_size=batch_size,
        shuffle=shuffle,
        drop_last=True,
        generator=torch.Generator().manual_seed(seed),
        collate_fn=list,
    )
    return list(loader)


def batch_tensors(
    token_ids: Sequence[int], starts: Sequence[int], max_length: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """``inputs`` and ``targets`` of shape ``(len(starts), max_length)``: each row one window of the
    seed's dataset (:func:`embedviz.dataloader.window`), the targets shifted one token to the right."""
    pairs = [window(token_ids, start, max_length) for start in starts]
    inputs = torch.tensor([inputs for inputs, _ in pairs], dtype=torch.long)
    targets = torch.tensor([targets for _, targets in pairs], dtype=torch.long)
    return inputs.reshape(len(starts), max_length), targets.reshape(len(starts), max_length)


def window_case(max_length: int, stride: int) -> tuple[Case, int]:
    """How neighbouring windows meet, and by how many tokens: ``("overlap", 2)`` for max_length 4,
    stride 2 (they share 2 tokens); ``("gap", 2)`` for stride 6 (2 tokens skipped); ``("touch", 0)``."""
    if stride < max_length:
        return "overlap", max_length - stride
    if stride > max_length:
        return "gap", stride - max_length
    return "touch", 0


def windows_per_token(max_length: int, stride: int) -> int:
    """The most windows one token can be in: ``ceil(max_length / stride)`` (1 unless they overlap)."""
    return math.ceil(max_length / stride)


def in_some_window(index: int, starts: range, max_length: int) -> bool:
    """True if token ``index`` is an input of at least one window of the whole data set (not skipped).

    Only the last window starting at or before ``index`` needs checking: earlier ones end earlier.
    """
    if not starts or index < 0:
        return False
    last = starts[min(index // starts.step, len(starts) - 1)]
    return last <= index < last + max_length


def rows_of_tokens(starts: Sequence[int], max_length: int) -> dict[int, list[int]]:
    """For every token index in the given windows, the rows (samples) of the batch that contain it."""
    rows: dict[int, list[int]] = {}
    for row, start in enumerate(starts):
        for index in range(start, start + max_length):
            rows.setdefault(index, []).append(row)
    return rows


def excerpt_segments(
    starts: Sequence[int], max_length: int, n_tokens: int, *, context: int = 6, limit: int = 800
) -> tuple[list[range], bool]:
    """The token ranges of the text to show around a batch's windows, and whether ``limit`` cut them.

    Each window gets ``context`` tokens on either side; ranges that touch are merged, so consecutive
    windows make one excerpt and shuffled ones make several. At most ``limit`` tokens in all.
    """
    spans = sorted((max(0, s - context), min(n_tokens, s + max_length + context)) for s in starts)
    merged: list[list[int]] = []
    for low, high in spans:
        if merged and low <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    segments, left = [], limit
    for low, high in merged:
        if left <= 0:
            return segments, True
        segments.append(range(low, min(high, low + left)))
        left -= len(segments[-1])
    return segments, sum(high - low for low, high in merged) > limit


def embedded_shapes(inputs: torch.Tensor, dim: int) -> dict[str, tuple[int, ...]]:
    """The shapes of the seed's tensors for this batch, computed by PyTorch itself on the ``meta``
    device: the same embedding lookup and addition, on shapes only, with no numbers and no memory
    (a 64 x 256 x 2048 batch would otherwise need 134 MB just to print its shape)."""
    max_length = inputs.shape[1]
    token_embeddings = torch.nn.functional.embedding(inputs.to("meta"), torch.empty(1, dim, device="meta"))
    pos_embeddings = torch.empty(max_length, dim, device="meta")
    return {
        "inputs": tuple(inputs.shape),
        "targets": tuple(inputs.shape),
        "token_embeddings": tuple(token_embeddings.shape),
        "pos_embeddings": tuple(pos_embeddings.shape),
        "input_embeddings": tuple((token_embeddings + pos_embeddings).shape),
    }
