"""The pure helpers behind the batches view (embedviz/windows.py), against brute force and torch."""

from __future__ import annotations

import pytest
import torch

from embedviz import windows
from embedviz.dataloader import window_starts


@pytest.mark.parametrize(("max_length", "stride"), [(4, 4), (4, 2), (4, 6), (1, 3), (5, 1)])
def test_in_some_window_matches_brute_force(max_length: int, stride: int) -> None:
    starts = window_starts(40, max_length, stride)
    covered = {i for s in starts for i in range(s, s + max_length)}
    assert [windows.in_some_window(i, starts, max_length) for i in range(42)] == [
        i in covered for i in range(42)
    ]


def test_excerpt_segments_merge_neighbours_and_respect_the_limit() -> None:
    segments, cut = windows.excerpt_segments([0, 4, 8], 4, 100, context=2)
    assert segments == [range(0, 14)] and not cut
    segments, cut = windows.excerpt_segments([50, 10], 4, 100, context=2)
    assert segments == [range(8, 16), range(48, 56)] and not cut
    segments, cut = windows.excerpt_segments([0, 50], 4, 100, context=2, limit=10)
    assert sum(map(len, segments)) == 10 and cut


def test_embedded_shapes_follow_torch() -> None:
    inputs = torch.zeros(8, 4, dtype=torch.long)
    shapes = windows.embedded_shapes(inputs, 256)
    table = torch.nn.Embedding(10, 256)
    real = table(inputs) + torch.zeros(4, 256)
    assert shapes["token_embeddings"] == shapes["input_embeddings"] == tuple(real.shape) == (8, 4, 256)
    assert shapes["pos_embeddings"] == (4, 256)
