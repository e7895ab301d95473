"""Plotly figures, as pure functions of the numbers (no Streamlit; the page passes in its texts).

Colours are chosen for a classroom projector: saturated hues on white, one per kind of vector, used
the same way in every figure and chip.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from embedviz.projection import Projection

COLORS = {"token": "#1d4ed8", "position": "#d97706", "input": "#c026d3", "arrow": "#475569"}
#: A heatmap shows at most this many rows (tokens) and columns (dimensions): bigger ones are cut, and
#: the page says which part is shown (a 1,024 x 768 heatmap would be 786k cells of JSON every rerun).
MAX_HEATMAP_ROWS = 128
MAX_HEATMAP_COLS = 128
#: Above this many tokens the 3D view drops its text labels (hover still names every point).
MAX_LABELLED_TOKENS = 40
CAMERAS = {
    "default": {"eye": {"x": 1.45, "y": 1.45, "z": 0.9}, "up": {"x": 0, "y": 0, "z": 1}},
    "top": {"eye": {"x": 0.0, "y": 0.0, "z": 2.4}, "up": {"x": 0, "y": 1, "z": 0}},
    "front": {"eye": {"x": 0.0, "y": -2.4, "z": 0.0}, "up": {"x": 0, "y": 0, "z": 1}},
    "side": {"eye": {"x": 2.4, "y": 0.0, "z": 0.0}, "up": {"x": 0, "y": 0, "z": 1}},
}
FONT = {"family": "Source Sans Pro, Arial, sans-serif", "size": 15, "color": "#0f172a"}


def compact(values: np.ndarray) -> np.ndarray:
    """Coordinates for the browser: 4 decimals are plenty on screen, and float32 halves the JSON."""
    return np.round(np.asarray(values, dtype=np.float64), 4).astype(np.float32)


def plain(text: str) -> str:
    """Escape user text for Plotly, which renders a few HTML tags (<b>, <a href>, <br>) in labels."""
    return html.escape(text, quote=False)


def heatmap(
    values: np.ndarray,
    row_labels: Sequence[str],
    *,
    title: str = "",
    height: int | None = None,
    highlight_row: int | None = None,
    show_values: bool = False,
    x_title: str = "dimension",
) -> go.Figure:
    """A diverging heatmap (blue negative, white 0, red positive) of the top-left part of ``values``:
    at most MAX_HEATMAP_ROWS rows and MAX_HEATMAP_COLS columns, values rounded to 4 decimals.
    ``highlight_row`` frames one row (a lookup); ``show_values`` writes the numbers into small heatmaps."""
    # Rounded in float64 (float32 rounding would get ties wrong), then sent as float32: half the bytes.
    shown = np.round(values[:MAX_HEATMAP_ROWS, :MAX_HEATMAP_COLS].astype(np.float64), 4).astype(np.float32)
    labels = [plain(label) for label in row_labels[:MAX_HEATMAP_ROWS]]
    limit = float(np.abs(shown).max()) if shown.size else 1.0
    figure = go.Figure(
        go.Heatmap(
            z=shown,
            y=labels,  # unique ("3: ␣on"), so the row axis is categorical and the hover can name the row
            x=np.arange(shown.shape[1], dtype=np.int32),
            colorscale="RdBu_r",
            zmid=0,
            zmin=-limit,
            zmax=limit,
            hovertemplate="%{y}<br>dim %{x}: %{z:.4f}<extra></extra>",
            colorbar={"thickness": 14, "len": 0.9},
            texttemplate="%{z:.4f}" if show_values else None,
        )
    )
    if highlight_row is not None and 0 <= highlight_row < len(labels):
        figure.add_shape(
            type="rect",
            x0=-0.5,
            x1=shown.shape[1] - 0.5,
            y0=highlight_row - 0.5,
            y1=highlight_row + 0.5,
            line={"color": FONT["color"], "width": 4},
        )
    figure.update_yaxes(autorange="reversed", title=None, type="category")
    figure.update_xaxes(title=x_title)
    if shown.shape[1] <= 16:  # whole numbers only: no "dimension 0.5" between a few columns
        figure.update_xaxes(tickmode="array", tickvals=list(range(shown.shape[1])))
    figure.update_layout(
        title={"text": title, "font": {"size": 16}},
        font=FONT,
        height=height or min(120 + 26 * len(labels), 700),
        margin={"l": 10, "r": 10, "t": 40 if title else 10, "b": 40},
    )
    return figure


def points_trace(
    points: np.ndarray,
    kind: str,
    name: str,
    labels: list[str],
    hover: list[str],
    symbol: str,
    size: int,
    color: str | None = None,
    customdata: np.ndarray | None = None,
    hovertemplate: str | None = None,
    outline: bool = True,
) -> go.Scatter3d:
    """One set of 3D points, in the colour of its ``kind`` (or ``color``). The hover shows ``hover``, or
    ``hovertemplate`` filled from ``customdata`` (numbers travel as compact binary arrays, not text).
    ``outline`` draws a white ring around each marker (it separates a few overlapping points; for
    thousands of points it only costs drawing time)."""
    color = color or COLORS[kind]
    return go.Scatter3d(
        x=compact(points[:, 0]),
        y=compact(points[:, 1]),
        z=compact(points[:, 2]),
        mode="markers+text" if any(labels) else "markers",
        name=name,
        text=labels if any(labels) else None,
        textposition="top center",
        textfont={"size": 15, "color": color},
        hovertext=hover,
        hoverinfo="text" if hovertemplate is None else None,
        customdata=customdata,
        hovertemplate=hovertemplate,
        marker={
            "size": size,
            "color": color,
            "symbol": symbol,
            "line": {"width": 1 if outline else 0, "color": "white"},
        },
    )


def space_figure(
    projection: Projection,
    token_labels: Sequence[str],
    token_ids: Sequence[int],
    first_values: dict[str, np.ndarray],
    names: dict[str, str],
    *,
    camera: str = "default",
    marker_scale: float = 1.0,
    height: int = 640,
) -> go.Figure:
    """The 3D view: token vectors, position vectors and input embeddings in one PCA space, with a line
    from each token point to its input point (that displacement is the position vector).

    ``first_values[kind]`` holds each point's first vector components for the hover; ``names`` the legend
    names for "token", "position", "input", "arrow" and the hover word "position" ("pos"). Repeated
    tokens share one token point (drawn once per occurrence, labelled once).
    """
    n = len(token_labels)
    labelled = n <= MAX_LABELLED_TOKENS
    safe = [plain(label) for label in token_labels]
    seen: set[int] = set()
    token_text = []
    for label, token_id in zip(safe, token_ids, strict=True):
        token_text.append(label if labelled and token_id not in seen else "")
        seen.add(token_id)

    # Per point: id, position and the first values as numbers; the template writes them out in the browser.
    ids_and_positions = np.stack([np.asarray(token_ids, dtype=np.float32), np.arange(n, dtype=np.float32)], 1)
    template = (
        f"<b>%{{hovertext}}</b><br>id %{{customdata[0]}} · {plain(names['pos'])} %{{customdata[1]}}<br>"
        + ", ".join(f"%{{customdata[{2 + j}]:.4f}}" for j in range(first_values["token"].shape[1]))
        + ", …<extra>%{fullData.name}</extra>"
    )

    def hover(kind: str) -> dict:
        customdata = np.concatenate([ids_and_positions, first_values[kind].astype(np.float32)], axis=1)
        return {"hover": safe, "customdata": customdata, "hovertemplate": template}

    size = round(7 * marker_scale)
    # Outlined only while labelled (outline=labelled): at 1,024 tokens the rings cost ~0.35 s of browser
    # CPU per redraw.
    position_text = [f"p{i}" if labelled else "" for i in range(n)]
    input_text = [f"{safe[i]}·{i}" if labelled else "" for i in range(n)]
    traces = [
        points_trace(
            projection.token_points,
            "token",
            names["token"],
            token_text,
            symbol="diamond",
            size=size,
            outline=labelled,
            **hover("token"),
        ),
        points_trace(
            projection.position_points,
            "position",
            names["position"],
            position_text,
            symbol="square",
            size=round(size * 0.8),
            outline=labelled,
            **hover("position"),
        ),
        points_trace(
            projection.input_points,
            "input",
            names["input"],
            input_text,
            symbol="circle",
            size=size,
            outline=labelled,
            **hover("input"),
        ),
    ]
    traces.append(segments_trace(projection.token_points, projection.input_points, names["arrow"]))
    return scene_figure(traces, projection.explained_variance_ratio, camera=camera, height=height)


def segments_trace(
    starts: np.ndarray, ends: np.ndarray, name: str, color: str = COLORS["arrow"]
) -> go.Scatter3d:
    """Dashed lines from each start point to its end point (token vector -> input embedding), one trace."""
    segments = np.full((3 * len(starts), 3), np.nan)
    segments[0::3] = starts
    segments[1::3] = ends
    return go.Scatter3d(
        x=compact(segments[:, 0]),
        y=compact(segments[:, 1]),
        z=compact(segments[:, 2]),
        mode="lines",
        name=name,
        line={"color": color, "width": 3, "dash": "dash"},
        hoverinfo="skip",
    )


def scene_figure(traces: list, ratio: np.ndarray, *, camera: str = "default", height: int = 640) -> go.Figure:
    """A 3D figure of PCA points: axes titled with the variance each keeps, a preset camera, a legend
    on top."""
    axes = {
        f"{axis}axis": {"title": {"text": f"PC{i + 1} ({ratio[i]:.1%})"}, "backgroundcolor": "#f8fafc"}
        for i, axis in enumerate("xyz")
    }
    figure = go.Figure(traces)
    figure.update_layout(
        font=FONT,
        height=height,
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        legend={"orientation": "h", "y": 1.02, "x": 0, "font": {"size": 15}},
        scene={**axes, "camera": CAMERAS.get(camera, CAMERAS["default"]), "aspectmode": "cube"},
        # Keep the user's camera, zoom and legend toggles across reruns; a new preset resets the camera.
        uirevision=f"embedviz-{camera}",
    )
    return figure
