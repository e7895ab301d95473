"""The floor: the least work any Streamlit page can do to redraw a 3D chart after the sentence changes.

``bench/run.py`` edits the sentence here and in ``app.py`` and compares the latencies. Whatever this page
needs (a rerun, the websocket round trip, Plotly's WebGL redraw of 3 traces x n points) the app can never
beat; what the app needs on top is its own cost. Nothing is cached except the precomputed points, no
rounding, no labels, no other elements.

Run it alone with ``streamlit run bench/floor_app.py``.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import streamlit as st
import tiktoken
from tiktoken.load import load_tiktoken_bpe
from tiktoken_ext.openai_public import r50k_pat_str

POOL = 20_000  # precomputed points per trace, more than any sentence has tokens
RANKS = Path(__file__).resolve().parents[1] / "embedviz" / "assets" / "gpt2.tiktoken"


@st.cache_resource
def gpt2() -> tiktoken.Encoding:
    """GPT-2's tokenizer from the shipped ranks, without importing embedviz (and torch with it)."""
    ranks = load_tiktoken_bpe(str(RANKS))
    return tiktoken.Encoding(
        "gpt2", pat_str=r50k_pat_str, mergeable_ranks=ranks, special_tokens={"<|endoftext|>": 50256}
    )


@st.cache_resource
def points() -> np.ndarray:
    """3 traces (token, position, input) x POOL points x (x, y, z), drawn once per server."""
    return np.random.default_rng(0).normal(size=(3, POOL, 3))


# ``?size=app``: the chart as large as the app's 3D chart in bench/run.py's 1920x1080 window (1,431 x 640
# CSS px, the app's sidebar open; bench/run.py's "floor (app's chart size)" lane): the WebGL work of a
# redraw grows with the chart's pixels.
APP_CHART = (1431, 640)
app_size = st.query_params.get("size") == "app"
if app_size:
    st.set_page_config(layout="wide")
text = st.text_area("Sentence", key="text", value=st.query_params.get("text", "Today the cat sat on the mat"))
n = min(len(gpt2().encode(text, allowed_special={"<|endoftext|>"}, disallowed_special=())), POOL)
start = zlib.crc32(text.encode()) % (POOL - n + 1)  # another text -> other points, so the chart redraws
xyz = points()[:, start : start + n]
figure = go.Figure(
    [
        go.Scatter3d(x=xyz[i, :, 0], y=xyz[i, :, 1], z=xyz[i, :, 2], mode="markers", name=name)
        for i, name in enumerate(("token", "position", "input"))
    ]
)
if app_size:
    figure.update_layout(height=APP_CHART[1])
st.plotly_chart(figure, width=APP_CHART[0] if app_size else "stretch")
