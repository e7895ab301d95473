"""Positions view, part 2: absolute positions, learned (GPT) against sinusoidal (Vaswani et al. 2017).

Both tables are shown for the first ``pos_n`` positions at the page's ``dim``: as a heatmap (positions x
dimensions) and as the cosine similarity of every position with every other
(:func:`embedviz.cosine.cosine_matrix`), then the wavelength of each sinusoidal dimension. The learned
table is the page's own position table (the rows every other view adds), so its numbers are the lesson's.
The figures are built once per setting and language (:func:`embedviz.ui.cache.positions_part`). After a
run in the Training view with the same settings, the learnable table's cosines after training follow: the
run keeps the sentence's position rows (positions 0, 1, ...), which are the trained table's first rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import streamlit as st
import torch

from embedviz.cosine import cosine_matrix
from embedviz.figures.positions import cosine_heatmap, wavelength_figure
from embedviz.figures.spec import FigureDict
from embedviz.figures.vectors import MAX_HEATMAP_COLS, heatmap
from embedviz.positions import sinusoidal_positions, wavelengths
from embedviz.positions_code import absolute_source
from embedviz.ui import cache
from embedviz.ui.chart_text import describe
from embedviz.ui.i18n import language, t
from embedviz.ui.plotly_host import plotly_host
from embedviz.ui.sections.positions_parts import code, heading
from embedviz.ui.sections.train_run import train_key
from embedviz.ui.sections.train_sentence import train_spec
from embedviz.ui.state import RULES, Settings

KINDS = ("learned", "sinusoidal")
#: Bands along the diagonal are named only when the numbers show them: sinusoidal neighbours this alike,
BANDS_SINUSOIDAL = 0.5
#: and random learned neighbours no more alike than this.
BANDS_LEARNED = 0.3


@dataclass(frozen=True)
class TableDrawing:
    """One table's two charts, their screen-reader texts, and the mean cosine of neighbouring positions."""

    table: FigureDict  # the heatmap of embedviz.figures.vectors
    table_text: str
    cosines: go.Figure
    cosines_text: str
    neighbours: float


@dataclass(frozen=True)
class AbsoluteDrawing:
    """Everything part 2 draws for one setting and language."""

    tables: dict[str, TableDrawing]
    wavelengths: go.Figure
    wavelengths_text: str
    wavelengths_caption: str


def neighbour_cosine(matrix: torch.Tensor) -> float:
    """The mean cosine of positions p and p + 1 (0 for a single position)."""
    above = torch.diagonal(matrix, 1)
    return float(above.double().mean()) if len(above) else 0.0


def shown_positions(settings: Settings) -> int:
    """How many positions both tables show: the slider's value, at most the position table's rows."""
    return min(settings.pos_n, settings.context_length)


def draw_table(kind: str, table: torch.Tensor) -> TableDrawing:
    """One table's heatmap and cosine matrix, with their screen-reader texts."""
    what = t(f"positions.absolute.{kind}")
    values = table.numpy()
    shown = values[:, :MAX_HEATMAP_COLS]
    table_text = t(
        "a11y.positions.table",
        what=what,
        rows=shown.shape[0],
        cols=shown.shape[1],
        low=float(shown.min()),
        high=float(shown.max()),
    )
    labels = [str(p) for p in range(values.shape[0])]
    position, dimension = t("positions.absolute.position"), t("positions.absolute.dimension")
    figure = heatmap(
        values,
        labels,
        title=t("positions.absolute.table"),
        x_title=dimension,
        y_title=position,
        hover=f"{position} %{{y}}<br>{dimension} %{{x}}: %{{z:.4f}}",
    )
    matrix = cosine_matrix(table)
    neighbours = neighbour_cosine(matrix)
    cosines_text = t("a11y.positions.cosines", what=what, n=matrix.shape[0])
    if matrix.shape[0] > 1:  # one position has no neighbour
        cosines_text += " " + t("a11y.positions.neighbours", neighbours=neighbours)
    cosines = cosine_heatmap(
        matrix.numpy(), t("positions.absolute.cosines"), t("positions.absolute.position")
    )
    return TableDrawing(figure, table_text, cosines, cosines_text, neighbours)


def draw(settings: Settings, n: int) -> AbsoluteDrawing:
    """Build part 2's figures and texts (once per setting and language: see :func:`render`)."""
    learned = cache.position_rows(settings.spec, n)
    tables = {
        "learned": draw_table("learned", learned),
        "sinusoidal": draw_table("sinusoidal", sinusoidal_positions(n, settings.dim)),
    }
    dim = settings.dim
    lengths = wavelengths(dim).numpy()
    first, last = float(lengths[0]), float(lengths[-1])
    texts = {
        "dimension": t("positions.absolute.dimension"),
        "wavelength": t("positions.absolute.wavelength"),
        "line": t("positions.absolute.line", last=n - 1),
    }
    span = max(n - 1, 1)  # positions 0 .. n-1: a dimension turns fully within them if its wavelength fits
    turned = int(np.count_nonzero(lengths <= span))
    return AbsoluteDrawing(
        tables,
        wavelength_figure(lengths, span, texts),
        t("a11y.positions.wavelength", dim=dim, first=first, last=last),
        wavelength_caption(first, last, dim, turned, n),
    )


def wavelength_caption(first: float, last: float, dim: int, turned: int, n: int) -> str:
    """What the wavelengths say, true at any ``dim``: with 1 or 2 dimensions there is one wavelength, and
    when every dimension turns fully within the positions shown there are no slow ones to name."""
    spread = (
        t("positions.absolute.wavelength.range", first=first, last_dim=dim - 1, last=last)
        if dim > 2
        else t("positions.absolute.wavelength.same", first=first)
    )
    if turned == dim:
        return f"{spread} {t('positions.absolute.wavelength.all', n=n)}"
    return f"{spread} {t('positions.absolute.wavelength.some', k=turned, dim=dim, n=n)}"


def render(settings: Settings) -> None:
    """Part 2: both tables side by side, what their cosines say, and the sinusoidal wavelengths."""
    heading("absolute")
    st.markdown(t("positions.absolute.intro"))
    low, high = RULES["pos_n"]
    st.slider(t("positions.absolute.n"), low, high, key="pos_n")
    n = shown_positions(settings)
    with st.container():  # always one element, so that the charts below keep their places
        if n < settings.pos_n:
            st.caption(t("positions.absolute.cut", n=n))
    key = (settings.spec, n, language())
    drawing = cache.positions_part("absolute", key, lambda: draw(settings, n))
    for column, kind in zip(st.columns(2), KINDS, strict=True):
        with column:
            part = drawing.tables[kind]
            st.subheader(t(f"positions.absolute.{kind}"))
            describe(part.table_text)
            plotly_host(part.table, key=f"positions-table-{kind}")
            describe(part.cosines_text)
            plotly_host(part.cosines, key=f"positions-cosines-{kind}")
    learned, fixed = drawing.tables["learned"].neighbours, drawing.tables["sinusoidal"].neighbours
    with st.container():
        if n > 1:
            st.markdown(t("positions.absolute.neighbours", learned=learned, sinusoidal=fixed))
        if n > 1 and fixed > BANDS_SINUSOIDAL and abs(learned) < BANDS_LEARNED:
            st.markdown(t("positions.absolute.bands"))
    with st.container():  # one element whether or not a run has finished: the charts below keep their places
        render_trained(settings)
    st.subheader(t("positions.absolute.wavelength.title"))
    describe(drawing.wavelengths_text)
    plotly_host(drawing.wavelengths, key="positions-wavelengths")
    st.caption(drawing.wavelengths_caption)
    code("absolute", lambda: absolute_source(n, settings.spec))


def trained_positions(settings: Settings) -> tuple[torch.Tensor, int] | None:
    """The position vectors of the sentence's positions after the visitor's run in the Training view with
    these settings, as far as its training windows reach, and the steps it took; None without such a run."""
    run = cache.train_queue().finished(train_key(settings))
    if run is None:
        return None
    result = run.result
    return result.snapshots[-1].position_vectors[: result.config.max_length], result.steps_done


def render_trained(settings: Settings) -> None:
    """The learnable table's cosines after training, beside the random start; or how to get them."""
    st.subheader(t("positions.absolute.trained.title"))
    trained = trained_positions(settings)
    if trained is None:
        st.caption(t("positions.absolute.trained.none"))
        return
    rows, steps = trained
    matrix = cosine_matrix(rows)
    start = cosine_matrix(cache.position_rows(train_spec(settings), len(rows)))
    what = t("positions.absolute.trained.what", steps=steps)
    describe(t("a11y.positions.cosines", what=what, n=len(rows)))
    figure = cosine_heatmap(matrix.numpy(), t("positions.absolute.cosines"), t("positions.absolute.position"))
    plotly_host(figure, key="positions-cosines-trained")
    st.caption(
        t(
            "positions.absolute.trained.caption",
            steps=steps,
            n=len(rows),
            neighbours=neighbour_cosine(matrix),
            start=neighbour_cosine(start),
        )
    )
