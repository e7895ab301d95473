"""Batches, the start: the raw text, the data loader's settings, and the batch the page shows.

The text is the seed's short story or the visitor's own. The loader cuts its tokens into windows of
``max_length`` tokens, ``stride`` tokens apart, and groups ``batch_size`` windows into one batch (in order,
or shuffled with the page's seed); the visitor picks which batch to see. Everything expensive is cached:
the story, the token records (:func:`cache.tokens_of`) and the batch order (:func:`cache.order_of`).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
import torch
from streamlit.delta_generator import DeltaGenerator

from embedviz import windows
from embedviz.dataloader import window_starts
from embedviz.errors import EmbedvizError, TextTooShortForWindowError
from embedviz.tokenizer import MAX_CHARS, Token
from embedviz.ui import cache
from embedviz.ui.error_text import error_text
from embedviz.ui.i18n import t
from embedviz.ui.state import BATCH_SOURCES, RULES, Settings


@dataclass(frozen=True)
class Batch:
    """What the page shows for the current settings: the text and its tokens, every window start, and
    the current batch (its number, its windows' starts, and its ``inputs``/``targets`` tensors)."""

    text: str
    tokens: list[Token]
    starts: range
    n_batches: int
    index: int
    batch_starts: list[int]
    inputs: torch.Tensor
    targets: torch.Tensor

    def shapes(self, dim: int) -> dict[str, tuple[int, ...]]:
        """The shapes of the seed's tensors for this batch with ``dim`` numbers per vector."""
        return windows.embedded_shapes(self.inputs, dim)


def source_text(settings: Settings) -> str | None:
    """Choose the text: the story (with its source) or the user's own; None after saying what is missing."""
    st.segmented_control(
        t("batches.source"),
        BATCH_SOURCES,
        key="batch_source",
        required=True,
        format_func=lambda source: t(f"batches.source.{source}"),
    )
    if settings.batch_source == "verdict":
        st.caption(t("batches.verdict"))
        return cache.verdict()
    st.text_area(
        t("batches.own"), key="batch_text", height=140, help=t("batches.own_help", max_chars=MAX_CHARS)
    )
    text = settings.batch_text
    if not text.strip():
        st.info(t("batches.own_empty"))
        return None
    if len(text) > MAX_CHARS:
        st.error(t("batches.too_long", chars=len(text), max_chars=MAX_CHARS))
        return None
    return text


def window_controls() -> DeltaGenerator:
    """Batch size, max length, stride and shuffle; returns the column left for the batch number."""
    size, length, stride, shuffle, batch = st.columns(5, vertical_alignment="bottom")
    size.number_input(
        t("batches.batch_size"),
        *RULES["batch_size"],
        step=1,
        key="batch_size",
        help=t("batches.batch_size_help"),
    )
    length.number_input(
        t("batches.max_length"),
        *RULES["max_length"],
        step=1,
        key="max_length",
        help=t("batches.max_length_help"),
    )
    stride.number_input(
        t("batches.stride"), *RULES["stride"], step=1, key="stride", help=t("batches.stride_help")
    )
    shuffle.toggle(t("batches.shuffle"), key="shuffle", help=t("batches.shuffle_help"))
    return batch


def batch_picker(column: DeltaGenerator, n_batches: int) -> int:
    """The batch number, clamped to the batches there are (a shorter text or a bigger batch has fewer)."""
    last = n_batches - 1
    if st.session_state.get("batch", 0) > last:
        st.session_state["batch"] = last
    return int(
        column.number_input(
            t("batches.batch"), 0, last, step=1, key="batch", help=t("batches.batch_help", last=last)
        )
    )


def make_batch(text: str, settings: Settings, batch_column: DeltaGenerator) -> Batch | None:
    """Tokenize, slide the windows, pick the batch; None after explaining why there is no batch."""
    try:
        tokens = cache.tokens_of(text, settings.encoding)
    except EmbedvizError as error:
        st.error(error_text(error))
        return None
    try:
        starts = window_starts(len(tokens), settings.max_length, settings.stride)
    except TextTooShortForWindowError as short:  # the loader refuses it: say so with its numbers
        st.info(t("batches.too_short", tokens=short.n_tokens, needed=short.max_length + 1))
        return None
    order = cache.order_of(len(starts), settings.batch_size, settings.shuffle, settings.seed)
    if not order:
        st.info(t("batches.too_few_windows", windows=len(starts), batch_size=settings.batch_size))
        return None
    index = batch_picker(batch_column, len(order))
    batch_starts = [starts[w] for w in order[index]]
    ids = [token.id for token in tokens]
    inputs, targets = windows.batch_tensors(ids, batch_starts, settings.max_length)
    return Batch(text, tokens, starts, len(order), index, batch_starts, inputs, targets)


def describe_batch(batch: Batch, settings: Settings) -> None:
    """Tokens -> windows -> batches, and which windows this batch holds."""
    dropped = len(batch.starts) - batch.n_batches * settings.batch_size
    counts = t(
        "batches.counts",
        tokens=len(batch.tokens),
        windows=len(batch.starts),
        stride=settings.stride,
        batches=batch.n_batches,
        batch_size=settings.batch_size,
    )
    st.markdown(f"**{counts}**" + (t("batches.dropped", dropped=dropped) if dropped else "."))
    numbers = [start // settings.stride for start in batch.batch_starts]
    if settings.shuffle:
        shown = ", ".join(str(w) for w in numbers[:16]) + (", …" if len(numbers) > 16 else "")
        st.caption(t("batches.shuffled", seed=settings.seed, batch=batch.index, windows=shown))
    else:
        st.caption(t("batches.in_order", batch=batch.index, first=numbers[0], last=numbers[-1]))


def render(settings: Settings) -> Batch | None:
    """The view's title, the text, the loader's controls and the batch they give (None after saying
    why there is none)."""
    st.header(t("batches.title"), anchor="batches")
    st.markdown(t("batches.intro"))
    text = source_text(settings)
    batch_column = window_controls()
    if text is None:
        return None
    batch = make_batch(text, settings, batch_column)
    if batch is not None:
        describe_batch(batch, settings)
    return batch
