"""The cosines stage: how alike the sentence's input embeddings are, every pair, in all their dimensions.

Drawn right after the 3D view because it is how a student reads it: PCA shows a shadow of the vectors on
3 directions, and two points close together there need not point the same way. The cosine of every pair
(:func:`embedviz.cosine.cosine_matrix`) is measured in all of the ``dim`` dimensions. A token that appears
twice shows what the position embeddings do: the same token vector plus two position vectors.

The heatmap is a Plotly host (updated in place while the sentence is typed) of at most
:data:`~embedviz.figures.vectors.MAX_HEATMAP_ROWS` tokens: only those rows' cosines are computed, so a
rerun costs a ``(128, dim) @ (dim, 128)`` product at most.
"""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from embedviz.cosine import cosine_matrix
from embedviz.figures.cosines import cosine_heatmap
from embedviz.figures.spec import FigureDict
from embedviz.figures.vectors import MAX_HEATMAP_ROWS
from embedviz.ui.chart_text import cosines_text, describe
from embedviz.ui.i18n import language, md_literal, number, t
from embedviz.ui.pipeline_run import PipelineRun
from embedviz.ui.plotly_host import plotly_host
from embedviz.ui.sections.vectors import first_repeat, row_labels
from embedviz.ui.stages import heading

CHART_KEY = "heatmap-cosines"


def shown_rows(run: PipelineRun) -> int:
    """How many tokens the heatmap shows: the first MAX_HEATMAP_ROWS."""
    return min(run.result.n_tokens, MAX_HEATMAP_ROWS)


def cosines_figure(run: PipelineRun, matrix: np.ndarray | None = None) -> FigureDict:
    """The heatmap of the cosines of the first :func:`shown_rows` input embeddings (``matrix``, if the
    caller has them already)."""
    shown = shown_rows(run)
    if matrix is None:
        matrix = cosine_matrix(run.result.input_embeddings[:shown]).numpy()
    texts = {"axis": t("cosines.axis"), "cosine": t("cosines.hover")}
    separators = ",." if language() == "de" else ".,"
    return cosine_heatmap(matrix, row_labels(run.result)[:shown], texts, separators=separators)


def render(run: PipelineRun) -> None:
    """Draw the cosine of every pair of input embeddings (of the first MAX_HEATMAP_ROWS tokens)."""
    result = run.result
    st.header(heading("cosines"), anchor="cosines")
    st.markdown(t("cosines.intro", dim=result.dim))
    if result.dim > 3:  # at 3 dimensions or fewer the 3D view loses nothing
        st.markdown(t("cosines.shadow", dim=result.dim))
    shown = shown_rows(run)
    if result.n_tokens > shown:
        st.caption(t("cosines.cut", shown=shown, n=result.n_tokens))
    matrix = cosine_matrix(result.input_embeddings[:shown]).numpy()
    describe(cosines_text(matrix))
    plotly_host(lambda: cosines_figure(run, matrix), key=CHART_KEY, shared=run.settings)
    st.caption(t("cosines.random", dim=result.dim, spread=1 / math.sqrt(result.dim)))
    repeat = first_repeat(result.token_ids[:shown])
    if repeat is not None:
        first, second = repeat
        similarity = number(float(matrix[first, second]), 4)
        token = md_literal(result.tokens[first].display)
        key = "cosines.repeated.none" if result.positional == "none" else "cosines.repeated"
        st.caption(t(key, token=token, first=first, second=second, cosine=similarity))


__all__ = ["first_repeat", "render"]
