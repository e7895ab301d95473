"""Word order as a picture: two sentences in one 3D PCA space, one colour per sentence.

Token embeddings are diamonds (B's open, so a shared token shows both), input embeddings circles, and a
dashed line joins them (the position step). A pure function: texts are passed in, no Streamlit.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from embedviz.embeddings import EmbeddingResult
from embedviz.figures.space import MAX_LABELLED_TOKENS, points_trace, scene_figure, segments_trace
from embedviz.figures.style import SENTENCE_COLOURS, plain
from embedviz.projection import Projection

NAMES = ("A", "B")
TOKEN_SYMBOLS = {"A": "diamond", "B": "diamond-open"}


def _sentence_traces(
    name: str,
    result: EmbeddingResult,
    projection: Projection,
    labelled_ids: set[int],
    labelled: bool,
    texts: dict[str, str],
) -> list[go.Scatter3d]:
    """Token embeddings, input embeddings and the dashed position step of one sentence, in its colour.
    A token id already in ``labelled_ids`` gets no second label (shared tokens sit on one spot)."""
    colour, pos = SENTENCE_COLOURS[name], texts["pos"]
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
            texts[f"token.{name}"],
            token_labels,
            hover,
            TOKEN_SYMBOLS[name],
            9,
            colour,
        ),
        points_trace(
            projection.input_points,
            "input",
            texts[f"input.{name}"],
            input_labels,
            hover,
            "circle",
            7,
            colour,
        ),
        segments_trace(projection.token_points, projection.input_points, texts[f"arrow.{name}"], colour),
    ]


def compare_figure(
    a: EmbeddingResult,
    b: EmbeddingResult,
    projections: tuple[Projection, Projection],
    texts: dict[str, str],
    axis_titles: Sequence[str] | None = None,
) -> go.Figure:
    """The two sentences in one 3D PCA space (``projections``, from
    :func:`embedviz.compare.shared_projections`), one colour per sentence.

    ``texts`` holds "pos" (hover) and the legend names "token.A", "input.A", "arrow.A" (and ".B") in the
    page's language; ``axis_titles`` the axes' titles with their shares, as the page writes them."""
    labelled = a.n_tokens + b.n_tokens <= MAX_LABELLED_TOKENS
    labelled_ids: set[int] = set()
    traces = [
        trace
        for name, result, projection in zip(NAMES, (a, b), projections, strict=True)
        for trace in _sentence_traces(name, result, projection, labelled_ids, labelled, texts)
    ]
    ratio = projections[0].explained_variance_ratio
    figure = scene_figure(traces, ratio, height=620, axis_titles=axis_titles)
    # Six legend entries wrap into rows on a phone: below the plot they cannot hide the toolbar.
    figure.update_layout(legend={"y": -0.02, "yanchor": "top", "font": {"size": 14}})
    return figure
