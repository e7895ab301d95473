"""Positions view, part 4: relative and rotary positions.

One query/key pair (sentence A's second and first token vectors) is moved along the positions, the query
always ``pos_offset`` positions after the key, and its attention score is drawn at each place under three
schemes (:func:`embedviz.positions.moving_pair_scores`): absolute learned positions added first (the
score wanders), rotary positions and an ALiBi bias (the same score everywhere: only the distance counts).
Then rotary positions as what they are: each pair of dimensions of the query turned on its circle, by an
angle that grows with the position.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import streamlit as st
import torch

from embedviz.figures.positions import rotation_figure, scores_figure
from embedviz.positions import BASE, moving_pair_scores, rotary_pair
from embedviz.positions_code import relative_source
from embedviz.ui import cache
from embedviz.ui.chart_text import describe
from embedviz.ui.i18n import language, md_literal, t
from embedviz.ui.plotly_host import plotly_host
from embedviz.ui.sections.positions_absolute import shown_positions
from embedviz.ui.sections.positions_parts import code, heading, sentence, sentences
from embedviz.ui.state import RULES, Settings

#: ALiBi's slope of the first of 8 heads (2^-1).
SLOPE = 0.5
#: The rotation charts number the first positions only (more would overlap on the circle).
TURNED_POSITIONS = 12
#: A score that varies less than this over the positions is "the same at every place".
FLAT = 1e-9


def pairs_shown(dim: int) -> list[int]:
    """The pairs of dimensions drawn: the two fastest, one in the middle and the slowest."""
    half = dim // 2
    return sorted({i for i in (0, 1, half // 2, half - 1) if 0 <= i < half})


def spread_text(scores: dict[str, torch.Tensor]) -> str:
    """What the scores did over the places, from the numbers: a range for absolute positions, one value
    for each scheme that stayed the same."""
    fixed = {
        name: float(values[0]) for name, values in scores.items() if float(values.max() - values.min()) < FLAT
    }
    if "alibi" not in fixed:
        return ""
    sentence_end = (
        t("positions.relative.fixed_rotary", rotary=fixed["rotary"], alibi=fixed["alibi"])
        if "rotary" in fixed
        else t("positions.relative.fixed", alibi=fixed["alibi"])
    )
    absolute = scores["absolute"]
    return t(
        "positions.relative.spread",
        count=len(absolute),
        low=float(absolute.min()),
        high=float(absolute.max()),
        fixed=sentence_end,
    )


def render(settings: Settings) -> None:
    """Part 4: the moving pair's scores, then the turning pairs of rotary positions."""
    heading("relative")
    st.markdown(t("positions.relative.intro"))
    low, high = RULES["pos_offset"]
    st.slider(t("positions.relative.offset"), low, high, key="pos_offset")
    text = sentences(settings)[0]
    result = sentence(settings, t("positions.why.a"), text)
    if result is None or not result.n_tokens:
        st.info(t("positions.why.empty"))
        return
    n, offset, dim = shown_positions(settings), settings.pos_offset, settings.dim
    query_index = min(1, result.n_tokens - 1)
    query, key = result.token_vectors[query_index], result.token_vectors[0]
    st.markdown(
        t(
            "positions.relative.pair",
            query=t("positions.quoted", text=md_literal(result.tokens[query_index].display)),
            query_index=query_index,
            key_token=t("positions.quoted", text=md_literal(result.tokens[0].display)),
            n=n,
            offset=offset,
            dim=dim,
        )
    )
    with st.container():  # always one element, so that the charts below keep their places
        if dim % 2:
            st.warning(t("positions.odd_dim", dim=dim, below=dim - 1, above=dim + 1))
    with st.container():
        if offset >= n:
            st.info(t("positions.relative.too_far", offset=offset, n=n))
        else:
            render_scores(settings, query, key, n, offset)
    if dim % 2 == 0:
        render_rotation(query, dim, n)
    code("relative", lambda: relative_source(text, n, offset, SLOPE, settings.spec))


def draw_scores(settings: Settings, query: torch.Tensor, key: torch.Tensor, n: int, offset: int) -> tuple:
    """The moving pair's scores figure, its screen-reader text and what the numbers did."""
    table = cache.position_rows(settings.spec, n)
    scores = moving_pair_scores(query, key, offset, n, table, slope=SLOPE)
    names = {name: t(f"positions.scheme.{name}", slope=SLOPE) for name in scores}
    texts = {"x": t("positions.relative.x"), "y": t("positions.relative.y")}
    starts = np.arange(n - offset)
    figure = scores_figure(starts, {k: v.numpy() for k, v in scores.items()}, names, texts)
    return figure, t("a11y.positions.scores", count=len(starts)), spread_text(scores)


def render_scores(settings: Settings, query: torch.Tensor, key: torch.Tensor, n: int, offset: int) -> None:
    """The moving pair's score at each place under each scheme, and what the numbers did."""
    cache_key = (settings.spec, sentences(settings)[0], n, offset, language())
    figure, text, spread = cache.positions_part(
        "scores", cache_key, lambda: draw_scores(settings, query, key, n, offset)
    )
    describe(text)
    plotly_host(figure, key="positions-scores")
    st.markdown(spread)
    st.caption(t("positions.relative.alibi"))


def draw_rotation(query: torch.Tensor, dim: int, positions: torch.Tensor) -> list[go.Figure]:
    """One small figure per pair of dimensions shown: the query's pair turned to each position."""
    texts = {"position": t("positions.rotation.position")}
    return [
        rotation_figure(
            rotary_pair(query.double(), i, positions).numpy(),
            t("positions.rotation.pair", i=i, j=i + dim // 2),
            texts,
        )
        for i in pairs_shown(dim)
    ]


def render_rotation(query: torch.Tensor, dim: int, n: int) -> None:
    """RoPE as turning 2-D pairs of the query vector, one small chart per pair."""
    st.subheader(t("positions.rotation.title"))
    positions = torch.arange(min(n, TURNED_POSITIONS))
    pairs = pairs_shown(dim)
    last = len(positions) - 1
    describe(t("a11y.positions.rotation", pairs=len(pairs), last=last))
    key = (query.numpy().tobytes(), dim, len(positions), language())
    figures = cache.positions_part("rotation", key, lambda: draw_rotation(query, dim, positions))
    # One chart per pair in columns: four in a row on a wide screen, one under the other on a phone.
    for slot, (column, figure) in enumerate(zip(st.columns(len(figures)), figures, strict=True)):
        with column:
            plotly_host(figure, key=f"positions-rotation-{slot}")
    slow = pairs[-1]
    st.caption(
        t(
            "positions.rotation.caption",
            half=dim // 2,
            last=last,
            first=pairs[0],
            fast=math.degrees(BASE ** (-2 * pairs[0] / dim)),
            slow=slow,
            slow_angle=math.degrees(BASE ** (-2 * slow / dim)),
        )
    )
