"""A small page for the Plotly host's browser tests; not part of the app.

The sentence's tokens become 3D points the way the 3D view builds them, without torch or PCA: a token
point depends on the token id only, a position point on the position only, an input point is their sum.
So changing one word moves only that word's points. Query parameters: ``text``, ``chart=st`` (draw with
``st.plotly_chart`` instead), ``live=<duration>`` (commit while typing, e.g. ``300ms``),
``glide=<ms>``, ``frames=1`` (add an animation with frames), ``extra=1`` (add an st.plotly_chart).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from embedviz.figures.style import CAMERAS
from embedviz.tokenizer import encode
from embedviz.ui.plotly_host import plotly_host, space_point_ids, with_point_ids

params = st.query_params
live = params.get("live")
start = params.get("text", "the cat sat on the mat")
if live:
    text = st.text_input("Sentence", value=start, key="text", live=live)
else:
    text = st.text_area("Sentence", value=start, key="text")
camera = st.segmented_control("Camera", list(CAMERAS), key="camera", default="default", required=True)
ids = encode(text)[:4096]
n = len(ids)
token_points = np.stack([np.random.default_rng(i).normal(size=3) for i in ids]) if n else np.zeros((0, 3))
position_points = np.random.default_rng(10**6).normal(size=(max(n, 1), 3))[:n] * 0.5
sums = token_points + position_points
# Centre everything on the token points' mean, as PCA centres its data: every point moves a little when a
# word changes, so the glide has something to show.
centre = token_points.mean(axis=0) if n else np.zeros(3)
token_points, position_points, sums = token_points - centre, position_points - centre, sums - centre
traces = [
    go.Scatter3d(
        x=p[:, 0],
        y=p[:, 1],
        z=p[:, 2],
        mode="markers",
        name=name,
        hovertext=[f"{name} {i}" for i in range(n)],
    )
    for p, name in ((token_points, "token"), (position_points, "position"), (sums, "input"))
]
segments = np.full((3 * n, 3), np.nan)
segments[0::3], segments[1::3] = token_points, sums
traces.append(go.Scatter3d(x=segments[:, 0], y=segments[:, 1], z=segments[:, 2], mode="lines", name="arrow"))
figure = go.Figure(traces)
figure.update_layout(height=520, scene={"camera": CAMERAS[camera], "aspectmode": "cube"}, uirevision=camera)
st.session_state.runs = st.session_state.get("runs", 0) + 1  # shown below: how often the page committed
st.caption(f"{n} tokens")
st.caption(f"run {st.session_state.runs}")
if params.get("chart") == "st":
    st.plotly_chart(figure, key="space3d")
else:
    plotly_host(
        with_point_ids(figure, space_point_ids(ids)),
        key="space3d",
        camera_revision=camera,
        glide_ms=int(params.get("glide", "300")),
    )
if params.get("frames") == "1":  # a 2D animation with frames and a play button, like the training view's
    steps = [go.Frame(data=[go.Scatter(x=[0, 1, 2], y=[k, 2 * k, 3 * k])], name=str(k)) for k in range(1, 4)]
    play = {"label": "Play", "method": "animate", "args": [None, {"frame": {"duration": 50}}]}
    animation = go.Figure(go.Scatter(x=[0, 1, 2], y=[0, 0, 0]), frames=steps)
    animation.update_layout(height=300, updatemenus=[{"type": "buttons", "buttons": [play]}])
    plotly_host(animation, key="animation")
if params.get("extra") == "1":  # a second, 2D st.plotly_chart: it replaces window.Plotly with Streamlit's
    st.plotly_chart(go.Figure(go.Bar(x=["a", "b"], y=[1, n])), key="bars")
