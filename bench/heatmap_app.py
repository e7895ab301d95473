"""Three heatmaps drawn four ways, for ``bench/heatmaps.py`` (issue 13); not part of the app.

The page holds what sections 2-4 show: a token, a position and an input-embedding table of ``n`` tokens x
``dim`` numbers, each drawn with :func:`embedviz.figures.vectors.heatmap` (cut to 128 x 128, 4 decimals).
The numbers are seeded by token id and position (no torch, no PCA): only the drawing differs. Query
parameters: ``dim`` (default 768) and ``mode``:

* ``st``: three ``st.plotly_chart`` (what the app did before issue 13: each new figure remounts);
* ``host``: three Plotly hosts (``embedviz.ui.plotly_host``, ``Plotly.react`` on mounted charts);
* ``one``: one Plotly host holding the three heatmaps as subplots of one figure;
* ``image``: three PNG images (``st.image``), coloured with the heatmap's own colour scale; no hover.
"""

from __future__ import annotations

import io

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from PIL import Image
from plotly.colors import get_colorscale, sample_colorscale
from plotly.subplots import make_subplots

from embedviz.figures.vectors import MAX_HEATMAP_COLS, MAX_HEATMAP_ROWS, heatmap
from embedviz.tokenizer import encode
from embedviz.ui.plotly_host import plotly_host

KINDS = ("token", "position", "input")


@st.cache_resource
def palette() -> np.ndarray:
    """256 RGB colours of the heatmaps' diverging scale (blue, white, red)."""
    colours = sample_colorscale(get_colorscale("RdBu_r"), list(np.linspace(0, 1, 256)), colortype="tuple")
    return (np.asarray(colours) * 255).round().astype(np.uint8)


def png(values: np.ndarray) -> bytes:
    """``values`` (cut like the heatmap) as a PNG, 4 px per cell, white at 0."""
    shown = values[:MAX_HEATMAP_ROWS, :MAX_HEATMAP_COLS]
    limit = float(np.abs(shown).max()) or 1.0
    index = np.clip(((shown / limit + 1) / 2 * 255).round(), 0, 255).astype(np.uint8)
    pixels = palette()[index].repeat(4, axis=0).repeat(4, axis=1)
    buffer = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(buffer, format="PNG")
    return buffer.getvalue()


def tables(ids: list[int], dim: int) -> dict[str, np.ndarray]:
    token = np.stack([np.random.default_rng(i).normal(size=dim) * 0.02 for i in ids]).astype(np.float32)
    position = np.random.default_rng(10**6).normal(size=(len(ids), dim)).astype(np.float32) * 0.01
    return {"token": token, "position": position, "input": token + position}


def one_figure(values: dict[str, np.ndarray], labels: list[str]) -> go.Figure:
    """The three heatmaps as rows of one figure (each trace is the app's heatmap trace)."""
    figure = make_subplots(rows=3, cols=1, subplot_titles=KINDS, vertical_spacing=0.06)
    for row, kind in enumerate(KINDS, start=1):
        figure.add_trace(heatmap(values[kind], labels).data[0], row=row, col=1)
        figure.update_yaxes(autorange="reversed", type="category", row=row, col=1)
    figure.update_layout(height=3 * min(120 + 26 * len(labels), 700))
    return figure


params = st.query_params
mode = params.get("mode", "host")
dim = int(params.get("dim", "768"))
text = st.text_area("Sentence", value=params.get("text", "the cat sat on the mat"))
ids = encode(text)[:4096] or [0]
labels = [f"{i}: {token}" for i, token in enumerate(ids)]
values = tables(ids, dim)
st.caption(f"{len(ids)} tokens")
if mode == "one":
    plotly_host(one_figure(values, labels), key="hm-all")
for kind in KINDS if mode != "one" else ():
    with st.container(key=f"hm-{kind}"):
        if mode == "st":
            st.plotly_chart(heatmap(values[kind], labels), key=f"chart-{kind}")
        elif mode == "image":
            st.image(png(values[kind]), width="stretch", output_format="PNG")
        else:
            plotly_host(heatmap(values[kind], labels), key=f"host-{kind}")
