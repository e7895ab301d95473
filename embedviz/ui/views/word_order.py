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
import torch
from torch.nn.functional import cosine_similarity

from embedviz.embeddings import EmbeddingResult
from embedviz.errors import EmbedvizError
from embedviz.figures.space import MAX_LABELLED_TOKENS, points_trace, scene_figure, segments_trace
from embedviz.figures.style import SENTENCE_COLOURS, plain
from embedviz.projection import Projection, fit_pca, project
from embedviz.ui import cache
from embedviz.ui.i18n import md_literal, t
from embedviz.ui.sections.tokens import chips_html, colour_of
from embedviz.ui.state import RULES, Settings

NAMES = ("A", "B")
MAX_SENTENCE_CHARS = RULES["compare_a"][0]
#: Token embeddings are diamonds (B's open, so a shared token shows both), input embeddings circles;
#: one colour per sentence (figures.style.SENTENCE_COLOURS).
TOKEN_SYMBOLS = {"A": "diamond", "B": "diamond-open"}
#: Sentences that do share all their tokens in GPT-2 (each word has a space before it).
EXAMPLE = ("the dog bites the man", "the man bites the dog")


# ---------------------------------------------------------------------------------------------------------
# The comparison (pure functions of two results)
# ---------------------------------------------------------------------------------------------------------


def pair_positions(ids_a: list[int], ids_b: list[int]) -> list[tuple[int, int]]:
    """Pair each token of A with the same token id in B: ``(position in A, position in B)``.

    A repeated token is paired in order of appearance (A's first "the" with B's first "the"). Tokens
    without a counterpart are left out.
    """
    free: dict[int, list[int]] = {}
    for j, token_id in enumerate(ids_b):
        free.setdefault(token_id, []).append(j)
    return [(i, free[token_id].pop(0)) for i, token_id in enumerate(ids_a) if free.get(token_id)]


def cosine(a: torch.Tensor, b: torch.Tensor) -> float:
    """Cosine similarity of two vectors: 1 = same direction, 0 = at right angles."""
    return float(cosine_similarity(a, b, dim=0))


def same_bag(a: EmbeddingResult, b: EmbeddingResult) -> bool:
    """True if both sentences consist of the same tokens (the same multiset of token ids)."""
    return Counter(a.token_ids) == Counter(b.token_ids)


def cosine_frame(a: EmbeddingResult, b: EmbeddingResult) -> pd.DataFrame:
    """One row per paired token: text, cosine of the token and of the input vectors, both positions, id
    (the cosines first, so that a phone shows them without scrolling sideways)."""
    rows = [
        {
            t("order.col.token"): a.tokens[i].display,
            t("order.col.token_cos"): cosine(a.token_vectors[i], b.token_vectors[j]),
            t("order.col.input_cos"): cosine(a.input_embeddings[i], b.input_embeddings[j]),
            t("order.col.pos_a"): i,
            t("order.col.pos_b"): j,
            t("order.col.id"): a.token_ids[i],
        }
        for i, j in pair_positions(a.token_ids, b.token_ids)
    ]
    return pd.DataFrame(rows)


def mean_cosine(a: EmbeddingResult, b: EmbeddingResult) -> float:
    """Cosine of the two sentences' mean input embeddings (1.0 exactly when they are one bag of vectors)."""
    return cosine(a.input_embeddings.mean(dim=0), b.input_embeddings.mean(dim=0))


def shared_projections(a: EmbeddingResult, b: EmbeddingResult) -> tuple[Projection, Projection]:
    """Both sentences in ONE 3D space: a single PCA fitted on all their token and input embeddings."""
    points = torch.cat([a.token_vectors, a.input_embeddings, b.token_vectors, b.input_embeddings])
    pca = fit_pca(points.numpy())
    return tuple(project(r.token_vectors, r.position_vectors, r.input_embeddings, pca=pca) for r in (a, b))


# ---------------------------------------------------------------------------------------------------------
# The figure
# ---------------------------------------------------------------------------------------------------------


def _sentence_traces(
    name: str, result: EmbeddingResult, projection: Projection, labelled_ids: set[int], labelled: bool
) -> list[go.Scatter3d]:
    """Token embeddings, input embeddings and the dashed position step of one sentence, in its colour.
    A token id already in ``labelled_ids`` gets no second label (shared tokens sit on one spot)."""
    colour, pos = SENTENCE_COLOURS[name], t("order.pos")
    safe = [plain(token.display) for token in result.tokens]
    hover = [
        f"<b>{text}</b><br>{name} · id {token_id} · {pos} {i}"
        for i, (text, token_id) in enumerate(zip(safe, result.token_ids, strict=True))
    ]
    token_labels = []
    for text, token_id in zip(safe, result.token_ids, strict=True):
        token_labels.append(text if labelled and token_id not in labelled_ids else "")
        labelled_ids.add(token_id)
    input_labels = [f"{text}·{i}" if labelled else "" for i, text in enumerate(safe)]
    return [
        points_trace(
            projection.token_points,
            "token",
            t("order.legend.token", name=name),
            token_labels,
            hover,
            TOKEN_SYMBOLS[name],
            9,
            colour,
        ),
        points_trace(
            projection.input_points,
            "input",
            t("order.legend.input", name=name),
            input_labels,
            hover,
            "circle",
            7,
            colour,
        ),
        segments_trace(
            projection.token_points, projection.input_points, t("order.legend.arrow", name=name), colour
        ),
    ]


def compare_figure(a: EmbeddingResult, b: EmbeddingResult) -> go.Figure:
    """The two sentences in one 3D PCA space, one colour per sentence."""
    projections = shared_projections(a, b)
    labelled = a.n_tokens + b.n_tokens <= MAX_LABELLED_TOKENS
    labelled_ids: set[int] = set()
    traces = [
        trace
        for name, result, projection in zip(NAMES, (a, b), projections, strict=True)
        for trace in _sentence_traces(name, result, projection, labelled_ids, labelled)
    ]
    figure = scene_figure(traces, projections[0].explained_variance_ratio, height=620)
    # Six legend entries wrap into rows on a phone: below the plot they cannot hide the toolbar.
    figure.update_layout(legend={"y": -0.02, "yanchor": "top", "font": {"size": 14}})
    return figure


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
            results.append(cache.embedding_of(settings, text))
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
    st.plotly_chart(compare_figure(pair.a, pair.b), key="order-3d", config={"displaylogo": False})
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
