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


text = st.text_area("Sentence", value=st.query_params.get("text", "Today the cat sat on the mat"))
n = min(len(gpt2().encode(text, allowed_special={"<|endoftext|>"}, disallowed_special=())), POOL)
start = zlib.crc32(text.encode()) % (POOL - n + 1)  # another text -> other points, so the chart redraws
xyz = points()[:, start : start + n]
figure = go.Figure(
    [
        go.Scatter3d(x=xyz[i, :, 0], y=xyz[i, :, 1], z=xyz[i, :, 2], mode="markers", name=name)
        for i, name in enumerate(("token", "position", "input"))
    ]
)
st.plotly_chart(figure)
