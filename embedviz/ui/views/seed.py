"""View "seed": the seed document's own examples, computed live, with exactly its printed numbers.

Three examples, in the document's order:

1. ``torch.manual_seed(123); torch.nn.Embedding(6, 3)``: a 6-token, 3-dimension table. Its weights are
   the numbers the document prints (0.3374, -0.1778, ... -1.4096), to 4 decimals.
2. Looking up token 3 returns row 3: ``[-0.4015, 0.9666, -1.1481]``.
3. The addition ``[0.5, -0.2, 0.1] + [0.1, 0.3, -0.1] = [0.6, 0.1, 0.0]``, with editable numbers.

The printed outputs are the real ``print()`` of torch objects, not strings typed in here.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd
import streamlit as st
import torch

from embedviz.embeddings import TokenTable
from embedviz.explain import worked_sum
from embedviz.figures.vectors import heatmap
from embedviz.ui import cache
from embedviz.ui.i18n import t
from embedviz.ui.state import RULES, Settings

TOY_VOCAB, TOY_DIM, TOY_SEED = 6, 3, 123
MAX_ADD_NUMBERS = 16
MAX_ADD_CHARS = RULES["add_a"][0]
#: Numbers the addition accepts: big enough for any example, small enough to print.
MAX_ADD_MAGNITUDE = 1_000_000
MAX_ADD_DECIMALS = 6
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


# ---------------------------------------------------------------------------------------------------------
# The addition: parsing what a teacher types
# ---------------------------------------------------------------------------------------------------------


class VectorProblem(Exception):
    """Why a typed vector cannot be used: a UI string key and the values for its placeholders."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

    def message(self) -> str:
        return t(self.key, **self.values)


def _decimals(number: str) -> int:
    """Decimal places as typed: ``0.5`` -> 1, ``-0.25`` -> 2, ``3`` -> 0, ``1e-3`` -> 3 (at most 6)."""
    try:
        exponent = Decimal(number).as_tuple().exponent
    except InvalidOperation:
        return 0
    return min(-exponent, MAX_ADD_DECIMALS) if isinstance(exponent, int) and exponent < 0 else 0


def _parse_number(part: str, position: int) -> float:
    try:
        value = float(part)
    except ValueError:
        raise VectorProblem("toy.add.not_number", position=position) from None
    if not math.isfinite(value):
        raise VectorProblem("toy.add.not_finite", position=position)
    if abs(value) > MAX_ADD_MAGNITUDE:
        raise VectorProblem("toy.add.too_big", position=position, limit=MAX_ADD_MAGNITUDE)
    return value


def parse_vector(text: str) -> tuple[list[float], int]:
    """``"0.5, -0.2, 0.1"`` -> ``([0.5, -0.2, 0.1], 1)``: the numbers and the most decimals typed.

    Accepts surrounding brackets (``[0.5, -0.2, 0.1]``, pasted from the seed) and, for German habits,
    decimal commas when the numbers are separated by semicolons (``0,5; -0,2; 0,1``). Raises
    :class:`VectorProblem` for anything else: empty, too long, not a number, NaN/infinity, too many.
    """
    if len(text) > MAX_ADD_CHARS:
        raise VectorProblem("toy.add.too_long", length=len(text), max=MAX_ADD_CHARS)
    body = text.strip().removeprefix("[").removesuffix("]").strip()
    if not body:
        raise VectorProblem("toy.add.empty")
    parts = [p.strip().replace(",", ".") for p in body.split(";")] if ";" in body else body.split(",")
    if len(parts) > MAX_ADD_NUMBERS:
        raise VectorProblem("toy.add.count", count=len(parts), max=MAX_ADD_NUMBERS)
    parts = [part.strip() for part in parts]
    values = [_parse_number(part, position) for position, part in enumerate(parts, start=1)]
    return values, max(_decimals(part) for part in parts)


def addition_text(token_text: str, position_text: str) -> str:
    """The seed's worked addition for two typed vectors; raises :class:`VectorProblem`."""
    parsed = []
    for which, text in (("a", token_text), ("b", position_text)):
        try:
            parsed.append(parse_vector(text))
        except VectorProblem as problem:
            problem.values["which"] = t(f"toy.add.which.{which}")
            raise
    (a, decimals_a), (b, decimals_b) = parsed
    if len(a) != len(b):
        raise VectorProblem("toy.add.mismatch", a=len(a), b=len(b))
    text, _ = worked_sum(a, b, decimals=max(decimals_a, decimals_b))
    return f"{t('toy.add.combined')}\n= {text}"


# ---------------------------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------------------------


def _highlight(frame: pd.DataFrame, row: int) -> pd.io.formats.style.Styler:
    """The table with the looked-up row highlighted, numbers with 4 decimals."""
    return frame.style.format("{:.4f}").apply(
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
    right.plotly_chart(
        heatmap(
            weights,
            [str(i) for i in range(TOY_VOCAB)],
            height=300,
            highlight_row=index,
            show_values=True,
            x_title=t("vectors.dimension"),
        ),
        key="toy-heatmap",
        config={"displayModeBar": False},  # six rows: nothing to zoom, and the bar would cover row 0
    )


def render_addition(settings: Settings) -> None:
    """Example 3: token embedding + position embedding, written out as the seed writes it."""
    st.subheader(t("toy.add.title"))
    st.markdown(t("toy.add.intro", max=MAX_ADD_NUMBERS))
    left, right = st.columns(2)
    left.text_input(t("toy.add.a"), key="add_a", max_chars=MAX_ADD_CHARS, help=t("toy.add.help"))
    right.text_input(t("toy.add.b"), key="add_b", max_chars=MAX_ADD_CHARS, help=t("toy.add.help"))
    try:
        st.code(addition_text(settings.add_a, settings.add_b), language=None, wrap_lines=True)
    except VectorProblem as problem:
        st.warning(problem.message(), icon="⚠️")


def _open_batches() -> None:
    st.session_state["view"] = "batches"


def render(settings: Settings) -> None:
    """The view: the seed's table, its lookup, its addition, and a pointer to its batch scenario."""
    st.header(t("toy.title"), anchor="seed")
    st.markdown(t("toy.intro"))
    render_table(
        cache.toy_table(TOY_VOCAB, TOY_DIM, TOY_SEED), min(max(settings.toy_index, 0), TOY_VOCAB - 1)
    )
    render_addition(settings)
    st.divider()
    text, button = st.columns([3, 1], vertical_alignment="center")
    text.markdown(t("toy.batches"))
    button.button(t("toy.batches.open"), on_click=_open_batches)
