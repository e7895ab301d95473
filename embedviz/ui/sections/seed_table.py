"""Seed view, examples 1 and 2: the seed's 6 x 3 table and the lookup of one token's row.

``torch.manual_seed(123); torch.nn.Embedding(6, 3)`` makes a 6-token, 3-dimension table whose weights are
the numbers the seed document prints (0.3374, -0.1778, ... -1.4096), to 4 decimals; looking up token 3
returns row 3, ``[-0.4015, 0.9666, -1.1481]``. The printed outputs are the real ``print()`` of torch
objects, not strings typed in here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st
import torch

from embedviz.embeddings import TokenTable
from embedviz.figures.vectors import heatmap
from embedviz.ui import cache
from embedviz.ui.i18n import localized, separators, t
from embedviz.ui.state import Settings

TOY_VOCAB, TOY_DIM, TOY_SEED = 6, 3, 123
HIGHLIGHT = "background-color: #fde68a; font-weight: 600"

TABLE_CODE = f"""import torch

# Set a random seed for reproducibility
torch.manual_seed({TOY_SEED})

# Create an embedding layer with {TOY_VOCAB} tokens and {TOY_DIM} dimensions
embedding_layer = torch.nn.Embedding({TOY_VOCAB}, {TOY_DIM})

# Display the initial weights (embeddings)
print(embedding_layer.weight)"""

LOOKUP_CODE = """# Retrieve the embedding for the token at index {index}
token_index = torch.tensor([{index}])
print(embedding_layer(token_index))"""


def as_parameter(table: TokenTable) -> torch.nn.Parameter:
    """A trainable copy of the weights, so that ``print`` shows what the seed's code prints
    (``Parameter containing: ... requires_grad=True``). The shared table itself stays frozen."""
    return torch.nn.Parameter(table.layer.weight.detach().clone())


def printed_weights(table: TokenTable) -> str:
    """Exactly what ``print(embedding_layer.weight)`` prints."""
    return str(as_parameter(table))


def printed_lookup(table: TokenTable, index: int) -> str:
    """Exactly what ``print(embedding_layer(torch.tensor([index])))`` prints."""
    return str(torch.nn.functional.embedding(torch.tensor([index]), as_parameter(table)))


def bracketed(values: list[float], decimals: int = 4) -> str:
    """``[-0.4015, 0.9666, -1.1481]``: a vector the way the seed writes it in its text."""
    return "[" + ", ".join(f"{v:.{decimals}f}" for v in values) + "]"


def table_frame(weights: np.ndarray) -> pd.DataFrame:
    """The table as rows (token ids 0-5) and columns 0 (x), 1 (y), 2 (z), rounded to 4 decimals."""
    columns = [f"{i} ({axis})" for i, axis in enumerate("xyz"[: weights.shape[1]])]
    frame = pd.DataFrame(np.round(weights.astype(np.float64), 4), columns=columns)
    frame.index.name = t("toy.col.token")
    return frame


def _highlight(frame: pd.DataFrame, row: int) -> pd.io.formats.style.Styler:
    """The table with the looked-up row highlighted, numbers with 4 decimals."""
    return frame.style.format(precision=4, decimal=separators()[0]).apply(
        lambda r: [HIGHLIGHT if r.name == row else "" for _ in r], axis=1
    )


def render_table(table: TokenTable, index: int) -> None:
    """Example 1 and 2: the code, what it prints, the table and its heatmap, and the lookup."""
    st.subheader(t("toy.table.title"))
    code, output = st.columns(2)
    code.caption(t("toy.code"))
    code.code(TABLE_CODE, language="python")
    output.caption(t("toy.output"))
    output.code(printed_weights(table), language=None, wrap_lines=True)
    weights = table.layer.weight.detach().numpy()
    frame = table_frame(weights)
    st.subheader(t("toy.lookup.title"))
    st.markdown(t("toy.lookup.intro"))
    st.segmented_control(t("toy.lookup.pick"), list(range(TOY_VOCAB)), key="toy_index", required=True)
    code, output = st.columns(2)
    code.code(LOOKUP_CODE.format(index=index), language="python")
    output.code(printed_lookup(table, index), language=None, wrap_lines=True)
    st.success(t("toy.lookup.result", index=index, vector=bracketed(weights[index].tolist())))
    left, right = st.columns([2, 3])
    left.dataframe(_highlight(frame, index), key="toy-table")
    left.caption(t("toy.table.caption"))
    right.caption(t("toy.heatmap.title"))  # above the chart: a title inside it hides under the toolbar
    figure = heatmap(
        weights,
        [str(i) for i in range(TOY_VOCAB)],
        height=300,
        highlight_row=index,
        show_values=True,
        x_title=t("vectors.dimension"),
        hover=f"%{{y}}<br>{t('vectors.dim')} %{{x}}: %{{z:.4f}}",
    )
    right.plotly_chart(
        localized(figure),
        key="toy-heatmap",
        config={"displayModeBar": False},  # six rows: nothing to zoom, and the bar would cover row 0
    )


def render(settings: Settings) -> None:
    """The view's title and introduction, then the seed's table and its lookup."""
    st.header(t("toy.title"), anchor="seed")
    st.markdown(t("toy.intro"))
    render_table(
        cache.toy_table(TOY_VOCAB, TOY_DIM, TOY_SEED), min(max(settings.toy_index, 0), TOY_VOCAB - 1)
    )
