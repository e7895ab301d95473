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


def test_the_gradient_is_computed_inside_no_grad_too() -> None:
    with torch.no_grad():
        gradient = lookup_gradient(lesson_table(), 0)
    assert gradient[0].tolist() == [1.0, 1.0, 1.0] and not gradient[1:].any()


def test_the_lesson_examples_view_shows_the_product_next_to_the_lookup() -> None:
    from apptest_utils import run_app

    at = run_app(view="seed", toy_index=3)
    assert not at.exception
    assert "The lookup is a matrix product" in [h.value for h in at.subheader]
    weights = lesson_table()
    printed = [c.value for c in at.code if "grad_fn" in c.value or "tensor([[" in c.value]
    assert any(str(weights[3].tolist()[0])[:6] in p and "[1., 1., 1.]" in p for p in printed), printed
    assert any("one_hot(3) = [0, 0, 0, 1, 0, 0]: the product is exactly row 3" in c.value for c in at.caption)
    next(b for b in at.button if b.label == "See it in the view Training & GPT-2").click().run()
    assert at.session_state["view"] == "train"
