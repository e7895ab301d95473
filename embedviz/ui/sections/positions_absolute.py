"""Positions view, part 2: absolute positions, learned (GPT) against sinusoidal (Vaswani et al. 2017).

Both tables are shown for the first ``pos_n`` positions at the page's ``dim``: as a heatmap (positions x
dimensions) and as the cosine similarity of every position with every other
(:func:`embedviz.positions.cosine_matrix`), then the wavelength of each sinusoidal dimension. The learned
table is the page's own position table (the rows every other view adds), so its numbers are the lesson's.
"""

from __future__ import annotations

import numpy as np
import streamlit as st
import torch

from embedviz.figures.positions import cosine_heatmap, wavelength_figure
from embedviz.figures.vectors import MAX_HEATMAP_COLS, heatmap
from embedviz.positions import cosine_matrix, sinusoidal_positions, wavelengths
from embedviz.positions_code import absolute_source
from embedviz.ui import cache
from embedviz.ui.chart_text import describe
from embedviz.ui.i18n import t
from embedviz.ui.plotly_host import plotly_host
from embedviz.ui.sections.positions_parts import code, heading
from embedviz.ui.state import RULES, Settings

#: Bands along the diagonal are named only when the numbers show them: sinusoidal neighbours this alike,
BANDS_SINUSOIDAL = 0.5
#: and random learned neighbours no more alike than this.
BANDS_LEARNED = 0.3


def neighbour_cosine(matrix: torch.Tensor) -> float:
    """The mean cosine of positions p and p + 1 (0 for a single position)."""
    above = torch.diagonal(matrix, 1)
    return float(above.double().mean()) if len(above) else 0.0


def shown_positions(settings: Settings) -> int:
    """How many positions both tables show: the slider's value, at most the position table's rows."""
    return min(settings.pos_n, settings.context_length)


def table_column(kind: str, table: torch.Tensor) -> float:
    """One table's heatmap and cosine matrix (with their screen-reader texts); returns the mean
    neighbour cosine."""
    what = t(f"positions.absolute.{kind}")
    values = table.numpy()
    st.subheader(what)
    shown = values[:, :MAX_HEATMAP_COLS]
    describe(
        t(
            "a11y.positions.table",
            what=what,
            rows=shown.shape[0],
            cols=shown.shape[1],
            low=float(shown.min()),
            high=float(shown.max()),
        )
    )
    labels = [str(p) for p in range(values.shape[0])]
    figure = heatmap(
        values, labels, title=t("positions.absolute.table"), x_title=t("positions.absolute.dimension")
    )
    plotly_host(figure, key=f"positions-table-{kind}")
    matrix = cosine_matrix(table)
    neighbours = neighbour_cosine(matrix)
    describe(t("a11y.positions.cosines", what=what, n=matrix.shape[0], neighbours=neighbours))
    figure = cosine_heatmap(matrix.numpy(), t("positions.absolute.cosines"), t("positions.absolute.position"))
    plotly_host(figure, key=f"positions-cosines-{kind}")
    return neighbours


def render(settings: Settings) -> None:
    """Part 2: both tables side by side, what their cosines say, and the sinusoidal wavelengths."""
    heading("absolute")
    st.markdown(t("positions.absolute.intro"))
    low, high = RULES["pos_n"]
    st.slider(t("positions.absolute.n"), low, high, key="pos_n")
    n = shown_positions(settings)
    if n < settings.pos_n:
        st.caption(t("positions.absolute.cut", n=n))
    learned = cache.tables_of(settings.spec)[1].weight[:n].detach()
    fixed = sinusoidal_positions(n, settings.dim)
    left, right = st.columns(2)
    with left:
        learned_neighbours = table_column("learned", learned)
    with right:
        fixed_neighbours = table_column("sinusoidal", fixed)
    if n > 1:
        st.markdown(
            t("positions.absolute.neighbours", learned=learned_neighbours, sinusoidal=fixed_neighbours)
        )
        if fixed_neighbours > BANDS_SINUSOIDAL and abs(learned_neighbours) < BANDS_LEARNED:
            st.markdown(t("positions.absolute.bands"))
    render_wavelengths(settings.dim, n)
    code("absolute", lambda: absolute_source(n, settings.spec))


def render_wavelengths(dim: int, n: int) -> None:
    """The wavelength of each sinusoidal dimension, with the positions shown as a line."""
    st.subheader(t("positions.absolute.wavelength.title"))
    lengths = wavelengths(dim).numpy()
    first, last = float(lengths[0]), float(lengths[-1])
    describe(t("a11y.positions.wavelength", dim=dim, first=first, last=last))
    texts = {
        "dimension": t("positions.absolute.dimension"),
        "wavelength": t("positions.absolute.wavelength"),
        "line": t("positions.absolute.line", n=n),
    }
    plotly_host(wavelength_figure(lengths, n, texts), key="positions-wavelengths")
    turned = int(np.count_nonzero(lengths <= n))
    st.caption(
        t(
            "positions.absolute.wavelength.caption",
            first=first,
            last_dim=dim - 1,
            last=last,
            k=turned,
            dim=dim,
            n=n,
        )
    )
