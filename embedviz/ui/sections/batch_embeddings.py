"""Batches, section 3: token embeddings. The token table turns the ``(batch, max_length)`` ids into
``(batch, max_length, dim)`` vectors, one row of the table per id: a picture of the tensor and the shapes.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from embedviz.errors import EmbedvizError
from embedviz.figures import batches as batch_figures
from embedviz.figures.batches import Stack
from embedviz.figures.style import COLORS
from embedviz.tokenizer import get_encoding
from embedviz.ui import cache
from embedviz.ui.error_text import error_text
from embedviz.ui.i18n import localized, t
from embedviz.ui.sections.batch_loader import Batch
from embedviz.ui.state import Settings


def tables_ready(settings: Settings) -> bool:
    """True if the page's tables can embed the batch; else False after saying why (a window longer than
    the learned position table, or settings embedviz refuses). No setting is refused for want of memory:
    the page reads only the batch's rows (:func:`embedviz.ui.cache.page_tables`)."""
    if settings.positional == "learned" and settings.max_length > settings.context_length:
        st.error(
            t(
                "batches.no_positions",
                max_length=settings.max_length,
                context_length=settings.context_length,
                last=settings.max_length - 1,
            )
        )
        return False
    try:
        cache.page_tables(settings.spec)
    except EmbedvizError as error:
        st.error(error_text(error))
        return False
    return True


def shapes_text(shapes: dict[str, tuple[int, ...]]) -> str:
    """The shapes, right-aligned so that the trailing dimensions line up as broadcasting lines them up."""
    width = max(len(str(shape)) for shape in shapes.values())
    return "\n".join(f"{name:<17} {shape!s:>{width}}" for name, shape in shapes.items())


def picture_texts() -> dict[str, str]:
    """The axis texts of the tensor pictures, in the page's language."""
    return {key: t(f"batches.picture.{key}") for key in ("batch", "copies", "positions", "dim")}


def draw_stack(container: DeltaGenerator, stack: Stack, key: str) -> None:
    """One tensor picture (static: nothing to zoom or hover)."""
    container.plotly_chart(
        localized(batch_figures.stack_figure(stack, picture_texts())),
        key=key,
        config={"displaylogo": False, "staticPlot": True},
    )


def render(batch: Batch, settings: Settings) -> None:
    """Section 3: (batch, max_length) ids -> (batch, max_length, dim) vectors: a picture and the shapes."""
    st.header(t("batches.embed.title"), anchor="batch-embeddings")
    n_vocab = get_encoding(settings.encoding).n_vocab
    st.markdown(t("batches.embed.intro", n_vocab=n_vocab, dim=settings.dim, seed=settings.seed))
    first_sample = [batch.tokens[batch.batch_starts[0] + j].display for j in range(settings.max_length)]
    shapes = batch.shapes(settings.dim)
    shape = shapes["token_embeddings"]
    picture, numbers = st.columns([3, 2], vertical_alignment="center")
    draw_stack(
        picture, Stack(f"token_embeddings {shape}", shape, COLORS["token"], first_sample), "batch-tensor"
    )
    picture.caption(t("batches.picture.caption", dim=settings.dim))
    numbers.markdown(f"**{t('batches.shapes')}**")
    numbers.code(shapes_text(shapes), language=None)
