"""The lesson's lookup as a matrix product: ``one_hot(i) @ W`` is row ``i`` of the table.

An embedding layer is a lookup table (the lesson's word), and the same lookup is an ordinary matrix
product: a one-hot row vector with a 1 at position ``i`` times the ``(n_vocab, dim)`` weight matrix
multiplies every other row by 0 and keeps row ``i``. So the table is an ordinary weight matrix of the
model: ``torch.nn.Embedding`` fills it with random numbers from N(0, 1) (GPT-2's token table started
from a normal distribution with standard deviation 0.02, the lesson's „kleinen zufälligen Werten“), and
training changes it like any other weight. Because only row ``i`` took part in the product, only row
``i`` gets a gradient: the section computes ``weight.grad`` after one lookup and shows it, all zeros
except that row. In a training run only the rows of tokens that occur in the text change (the Training
view shows it).
"""

from __future__ import annotations

import streamlit as st
import torch

from embedviz.ui import cache
from embedviz.ui.i18n import t
from embedviz.ui.sections.seed_table import TOY_DIM, TOY_SEED, TOY_VOCAB
from embedviz.ui.state import Settings

ONE_HOT_CODE = """# The same lookup as a matrix product
one_hot = torch.nn.functional.one_hot(torch.tensor({index}), num_classes={n_vocab}).float()
print(one_hot @ embedding_layer.weight)

# Only the looked-up row gets a gradient
embedding_layer(torch.tensor([{index}])).sum().backward()
print(embedding_layer.weight.grad)"""


def one_hot_product(weights: torch.Tensor, index: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``(one_hot(index), one_hot(index) @ weights)`` in float32, as the code above computes them."""
    one_hot = torch.nn.functional.one_hot(torch.tensor(index), num_classes=weights.shape[0]).float()
    return one_hot, one_hot @ weights


def lookup_gradient(weights: torch.Tensor, index: int) -> torch.Tensor:
    """``weight.grad`` after ``layer(torch.tensor([index])).sum().backward()`` on a copy of the table."""
    with torch.enable_grad():  # also inside a caller's torch.no_grad()
        layer = torch.nn.Embedding.from_pretrained(weights.detach().clone(), freeze=False)
        layer(torch.tensor([index])).sum().backward()
    return layer.weight.grad


def _open_training() -> None:
    st.session_state["view"] = "train"


def render(settings: Settings) -> None:
    """After the lookup: the one-hot product with its printed result, and the lookup's gradient, for the
    token id picked there."""
    table = cache.toy_table(TOY_VOCAB, TOY_DIM, TOY_SEED)
    index = min(max(settings.toy_index, 0), TOY_VOCAB - 1)
    weights = table.layer.weight.detach()
    one_hot, product = one_hot_product(weights, index)
    st.subheader(t("onehot.title"))
    st.markdown(t("onehot.intro", index=index, n_vocab=weights.shape[0], dim=weights.shape[1]))
    code, output = st.columns(2)
    code.code(ONE_HOT_CODE.format(index=index, n_vocab=weights.shape[0]), language="python")
    output.code(f"{product}\n\n{lookup_gradient(weights, index)}", language=None, wrap_lines=True)
    same = torch.equal(product, weights[index])
    st.caption(t("onehot.same" if same else "onehot.close", index=index, one_hot=one_hot.int().tolist()))
    st.markdown(t("onehot.weights", index=index))
    st.button(t("onehot.open_train"), on_click=_open_training, icon=":material/model_training:")
