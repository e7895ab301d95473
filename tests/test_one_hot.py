"""The lesson's lookup as a matrix product, against plain torch: one_hot(3) @ W is row 3 of the lesson's
6 x 3 table (seed 123), and one lookup gives a gradient in that row only."""

from __future__ import annotations

import torch

from embedviz.ui.sections.one_hot import lookup_gradient, one_hot_product

#: The lesson prints row 3 of torch.manual_seed(123); torch.nn.Embedding(6, 3): [-0.4015, 0.9666, -1.1481].
LESSON_ROW_3 = [-0.4015, 0.9666, -1.1481]


def lesson_table() -> torch.Tensor:
    torch.manual_seed(123)
    return torch.nn.Embedding(6, 3).weight.detach()


def test_one_hot_times_the_table_is_the_looked_up_row() -> None:
    weights = lesson_table()
    one_hot, product = one_hot_product(weights, 3)
    assert one_hot.tolist() == [0, 0, 0, 1, 0, 0]
    assert torch.equal(product, weights[3])
    assert [round(v, 4) for v in product.tolist()] == LESSON_ROW_3


def test_only_the_looked_up_row_gets_a_gradient() -> None:
    weights = lesson_table()
    gradient = lookup_gradient(weights, 3)
    expected = torch.zeros(6, 3)
    expected[3] = 1.0  # d(sum of row 3)/d(row 3) is 1 in every column
    assert torch.equal(gradient, expected)
    assert torch.equal(weights, lesson_table())  # the shared table itself is not touched
