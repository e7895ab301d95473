"""The 3D space: token, position and input embeddings as points (and arrows) in one PCA space.

Pure functions of the numbers (no Streamlit); the page passes in its texts. Colours and fonts come from
:mod:`embedviz.figures.style`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from embedviz.figures.labels import label_positions
from embedviz.figures.style import CAMERAS, COLORS, FONT, compact, plain
from embedviz.projection import Projection

#: Above this many tokens the 3D view drops its text labels (hover still names every point).
MAX_LABELLED_TOKENS = 40
#: Text sizes in px, for a classroom projector: labels of the points, and axes, ticks and legend
#: (at least 16 px on a 1080p screen; Plotly draws 3D text at this pixel size whatever the zoom).
LABEL_SIZE = 18
TEXT_SIZE = 16


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
    textposition: str | list[str] = "top center",
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
        textposition=textposition,
        textfont={"size": LABEL_SIZE, "color": color},
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
    height: int | None = 640,
    axis_titles: Sequence[str] | None = None,
) -> go.Figure:
    """The 3D view: token vectors, position vectors and input embeddings in one PCA space, with a line
    from each token point to its input point (that displacement is the position vector).

    ``first_values[kind]`` holds each point's first vector components for the hover; ``names`` the legend
    names for "token", "position", "input", "arrow" and the hover words "position" ("pos") and "id";
    ``axis_titles`` the axes' titles in the page's language. Repeated tokens share one token point (drawn
    once per occurrence, labelled once).

    Only the token points carry a text label: with "p4" and "cat·2" next to every word, the labels of a
    short sentence piled up in the middle of the view. The dashed line leads from a word to its input
    point; hovering any point names it (word, id, position, first values).
    """
    n = len(token_labels)
    labelled = n <= MAX_LABELLED_TOKENS
    safe = [plain(label) for label in token_labels]
    seen: set[int] = set()
    token_text = []
    for label, token_id in zip(safe, token_ids, strict=True):
        word = label.replace("␣", " ").strip() or label  # "␣the" reads "the" next to its point
        token_text.append(word if labelled and token_id not in seen else "")
        seen.add(token_id)
    size = round(7 * marker_scale)
    others = np.concatenate([projection.position_points, projection.input_points])
    sides = label_positions(
        projection.token_points,
        token_text,
        CAMERAS.get(camera, CAMERAS["default"]),
        others=others,
        height=height or 640,
        size=LABEL_SIZE,
        marker=size,
    )

    # Per point: id, position and the first values as numbers; the template writes them out in the browser.
    ids_and_positions = np.stack([np.asarray(token_ids, dtype=np.float32), np.arange(n, dtype=np.float32)], 1)
    template = (
        f"<b>%{{hovertext}}</b><br>{plain(names.get('id', 'id'))} %{{customdata[0]}} · "
        f"{plain(names['pos'])} %{{customdata[1]}}<br>"
        + ", ".join(f"%{{customdata[{2 + j}]:.4f}}" for j in range(first_values["token"].shape[1]))
        + ", …<extra>%{fullData.name}</extra>"
    )

    def hover(kind: str) -> dict:
        customdata = np.concatenate([ids_and_positions, first_values[kind].astype(np.float32)], axis=1)
        return {"hover": safe, "customdata": customdata, "hovertemplate": template}

    # Outlined only while labelled (outline=labelled): at 1,024 tokens the rings cost the browser more
    # CPU per redraw than the rest of the chart (docs/performance.md).
    hover_only = [""] * n
    traces = [
        points_trace(
            projection.token_points,
            "token",
            names["token"],
            token_text,
            symbol="diamond",
            size=size,
            outline=labelled,
            textposition=sides,
            **hover("token"),
        ),
        points_trace(
            projection.position_points,
            "position",
            names["position"],
            hover_only,
            symbol="square",
            size=round(size * 0.8),
            outline=labelled,
            **hover("position"),
        ),
        points_trace(
            projection.input_points,
            "input",
            names["input"],
            hover_only,
            symbol="circle",
            size=size,
            outline=labelled,
            **hover("input"),
        ),
    ]
    traces.append(segments_trace(projection.token_points, projection.input_points, names["arrow"]))
    ratio = projection.explained_variance_ratio
    return scene_figure(traces, ratio, camera=camera, height=height, axis_titles=axis_titles)


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


def to_scale(traces: list) -> dict[str, float]:
    """``scene.aspectratio`` that draws the points to scale: each axis as long as the points' range on
    it, the longest 1. PCA's third axis is usually the shortest; a cube would stretch it to the first's
    length and distort every distance and angle. An axis with (almost) no spread, e.g. a padded one,
    keeps a sliver (:data:`MIN_ASPECT`) so the scene stays a box."""
    ranges = []
    for axis in "xyz":
        values = [np.asarray(getattr(trace, axis), dtype=np.float64) for trace in traces]
        values = np.concatenate([v.ravel() for v in values]) if values else np.zeros(0)
        values = values[np.isfinite(values)]
        ranges.append(float(np.ptp(values)) if values.size else 0.0)
    return aspect_of(ranges)


def aspect_of(extents: Sequence[float]) -> dict[str, float]:
    """``scene.aspectratio`` for axes of these lengths (x, y, z): the longest 1, the others in
    proportion, none shorter than :data:`MIN_ASPECT`."""
    ranges = [float(extent) for extent in extents]
    longest = max(ranges)
    if longest <= 0.0:
        return {"x": 1.0, "y": 1.0, "z": 1.0}
    return {axis: max(extent / longest, MIN_ASPECT) for axis, extent in zip("xyz", ranges, strict=True)}


#: The shortest axis of a 3D scene, as a share of the longest (an axis with no spread at all).
MIN_ASPECT = 0.05


def scene_figure(
    traces: list,
    ratio: np.ndarray,
    *,
    camera: str = "default",
    height: int | None = 640,
    axis_titles: Sequence[str] | None = None,
) -> go.Figure:
    """A 3D figure of PCA points drawn to scale (:func:`to_scale`): axes titled with the variance each
    keeps (``axis_titles``: the page's own, e.g. „PC1 (18,5 %)“; default English), a preset camera, a
    legend on top. ``height=None`` leaves the height to the chart's box (presenter mode sizes it to the
    screen)."""
    titles = list(axis_titles) if axis_titles else [f"PC{i + 1} ({ratio[i]:.1%})" for i in range(3)]
    axes = {
        f"{axis}axis": {"title": {"text": titles[i]}, "backgroundcolor": "#f8fafc"}
        for i, axis in enumerate("xyz")
    }
    figure = go.Figure(traces)
    figure.update_layout(
        font={**FONT, "size": TEXT_SIZE},
        height=height,
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        legend={"orientation": "h", "y": 1.02, "x": 0, "font": {"size": TEXT_SIZE}},
        scene={
            **axes,
            "camera": CAMERAS.get(camera, CAMERAS["default"]),
            "aspectmode": "manual",
            "aspectratio": to_scale(traces),
        },
        # Keep the user's camera, zoom and legend toggles across reruns; a new preset resets the camera.
        uirevision=f"embedviz-{camera}",
    )
    return figure
