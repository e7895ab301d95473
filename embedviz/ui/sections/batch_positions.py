"""Batches, section 4: position embeddings and broadcasting. One ``(max_length, dim)`` block of position
vectors is added to every sample of the ``(batch, max_length, dim)`` token embeddings; below, the real
numbers of sample 0, read as the pipeline view reads them (whole tables or only the rows needed).
"""

from __future__ import annotations

import streamlit as st

from embedviz.embeddings import first_positions, token_rows_of
from embedviz.figures.batches import Stack
from embedviz.figures.style import COLORS
from embedviz.ui import cache
from embedviz.ui.i18n import t
from embedviz.ui.sections.batch_embeddings import draw_stack
from embedviz.ui.sections.batch_loader import Batch
from embedviz.ui.sections.vectors import FIRST_DIMS, numbers_table
from embedviz.ui.state import Settings
from embedviz.ui.tables import decimal_columns


def render_numbers(batch: Batch, settings: Settings) -> None:
    """The real numbers of sample 0, ``tok(inputs[0]) + pos(arange(max_length))``: the rows of the
    page's tables (:func:`embedviz.ui.cache.page_tables`), the main view's numbers."""
    tables = cache.page_tables(settings.spec)
    values = token_rows_of(tables, batch.inputs[0]) + first_positions(
        tables, settings.spec, settings.max_length
    )
    labels = [f"{j}: {batch.tokens[batch.batch_starts[0] + j].display}" for j in range(settings.max_length)]
    with st.expander(t("batches.numbers")):
        st.caption(t("batches.numbers_caption", shown=min(FIRST_DIMS, settings.dim), dim=settings.dim))
        frame, config = decimal_columns(numbers_table(values.numpy(), labels, all_dims=False))
        st.dataframe(frame, hide_index=True, key="batch-numbers", column_config=config)


def render(batch: Batch, settings: Settings) -> None:
    """Section 4: the (max_length, dim) position block added to every sample of the batch."""
    st.header(t("batches.pos.title"), anchor="batch-positions")
    st.markdown(
        t(
            "batches.pos.intro",
            max_length=settings.max_length,
            dim=settings.dim,
            batch_size=settings.batch_size,
        )
    )
    last = settings.max_length - 1
    st.caption(t(f"batches.pos.{settings.positional}", last=last, context_length=settings.context_length))
    shapes = batch.shapes(settings.dim)
    positions = [f"p{j}" for j in range(settings.max_length)]
    stacks = [
        Stack("token_embeddings", shapes["token_embeddings"], COLORS["token"]),
        Stack(
            "pos_embeddings", shapes["pos_embeddings"], COLORS["position"], positions, settings.batch_size - 1
        ),
        Stack("input_embeddings", shapes["input_embeddings"], COLORS["input"]),
    ]
    columns = st.columns([6, 1, 6, 1, 6], vertical_alignment="center")
    for i, stack in enumerate(stacks):
        draw_stack(columns[2 * i], stack, f"batch-{stack.name}")
    for column, operator in zip(columns[1::2], ("+", "="), strict=True):
        column.markdown(
            f"<div style='font-size:3rem;text-align:center'>{operator}</div>", unsafe_allow_html=True
        )
    render_numbers(batch, settings)
