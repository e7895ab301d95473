"""The figure dicts of embedviz/figures/spec.py: the JSON the page sends, built without Plotly's objects.

Two independent checks per figure, over several inputs:

* Plotly's own validation accepts the dict unchanged: ``go.Figure(figure_dict)`` raises nothing, and its
  ``to_json()`` is the JSON :func:`embedviz.figures.spec.figure_json` writes (the same keys and values;
  plotly's objects write a trace's keys in their own order);
* the JSON equals, key for key and type for type, that of the figure the same arguments gave when the
  builders still made ``go.Figure`` objects with ``update_layout`` chains (the ``reference_*`` builders
  below are those builders, kept here as they were).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
import pytest

import embedviz
from embedviz.figures.cosines import MAX_WRITTEN_TOKENS, cosine_heatmap
from embedviz.figures.labels import label_positions
from embedviz.figures.space import LABEL_SIZE, MAX_LABELLED_TOKENS, MIN_ASPECT, TEXT_SIZE, space_figure_dict
from embedviz.figures.spec import figure_json
from embedviz.figures.style import CAMERAS, COLORS, FONT, compact, plain
from embedviz.figures.vectors import MAX_HEATMAP_COLS, MAX_HEATMAP_ROWS, heatmap
from embedviz.ui.plotly_host import space_point_ids, with_point_ids
from embedviz.ui.sections import space3d

NAMES = {
    "token": "Token",
    "position": "Position",
    "input": "Eingabe",
    "arrow": "Pfeil",
    "pos": "Pos.",
    "id": "ID",
}


# ---------------------------------------------------------------------------------------------------------
# The reference: the builders as go.Figure objects with update_layout chains
# ---------------------------------------------------------------------------------------------------------


def reference_points_trace(
    points, kind, name, labels, hover, symbol, size, color=None, customdata=None, hovertemplate=None,
    outline=True, textposition="top center",
):  # fmt: skip
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


def reference_segments_trace(starts, ends, name, color=COLORS["arrow"]):
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


def reference_to_scale(traces):
    ranges = []
    for axis in "xyz":
        values = [np.asarray(getattr(trace, axis), dtype=np.float64) for trace in traces]
        values = np.concatenate([v.ravel() for v in values]) if values else np.zeros(0)
        values = values[np.isfinite(values)]
        ranges.append(float(np.ptp(values)) if values.size else 0.0)
    longest = max(ranges)
    if longest <= 0.0:
        return {"x": 1.0, "y": 1.0, "z": 1.0}
    return {axis: max(extent / longest, MIN_ASPECT) for axis, extent in zip("xyz", ranges, strict=True)}


def reference_scene_figure(traces, ratio, *, camera="default", height=640, axis_titles=None):
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
            "aspectratio": reference_to_scale(traces),
        },
        uirevision=f"embedviz-{camera}",
    )
    return figure


def reference_space_figure(
    projection,
    token_labels,
    token_ids,
    first_values,
    names,
    *,
    camera="default",
    marker_scale=1.0,
    height=640,
    axis_titles=None,
):
    n = len(token_labels)
    labelled = n <= MAX_LABELLED_TOKENS
    safe = [plain(label) for label in token_labels]
    seen: set[int] = set()
    token_text = []
    for label, token_id in zip(safe, token_ids, strict=True):
        word = label.replace("␣", " ").strip() or label
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
    ids_and_positions = np.stack([np.asarray(token_ids, dtype=np.float32), np.arange(n, dtype=np.float32)], 1)
    template = (
        f"<b>%{{hovertext}}</b><br>{plain(names.get('id', 'id'))} %{{customdata[0]}} · "
        f"{plain(names['pos'])} %{{customdata[1]}}<br>"
        + ", ".join(f"%{{customdata[{2 + j}]:.4f}}" for j in range(first_values["token"].shape[1]))
        + ", …<extra>%{fullData.name}</extra>"
    )

    def hover(kind):
        customdata = np.concatenate([ids_and_positions, first_values[kind].astype(np.float32)], axis=1)
        return {"hover": safe, "customdata": customdata, "hovertemplate": template}

    hover_only = [""] * n
    traces = [
        reference_points_trace(
            projection.token_points, "token", names["token"], token_text, symbol="diamond", size=size,
            outline=labelled, textposition=sides, **hover("token"),
        ),
        reference_points_trace(
            projection.position_points, "position", names["position"], hover_only, symbol="square",
            size=round(size * 0.8), outline=labelled, **hover("position"),
        ),
        reference_points_trace(
            projection.input_points, "input", names["input"], hover_only, symbol="circle", size=size,
            outline=labelled, **hover("input"),
        ),
    ]  # fmt: skip
    traces.append(reference_segments_trace(projection.token_points, projection.input_points, names["arrow"]))
    ratio = projection.explained_variance_ratio
    return reference_scene_figure(traces, ratio, camera=camera, height=height, axis_titles=axis_titles)


def reference_heatmap(
    values, row_labels, *, title="", height=None, highlight_row=None, show_values=False, x_title,
    y_title=None, column_labels=None, hover="%{y}<br>dim %{x}: %{z:.4f}", limit=None, marked_rows=(),
):  # fmt: skip
    shown = np.round(values[:MAX_HEATMAP_ROWS, :MAX_HEATMAP_COLS].astype(np.float64), 4).astype(np.float32)
    labels = [plain(label) for label in row_labels[:MAX_HEATMAP_ROWS]]
    if limit is None:
        limit = float(np.abs(shown).max()) if shown.size else 1.0
    numbered = column_labels is None
    if numbered:
        columns = np.arange(shown.shape[1], dtype=np.int32)
    else:
        columns = [plain(label) for label in column_labels[:MAX_HEATMAP_COLS]]
    figure = go.Figure(
        go.Heatmap(
            z=shown, y=labels, x=columns, colorscale="RdBu_r", zmid=0, zmin=-limit, zmax=limit,
            hovertemplate=hover + "<extra></extra>", colorbar={"thickness": 14, "len": 0.9},
            texttemplate="%{z:.4f}" if show_values else None,
        )
    )  # fmt: skip
    framed = [(highlight_row, "solid", 4)] if highlight_row is not None else []
    framed += [(row, "dash", 3) for row in marked_rows]
    for row, dash, width in framed:
        if 0 <= row < len(labels):
            figure.add_shape(
                type="rect", x0=-0.5, x1=shown.shape[1] - 0.5, y0=row - 0.5, y1=row + 0.5,
                line={"color": FONT["color"], "width": width, "dash": dash},
            )  # fmt: skip
    figure.update_yaxes(autorange="reversed", title=y_title, type="category", automargin=True)
    figure.update_xaxes(title=x_title, automargin=True)
    if not numbered:
        figure.update_xaxes(type="category")
    if numbered and shown.shape[1] <= 16:
        figure.update_xaxes(tickmode="array", tickvals=list(range(shown.shape[1])))
    figure.update_layout(
        title={"text": title, "font": {"size": 16}},
        font=FONT,
        height=height or min(120 + 26 * len(labels), 700),
        margin={"l": 10, "r": 10, "t": 40 if title else 10, "b": 40},
    )
    return figure


def reference_cosine_heatmap(
    matrix: np.ndarray, labels: Sequence[str], texts: Mapping[str, str], *, height=None, separators=".,"
):
    figure = reference_heatmap(
        matrix,
        labels,
        column_labels=labels,
        x_title=texts["axis"],
        hover=f"%{{y}} · %{{x}}<br>{plain(texts['cosine'])}: %{{z:.4f}}",
        limit=1.0,
        height=height,
        show_values=len(labels) <= MAX_WRITTEN_TOKENS,
    )
    figure.update_layout(separators=separators)
    figure.update_xaxes(side="top")
    return figure


# ---------------------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------------------


def same_json(new, old, where: str = "figure") -> None:
    """Equal key for key, and each value of the same JSON type (1 and 1.0 differ). An empty object sets
    nothing in plotly.js: ``{"title": {}}`` (what ``update_yaxes(title=None)`` left) counts as no title."""
    assert type(new) is type(old), f"{where}: {type(new).__name__} != {type(old).__name__}"
    if isinstance(new, dict):
        new, old = ({k: v for k, v in d.items() if v != {}} for d in (new, old))
        assert new.keys() == old.keys(), f"{where}: keys {sorted(new.keys() ^ old.keys())} differ"
        for key in new:
            same_json(new[key], old[key], f"{where}.{key}")
    elif isinstance(new, list):
        assert len(new) == len(old), f"{where}: {len(new)} != {len(old)} items"
        for i, (a, b) in enumerate(zip(new, old, strict=True)):
            same_json(a, b, f"{where}[{i}]")
    else:
        assert new == old, f"{where}: {new!r} != {old!r}"


def check(figure_dict: dict, reference: go.Figure) -> None:
    sent = figure_json(figure_dict)
    validated = go.Figure(figure_dict)  # plotly's validation: raises on any unknown or invalid property
    same_json(json.loads(sent), json.loads(validated.to_json()))
    same_json(json.loads(sent), json.loads(reference.to_json()))


SENTENCES = [
    "cat",
    "the cat sat on the mat",
    '<b>bold</b> & "quotes" the the the 3.14 Ünïcödé 🙂',
    " ".join(f"word{i}" for i in range(30)),  # more than MAX_LABELLED_TOKENS tokens: no labels
]


@pytest.mark.parametrize("text", SENTENCES)
@pytest.mark.parametrize(
    ("dim", "camera", "marker_scale", "height"),
    [(16, "default", 1.0, 640), (3, "top", 1.6, None), (64, "side", 1.0, 500)],
)
@pytest.mark.parametrize("axis_titles", [None, ["PC1 (18,5 %)", "PC2 (9,0 %)", "PC3 (<b>4</b> %)"]])
def test_space_figure_dict_is_the_figure_of_before(
    text, dim, camera, marker_scale, height, axis_titles
) -> None:
    result = embedviz.embed(text, dim=dim, seed=7)
    projection = embedviz.project(result.token_vectors, result.position_vectors, result.input_embeddings)
    first = {
        "token": result.token_vectors[:, :3].numpy(),
        "position": result.position_vectors[:, :3].numpy(),
        "input": result.input_embeddings[:, :3].numpy(),
    }
    labels = [token.display for token in result.tokens]
    arguments = (projection, labels, result.token_ids, first, NAMES)
    options = {"camera": camera, "marker_scale": marker_scale, "height": height, "axis_titles": axis_titles}
    new = with_point_ids(space_figure_dict(*arguments, **options), space_point_ids(result.token_ids))
    old = with_point_ids(reference_space_figure(*arguments, **options), space_point_ids(result.token_ids))
    check(new, old)


def test_the_page_sends_the_figure_dict() -> None:
    result = embedviz.embed("the cat sat on the mat", dim=32, seed=3)
    projection = embedviz.project(result.token_vectors, result.position_vectors, result.input_embeddings)
    as_dict = space3d.figure_for(result, projection, "front", names=NAMES, as_dict=True)
    as_figure = space3d.figure_for(result, projection, "front", names=NAMES)
    assert isinstance(as_dict, dict)
    same_json(json.loads(figure_json(as_dict)), json.loads(as_figure.to_json()))


HEATMAPS = [
    ({}, (6, 3)),
    ({"highlight_row": 2, "show_values": True, "height": 300, "title": "Blue = negative"}, (6, 3)),
    ({"y_title": "tokens", "limit": 2.5}, (12, 40)),
    ({"column_labels": [f"{i}: <i>w</i>" for i in range(5)]}, (5, 5)),
    ({}, (200, 300)),  # cut to MAX_HEATMAP_ROWS x MAX_HEATMAP_COLS
    ({"highlight_row": 9}, (4, 16)),  # a row outside the table: no frame
    ({"marked_rows": (1, 3, 7)}, (5, 8)),  # dashed frames, the one outside the table left out
    ({"highlight_row": 0, "marked_rows": (2,)}, (3, 3)),
]


@pytest.mark.parametrize(("options", "shape"), HEATMAPS)
def test_heatmap_is_the_figure_of_before(options: dict, shape: tuple[int, int]) -> None:
    values = np.random.default_rng(sum(shape)).normal(size=shape).astype(np.float32)
    labels = [f"{i}: ␣tok<{i}>" for i in range(shape[0])]
    check(
        heatmap(values, labels, x_title="dim", **options),
        reference_heatmap(values, labels, x_title="dim", **options),
    )


@pytest.mark.parametrize("n", [1, 4, MAX_WRITTEN_TOKENS + 1, 40])
@pytest.mark.parametrize("separators", [".,", ",."])
def test_cosine_heatmap_is_the_figure_of_before(n: int, separators: str) -> None:
    result = embedviz.embed(" ".join(["the cat sat on the mat"] * 8), dim=24, seed=5)
    vectors = result.input_embeddings[:n].numpy().astype(np.float64)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    matrix = unit @ unit.T  # the cosines, computed here with numpy
    labels = [f"{i}: {token.display}" for i, token in enumerate(result.tokens[:n])]
    texts = {"axis": "Token <b>", "cosine": "Kosinus"}
    new = cosine_heatmap(matrix, labels, texts, separators=separators)
    check(new, reference_cosine_heatmap(matrix, labels, texts, separators=separators))


def test_figure_json_leaves_the_dict_as_it_was() -> None:
    figure = heatmap(np.eye(3, dtype=np.float32), ["a", "b", "c"], x_title="dim")
    figure_json(figure)
    assert isinstance(figure["data"][0]["z"], np.ndarray)
    assert "template" not in figure["layout"]
