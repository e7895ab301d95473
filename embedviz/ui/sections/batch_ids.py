"""Batches, section 2: ``inputs`` and ``targets``, the two tensors of token ids the loader gives.

One row per sample (window), one column per position; ``targets`` is ``inputs`` shifted by one token,
the next token the model should predict at each position.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
import torch
from pandas.io.formats.style import Styler

from embedviz.ui.batch_html import TINTS
from embedviz.ui.i18n import t
from embedviz.ui.sections.batch_loader import Batch

#: The id grids are coloured by sample up to this many cells.
MAX_STYLED_CELLS = 1024


def ids_frame(ids: torch.Tensor, batch: Batch, offset: int) -> pd.DataFrame | Styler:
    """A tensor of ids as a table: one row per sample, one column per position, cells "id · token",
    each row in its sample's colour (up to MAX_STYLED_CELLS cells: styling is slow, and a bigger grid is
    read by scrolling, not by colour). ``offset`` is 0 for inputs, 1 for targets."""
    rows = ids.tolist()
    cells = [
        [f"{token_id} · {batch.tokens[start + offset + j].display}" for j, token_id in enumerate(row)]
        for row, start in zip(rows, batch.batch_starts, strict=True)
    ]
    frame = pd.DataFrame(cells, columns=[str(j) for j in range(ids.shape[1])])
    frame.index.name = t("batches.ids.sample")
    if ids.numel() > MAX_STYLED_CELLS:
        return frame
    return frame.style.apply(
        lambda row: [f"background-color: {TINTS[row.name % len(TINTS)]}"] * len(row), axis=1
    )


def render(batch: Batch) -> None:
    """Section 2: the two tensors of ids, side by side (stacked on a phone)."""
    st.header(t("batches.ids.title"), anchor="batch-ids")
    st.markdown(t("batches.ids.intro"))
    for column, name, ids, offset in zip(
        st.columns(2), ("inputs", "targets"), (batch.inputs, batch.targets), (0, 1), strict=True
    ):
        column.markdown(f"**`{name}`** · `{tuple(ids.shape)}`")
        column.dataframe(ids_frame(ids, batch, offset), key=f"batch-{name}")
