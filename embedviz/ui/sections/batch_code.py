"""Batches, section 5: the seed's code with the page's values (written by :func:`embedviz.codegen.seed_code`),
which prints the shapes the page shows and, run from the repository's folder, gives the same batch."""

from __future__ import annotations

import streamlit as st

from embedviz.codegen import BatchRecipe, seed_code
from embedviz.ui.i18n import t
from embedviz.ui.sections.batch_loader import Batch
from embedviz.ui.state import Settings


def recipe_of(settings: Settings) -> BatchRecipe:
    """The page's settings, as the code generator needs them."""
    return BatchRecipe(
        settings.spec,
        batch_size=settings.batch_size,
        max_length=settings.max_length,
        stride=settings.stride,
        shuffle=settings.shuffle,
        own_text=settings.batch_source != "verdict",
    )


def render(batch: Batch, settings: Settings) -> None:
    """Section 5: the seed's code with the current values."""
    st.header(t("batches.code.title"), anchor="batch-code")
    st.markdown(t("batches.code.intro"))
    comments = {key: t(f"batches.code.{key}") for key in ("own_file", "pos_order")}
    code = seed_code(recipe_of(settings), batch.index, batch.shapes(settings.dim), comments)
    st.code(code, language="python")
