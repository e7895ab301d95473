"""The stages token embeddings, position embeddings and their sum, as heatmaps and exact numbers, plus one
token's three vectors side by side with the worked sum.

When a token repeats, the three stages pose the lesson's point as a question and answer it: the token
stage shows that its two rows are the same vector and asks how the model can tell the positions apart,
the position stage answers (each position has its own vector, or, without position embeddings, nothing
does), and the sum shows the two input rows with their true cosine in all dimensions."""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
import pandas as pd
import streamlit as st
import torch

from embedviz.cosine import cosine
from embedviz.embeddings import EmbeddingResult
from embedviz.explain import worked_sum
from embedviz.figures.spec import FigureDict
from embedviz.figures.vectors import MAX_HEATMAP_COLS, MAX_HEATMAP_ROWS, heatmap
from embedviz.tokenizer import get_encoding
from embedviz.ui.chart_text import describe, heatmap_text
from embedviz.ui.i18n import md_literal, t, t_plural
from embedviz.ui.lazy import on_demand
from embedviz.ui.pipeline_run import PipelineRun
from embedviz.ui.plotly_host import plotly_host
from embedviz.ui.stages import heading
from embedviz.ui.style import monospace
from embedviz.ui.tables import decimal_columns

FIRST_DIMS = 8
WORKED_DIMS = 3
#: Each vector stage's rows: the result's tensor it shows.
STAGE_VALUES = {"token": "token_vectors", "position": "position_vectors", "input": "input_embeddings"}


def row_labels(result: EmbeddingResult) -> list[str]:
    """Row names: position and visible token text, e.g. ``3: ␣on``."""
    return [f"{i}: {token.display}" for i, token in enumerate(result.tokens)]


def numbers_table(values: np.ndarray, labels: list[str], all_dims: bool) -> pd.DataFrame:
    """The exact numbers, 4 decimals: first FIRST_DIMS dimensions, or all of them."""
    shown = values if all_dims else values[:, :FIRST_DIMS]
    frame = pd.DataFrame(
        np.round(shown.astype(np.float64), 4), columns=[str(c) for c in range(shown.shape[1])]
    )
    frame.insert(0, t("vectors.row"), labels)
    return frame


def first_repeat(token_ids: list[int]) -> tuple[int, int] | None:
    """The positions of the first token that appears a second time, ``(first, second)``, or None."""
    seen: dict[int, int] = {}
    for position, token_id in enumerate(token_ids):
        if token_id in seen:
            return seen[token_id], position
        seen[token_id] = position
    return None


def marked_rows(result: EmbeddingResult) -> tuple[int, ...]:
    """The rows the three heatmaps frame: the first repeated token's two positions, if a token repeats."""
    return first_repeat(result.token_ids) or ()


def pair_values(result: EmbeddingResult, pair: tuple[int, int]) -> dict[str, object]:
    """The placeholders of the repeated-token sentences: both positions and the token (Markdown-safe)."""
    first, second = pair
    return {"first": first, "second": second, "token": md_literal(result.tokens[first].display)}


def heatmap_figure(values: np.ndarray, labels: list[str], marked: tuple[int, ...] = ()) -> FigureDict:
    """A vector stage's heatmap: one row per token, one column per dimension, ``marked`` rows framed."""
    return heatmap(
        values,
        labels,
        x_title=t("vectors.dimension"),
        hover=f"%{{y}}<br>{t('vectors.dim')} %{{x}}: %{{z:.4f}}",
        marked_rows=marked,
    )


def stage_heatmap(run: PipelineRun, key: str) -> FigureDict:
    """The heatmap of stage ``key`` (token, position or input) for ``run``, as its section draws it."""
    result = run.result
    return heatmap_figure(getattr(result, STAGE_VALUES[key]).numpy(), row_labels(result), marked_rows(result))


def vector_block(
    intro: str,
    values: np.ndarray,
    labels: list[str],
    key: str,
    all_dims: bool,
    marked: tuple[int, ...] = (),
    shared: Hashable | None = None,
) -> None:
    """The stage ``key`` (token, position or input): heading, what it is, shape, heatmap (the rows
    ``marked`` framed: a repeated token's two positions) and the exact numbers. ``shared``: what
    determines the values wholly (the run's settings), so the heatmap is built once for every page
    that shows them (:func:`embedviz.ui.plotly_host.plotly_host`)."""
    st.header(heading(key), anchor=key)
    st.markdown(intro)
    n, dim = values.shape
    caption = t("vectors.shape", n=n, dim=dim)
    if n > MAX_HEATMAP_ROWS or dim > MAX_HEATMAP_COLS:  # one caption, two lines: one element less per run
        caption += "  \n" + t(
            "vectors.cut" if all_dims or dim <= FIRST_DIMS else "vectors.cut.first",
            rows=min(n, MAX_HEATMAP_ROWS) - 1,
            cols=min(dim, MAX_HEATMAP_COLS) - 1,
            n=n,
            dim=dim,
            shown=FIRST_DIMS,
        )
    st.caption(caption)
    describe(heatmap_text(t(f"space.legend.{key}"), values, all_dims or dim <= FIRST_DIMS))

    # Mounted once and updated in place (plotly_host): a new sentence does not remount the three heatmaps.
    plotly_host(lambda: heatmap_figure(values, labels, marked), key=f"heatmap-{key}", shared=shared)
    # With all dimensions shown, these tables are the largest part of the page (1,024 x 768 numbers).
    numbers = on_demand(t("vectors.numbers"), key=f"open-numbers-{key}")
    if numbers is None:
        return
    with numbers:
        if not all_dims:
            st.caption(t_plural("vectors.first_dims", dim, shown=min(FIRST_DIMS, dim)))
        frame, config = decimal_columns(numbers_table(values, labels, all_dims))
        st.dataframe(frame, hide_index=True, key=f"numbers-{key}", column_config=config)


def render_token(run: PipelineRun) -> None:
    """The token embeddings: the rows the ids look up. On the page, the "all dimensions" switch of the
    three tables comes first."""
    result, all_dims = run.result, run.settings.all_dims
    if not run.slide:
        show_all_dims_toggle()
    n_vocab = get_encoding(result.encoding).n_vocab
    vector_block(
        t("vectors.token.intro", n_vocab=n_vocab, dim=result.dim),
        result.token_vectors.numpy(),
        row_labels(result),
        "token",
        all_dims,
        marked=marked_rows(result),
        shared=run.settings,
    )
    pair = first_repeat(result.token_ids)
    if pair is not None:
        st.info(t("vectors.token.same", **pair_values(result, pair)), icon=":material/help:")


def render_position(run: PipelineRun) -> None:
    """The position embeddings of positions 0 to n-1."""
    result, all_dims = run.result, run.settings.all_dims
    vector_block(
        t(
            f"vectors.position.intro.{result.positional}",
            context_length=result.context_length,
            dim=result.dim,
        ),
        result.position_vectors.numpy(),
        row_labels(result),
        "position",
        all_dims,
        marked=marked_rows(result),
        shared=run.settings,
    )
    pair = first_repeat(result.token_ids)
    if pair is not None:
        key = "vectors.position.answer.none" if result.positional == "none" else "vectors.position.answer"
        st.info(t(key, **pair_values(result, pair)), icon=":material/lightbulb:")


def render_sum(run: PipelineRun) -> None:
    """The input embeddings, then one token's three vectors and the worked sum."""
    result, all_dims = run.result, run.settings.all_dims
    intro = "vectors.input.intro.none" if result.positional == "none" else "vectors.input.intro"
    vector_block(
        t(intro, dim=result.dim),
        result.input_embeddings.numpy(),
        row_labels(result),
        "input",
        all_dims,
        marked=marked_rows(result),
        shared=run.settings,
    )
    pair = first_repeat(result.token_ids)
    if pair is not None:
        first, second = pair
        inputs = cosine(result.input_embeddings[first], result.input_embeddings[second])
        tokens = cosine(result.token_vectors[first], result.token_vectors[second])
        same = bool(torch.equal(result.input_embeddings[first], result.input_embeddings[second]))
        st.info(
            t(
                "vectors.input.same" if same else "vectors.input.differ",
                cosine=inputs,
                token_cosine=tokens,
                dims=t_plural("count.dimension", result.dim),
                **pair_values(result, pair),
            ),
            icon=":material/check_circle:",
        )
    labels = row_labels(result)
    if st.session_state.get("token", 0) >= len(labels):
        st.session_state["token"] = 0
    index = st.selectbox(t("sum.pick"), range(len(labels)), key="token", format_func=labels.__getitem__)
    vectors = {
        "token": result.token_vectors[index].numpy(),
        "position": result.position_vectors[index].numpy(),
        "input": result.input_embeddings[index].numpy(),
    }
    k = min(FIRST_DIMS, result.dim)
    frame = pd.DataFrame(
        {t(f"sum.{kind}"): np.round(v[:k].astype(np.float64), 4) for kind, v in vectors.items()}
    )
    frame.index.name = t("vectors.dim")
    left, right = st.columns([2, 3])
    frame, config = decimal_columns(frame)
    left.dataframe(frame, column_config=config)
    w = min(WORKED_DIMS, result.dim)
    text, rounded_apart = worked_sum(
        vectors["token"][:w].tolist(), vectors["position"][:w].tolist(), total=vectors["input"][:w].tolist()
    )
    right.markdown(t_plural("sum.worked", w))
    right.html(monospace(f"{labels[index]}\n{text}"))
    if rounded_apart:
        right.caption(t("sum.rounding"))


def show_all_dims_toggle() -> None:
    st.toggle(t("vectors.all_dims"), key="all_dims")
