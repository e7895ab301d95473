"""The comparison of two sentences (embedviz/compare.py)."""

from __future__ import annotations

from embedviz.compare import pair_positions


def test_pair_positions_repeats_in_order() -> None:
    assert pair_positions([1, 2, 1, 3], [1, 1, 2, 4]) == [(0, 0), (1, 2), (2, 1)]
