"""Training as pictures: the loss curve, the sentence's vectors moving in 3D, and a position curve.

Pure functions of numbers and of texts passed in (no Streamlit), drawn like the page's 3D view.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from embedviz.figures.space import aspect_of, scene_figure, space_figure
from embedviz.figures.style import FONT, GUESS_COLOUR, GUESS_TEXT_COLOUR, LOSS_COLOUR, compact, plain
from embedviz.pretrained import PositionCurve
from embedviz.projection import Projection
from embedviz.training import Snapshot

#: First vector components shown in the hover and in the "step 0 -> last step" numbers.
FIRST_VALUES = 3
#: Pixels under the animation's 3D scene: the play/pause buttons, and below them the step slider.
CONTROLS_HEIGHT = 150
SLIDER_DROP = 42


def fixed_ranges(frames: Sequence[Projection], pad: float = 0.08) -> list[list[float]]:
    """One ``[low, high]`` per axis that holds every point of every frame (with a margin), so Plotly
    keeps the axes still while the points move."""
    points = np.concatenate(
        [np.concatenate([f.token_points, f.position_points, f.input_points]) for f in frames]
    )
    ranges = []
    for axis in range(3):
        low, high = float(points[:, axis].min()), float(points[:, axis].max())
        margin = pad * (high - low) or 1.0
        ranges.append([round(low - margin, 4), round(high + margin, 4)])
    return ranges


def _first_values(snapshot: Snapshot) -> dict[str, np.ndarray]:
    return {
        "token": snapshot.token_vectors[:, :FIRST_VALUES].numpy(),
        "position": snapshot.position_vectors[:, :FIRST_VALUES].numpy(),
        "input": snapshot.input_embeddings[:, :FIRST_VALUES].numpy(),
    }


def animation_figure(
    frames: Sequence[Projection],
    snapshots: Sequence[Snapshot],
    labels: Sequence[str],
    token_ids: Sequence[int],
    names: dict[str, str],
    texts: dict[str, str],
    *,
    camera: str = "default",
    height: int = 640,
    axis_titles: Sequence[str] | None = None,
) -> go.Figure:
    """The sentence's vectors moving during training: one Plotly frame per snapshot, drawn like the
    page's 3D view (:func:`embedviz.figures.space.space_figure`), axes fixed for all frames, a play and a
    pause button and a step slider.

    ``names`` are the 3D view's legend names; ``texts`` holds "play", "pause" and "step" (the slider's
    prefix) in the page's language; ``axis_titles`` the axes' titles as the page writes them. The scene is
    drawn to scale over the ranges of all frames."""
    drawn = [
        space_figure(
            frame,
            labels,
            token_ids,
            _first_values(snapshot),
            names,
            camera=camera,
            height=height,
            axis_titles=axis_titles,
        )
        for frame, snapshot in zip(frames, snapshots, strict=True)
    ]
    figure = drawn[0]
    figure.frames = [
        go.Frame(data=[_moving_part(trace) for trace in each.data], name=str(snapshot.step))
        for each, snapshot in zip(drawn, snapshots, strict=True)
    ]
    spans = fixed_ranges(frames)
    for axis, span in zip("xyz", spans, strict=True):
        figure.layout.scene[f"{axis}axis"].update(range=span, autorange=False)
    figure.layout.scene.aspectratio = aspect_of([high - low for low, high in spans])
    figure.update_layout(
        margin={"l": 0, "r": 0, "t": 10, "b": CONTROLS_HEIGHT},
        updatemenus=[_play_pause(texts)],
        sliders=[_step_slider(snapshots, texts["step"], height - 10 - CONTROLS_HEIGHT)],
    )
    return figure


def _moving_part(trace: go.Scatter3d) -> go.Scatter3d:
    """What changes from frame to frame: the coordinates, and the numbers the hover shows."""
    return go.Scatter3d(x=trace.x, y=trace.y, z=trace.z, customdata=trace.customdata)


def _play_pause(texts: dict[str, str]) -> dict:
    """Play runs through the frames from the current one; pause stops at the frame shown."""
    play = {"frame": {"duration": 350, "redraw": True}, "fromcurrent": True, "transition": {"duration": 0}}
    pause = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate", "transition": {"duration": 0}}
    return {
        "type": "buttons",
        "direction": "left",
        "showactive": False,
        "x": 0,
        "xanchor": "left",
        "y": 0,
        "yanchor": "top",
        "pad": {"t": 4, "r": 10},
        "buttons": [
            {"label": f"▶ {plain(texts['play'])}", "method": "animate", "args": [None, play]},
            {"label": f"‖ {plain(texts['pause'])}", "method": "animate", "args": [[None], pause]},
        ],
    }


def _step_slider(snapshots: Sequence[Snapshot], prefix: str, plot_height: float) -> dict:
    """One slider stop per snapshot, labelled with its step; the whole width, below the buttons (side by
    side they overlap on a phone)."""
    jump = {"frame": {"duration": 0, "redraw": True}, "mode": "immediate", "transition": {"duration": 0}}
    return {
        "active": 0,
        "x": 0,
        "len": 1,
        "y": -SLIDER_DROP / plot_height,
        "yanchor": "top",
        "pad": {"t": 0, "l": 10, "r": 10},
        "currentvalue": {"prefix": f"{plain(prefix)} ", "font": {"size": 15}},
        "steps": [
            {"label": str(s.step), "method": "animate", "args": [[str(s.step)], jump]} for s in snapshots
        ],
    }


def loss_figure(
    losses: Sequence[float], texts: dict[str, str], n_text_tokens: int, height: int = 300
) -> go.Figure:
    """The loss of every step, and the loss of a model that guesses uniformly among the text's
    ``n_text_tokens`` different tokens (ln of their number): where training starts.

    ``texts`` holds "step", "loss" and "uniform" (the dashed line's name) in the page's language."""
    steps = np.arange(1, len(losses) + 1, dtype=np.int32)
    figure = go.Figure(
        go.Scatter(
            x=steps,
            y=compact(np.asarray(losses, dtype=np.float64)),
            mode="lines",
            name=plain(texts["loss"]),
            line={"color": LOSS_COLOUR, "width": 2},
            hovertemplate=f"{plain(texts['step'])} %{{x}}: %{{y:.3f}}<extra></extra>",
        )
    )
    if n_text_tokens > 1:
        figure.add_hline(
            y=math.log(n_text_tokens),
            line={"color": GUESS_COLOUR, "dash": "dash", "width": 1},
            annotation={"text": plain(texts["uniform"]), "font": {"size": 13, "color": GUESS_TEXT_COLOUR}},
            annotation_position="top right",
        )
    figure.update_layout(
        font=FONT,
        height=height,
        margin={"l": 10, "r": 10, "t": 10, "b": 40},
        showlegend=False,
        xaxis={"title": {"text": plain(texts["step"])}, "rangemode": "tozero"},
        yaxis={"title": {"text": plain(texts["loss"])}, "rangemode": "tozero"},
    )
    return figure


def curve_figure(
    curve: PositionCurve,
    texts: dict[str, str],
    *,
    camera: str = "default",
    height: int = 460,
    axis_titles: Sequence[str] | None = None,
) -> go.Figure:
    """The position vectors 0, 1, 2, ... joined in order by a line, coloured from the first position
    (dark) to the last (yellow): a cloud for random tables, a smooth path for trained ones.
    ``texts`` holds "name" (legend) and "position" (colour bar and hover) in the page's language."""
    n = len(curve.points)
    order = np.arange(n, dtype=np.int32)
    trace = go.Scatter3d(
        x=compact(curve.points[:, 0]),
        y=compact(curve.points[:, 1]),
        z=compact(curve.points[:, 2]),
        mode="lines+markers",
        name=plain(texts["name"]),
        customdata=order,
        hovertemplate=f"{plain(texts['position'])} %{{customdata}}<extra></extra>",
        line={"color": order, "colorscale": "Viridis", "width": 3},
        marker={
            "size": 2.5,
            "color": order,
            "colorscale": "Viridis",
            "colorbar": {"title": {"text": plain(texts["position"])}, "thickness": 12, "len": 0.7},
        },
    )
    figure = scene_figure([trace], curve.ratio, camera=camera, height=height, axis_titles=axis_titles)
    figure.update_layout(showlegend=False)
    return figure
