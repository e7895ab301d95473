"""View "order": why a model needs position embeddings.

"the dog bites the man" and "the man bites the dog" are made of the same tokens. (In GPT-2 "dog bites
man" is not: a sentence's first word has no leading space, so "dog" and " dog" are different tokens.)
A token embedding depends only on the token id, so both sentences get the same token vectors, merely in
another order; without positions the model's input would be the same bag of vectors. Position
embeddings make the input embeddings differ: the same token at another position gets another input vector.

The view compares two sentences with the page's model settings: token ids, one 3D plot (one PCA fitted on
both sentences' token and input embeddings), and cosine similarities, token by token and for the whole
sentences.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from embedviz.compare import mean_cosine, pair_positions, same_bag, shared_projections
from embedviz.cosine import cosine
from embedviz.embeddings import EmbeddingResult
from embedviz.errors import EmbedvizError
from embedviz.figures.word_order import NAMES, compare_figure
from embedviz.ui import cache
from embedviz.ui.i18n import md_literal, t
from embedviz.ui.plotly_host import plotly_host
from embedviz.ui.sections.tokens import chips_html, colour_of
from embedviz.ui.state import RULES, Settings

MAX_SENTENCE_CHARS = RULES["compare_a"][0]
#: Sentences that do share all their tokens in GPT-2 (each word has a space before it).
EXAMPLE = ("the dog bites the man", "the man bites the dog")


# ---------------------------------------------------------------------------------------------------------
# The comparison table
# ---------------------------------------------------------------------------------------------------------


def cosine_frame(a: EmbeddingResult, b: EmbeddingResult) -> pd.DataFrame:
    """One row per paired token: text, cosine of the token and of the input vectors, both positions, id
    (the cosines first, so that a phone shows them without scrolling sideways)."""
    rows = [
        {
            t("order.col.token"): a.tokens[i].display,
            t("order.col.token_cos"): float(cosine(a.token_vectors[i], b.token_vectors[j])),
            t("order.col.input_cos"): float(cosine(a.input_embeddings[i], b.input_embeddings[j])),
            t("order.col.pos_a"): i,
            t("order.col.pos_b"): j,
            t("order.col.id"): a.token_ids[i],
        }
        for i, j in pair_positions(a.token_ids, b.token_ids)
    ]
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """The two sentences' pipeline results."""

    a: EmbeddingResult
    b: EmbeddingResult


def _use_example() -> None:
    st.session_state["compare_a"], st.session_state["compare_b"] = EXAMPLE


def _results(settings: Settings) -> Pair | None:
    """Both sentences through the page's (cached) pipeline; None after showing what went wrong."""
    results = []
    for name, text in zip(NAMES, (settings.compare_a, settings.compare_b), strict=True):
        if len(text) > MAX_SENTENCE_CHARS:  # the widget caps typing; a link can carry more
            st.warning(t("order.too_long", name=name, length=len(text), max=MAX_SENTENCE_CHARS))
            continue
        try:
            results.append(cache.embedding_of(settings.spec, text))
        except EmbedvizError as error:
            st.error(t("order.error", name=name, error=error))
    if len(results) < 2:
        return None
    if not results[0].n_tokens or not results[1].n_tokens:
        st.info(t("order.empty"))
        return None
    return Pair(*results)


def render_tokens(pair: Pair) -> None:
    """Both sentences as token chips, the same id in the same colour; then whether they share tokens."""
    colours = colour_of(pair.a.tokens + pair.b.tokens)
    for name, result in zip(NAMES, (pair.a, pair.b), strict=True):
        st.markdown(f"**{t(f'order.{name.lower()}')}**")
        st.html(chips_html(result.tokens, colours=colours))
    if pair.a.token_ids == pair.b.token_ids:
        st.info(t("order.same_sentence"))
    elif same_bag(pair.a, pair.b):
        st.success(t("order.same_tokens"))
    else:
        only_a = Counter(pair.a.token_ids) - Counter(pair.b.token_ids)
        only_b = Counter(pair.b.token_ids) - Counter(pair.a.token_ids)
        shown = {token.id: token.display for token in pair.a.tokens + pair.b.tokens}
        st.warning(
            t(
                "order.different_tokens",
                only_a=", ".join(md_literal(shown[i]) for i in only_a),
                only_b=", ".join(md_literal(shown[i]) for i in only_b),
            )
        )
        st.button(t("order.try", a=EXAMPLE[0], b=EXAMPLE[1]), on_click=_use_example)


def _column_config() -> dict[str, st.column_config.NumberColumn]:
    """Cosines with 4 decimals, positions and ids narrow."""
    config = {
        t(f"order.col.{name}"): st.column_config.NumberColumn(format="%.4f")
        for name in ("token_cos", "input_cos")
    }
    for name in ("pos_a", "pos_b", "id"):
        config[t(f"order.col.{name}")] = st.column_config.NumberColumn(width="small")
    return config


def render_comparison(pair: Pair, settings: Settings) -> None:
    """The 3D plot and the cosine table."""
    if settings.positional == "none" and same_bag(pair.a, pair.b):
        st.info(t("order.same_bag", a=md_literal(settings.compare_a), b=md_literal(settings.compare_b)))
    st.subheader(t("order.plot.title"))
    st.markdown(t("order.plot.intro"))
    plotly_host(figure_of(pair), key="order-3d")  # the host fits its camera and text to a phone
    st.subheader(t("order.table.title"))
    st.markdown(t("order.table.intro"))
    frame = cosine_frame(pair.a, pair.b)
    if frame.empty:
        st.info(t("order.no_pairs"))
    else:
        st.dataframe(frame, hide_index=True, key="order-cosines", column_config=_column_config())
    st.metric(t("order.mean"), f"{mean_cosine(pair.a, pair.b):.4f}")
    if same_bag(pair.a, pair.b) and pair.a.token_ids != pair.b.token_ids and settings.positional != "none":
        st.caption(t("order.mean_same"))


def figure_of(pair: Pair) -> go.Figure:
    """The shared 3D figure of the pair, with the legend and hover texts in the page's language."""
    texts = {"pos": t("order.pos")}
    for name in NAMES:
        for kind in ("token", "input", "arrow"):
            texts[f"{kind}.{name}"] = t(f"order.legend.{kind}", name=name)
    return compare_figure(pair.a, pair.b, shared_projections(pair.a, pair.b), texts)


def render(settings: Settings) -> None:
    """The view: two sentences, their tokens, one shared 3D plot, cosines, and relative positions."""
    st.header(t("order.title"), anchor="order")
    st.markdown(
        t(
            "order.intro",
            positional_name=t(f"controls.positional.{settings.positional}"),
            dim=settings.dim,
            seed=settings.seed,
        )
    )
    left, right = st.columns(2)
    left.text_input(t("order.a"), key="compare_a", max_chars=MAX_SENTENCE_CHARS)
    right.text_input(t("order.b"), key="compare_b", max_chars=MAX_SENTENCE_CHARS)
    pair = _results(settings)
    if pair is not None:
        render_tokens(pair)
        render_comparison(pair, settings)
    st.subheader(t("order.relative.title"))
    st.markdown(t("order.relative"))
