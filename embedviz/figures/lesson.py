"""The lesson's figure: how alike the words of a group are, before and after training (pure Plotly).

One row per group of :data:`embedviz.lesson.GROUPS`, in the group's colour, plus a grey row for pairs of
words from different groups. Each row is a dumbbell: an open circle at step 0 (the mean cosine of the
random seeded embeddings, about 0 for every row) and a filled circle after the last step. The lesson is
the picture: the coloured rows move right (the words of a group now point the same way), the grey row
stays near 0 (words of different groups do not). A dashed line marks 0, what chance gives.

:func:`lesson_map_figure` shows the same thing as two maps of the group words (step 0, after training).
All texts are arguments (the page passes them in its language).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from embedviz.figures.style import ACROSS_COLOR, FONT, GROUP_COLORS, plain
from embedviz.lesson import GroupGap


def _two_places(value: float, decimal: str) -> str:
    """``value`` with two decimals and the given decimal mark; -0.001 is "0.00", not "-0.00"."""
    return f"{round(value, 2) + 0.0:.2f}".replace(".", decimal)


def lesson_figure(
    before: GroupGap,
    after: GroupGap,
    group_names: Sequence[str],
    texts: dict[str, str],
    height: int = 320,
    separators: str = ".,",
) -> go.Figure:
    """Dumbbells of the mean cosine within each group and across groups, at step 0 and after training.

    ``group_names`` are the groups' names in the order of ``before.per_group``; ``texts`` holds "start"
    and "end" (the two circles' legend names, e.g. "step 0", "after 100 steps"), "across" (the grey
    row's name) and "axis" (the x axis title). ``separators`` are Plotly's decimal and thousands marks
    (``",."`` for German); the values written next to the circles use the same decimal mark."""
    if len(group_names) != len(before.per_group) or len(after.per_group) != len(before.per_group):
        raise ValueError("one name per group, and the same groups before and after")
    names = [plain(name) for name in group_names] + [plain(texts["across"])]
    colors = [GROUP_COLORS[k % len(GROUP_COLORS)] for k in range(len(group_names))] + [ACROSS_COLOR]
    starts = [*before.per_group, before.across]
    ends = [*after.per_group, after.across]
    figure = go.Figure()
    for name, color, start, end in zip(names, colors, starts, ends, strict=True):
        figure.add_trace(
            go.Scatter(
                x=[start, end],
                y=[name, name],
                mode="lines",
                line={"color": color, "width": 4},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    for key, values, symbol in (("start", starts, "circle-open"), ("end", ends, "circle")):
        label = plain(texts[key])
        marker = {"symbol": symbol, "size": 16, "line": {"width": 3}}
        figure.add_trace(
            go.Scatter(
                x=values,
                y=names,
                mode="markers+text" if key == "end" else "markers",
                name=label,
                marker={**marker, "color": colors, "line": {"width": 3, "color": colors}},
                text=[_two_places(value, separators[0]) for value in values] if key == "end" else None,
                textposition="middle right",
                hovertemplate=f"%{{y}}, {label}: %{{x:.3f}}<extra></extra>",
                showlegend=False,
            )
        )
        # The legend's entry: the same circle in grey (the data trace's circles have every group's colour).
        grey = {**marker, "color": ACROSS_COLOR, "line": {"width": 3, "color": ACROSS_COLOR}}
        figure.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=label, marker=grey))
    figure.add_vline(x=0, line={"color": ACROSS_COLOR, "dash": "dash", "width": 1})
    figure.update_layout(
        font=FONT,
        separators=separators,
        height=height,
        margin={"l": 10, "r": 10, "t": 10, "b": 40},
        legend={"orientation": "h", "y": -0.25, "x": 0, "itemclick": False, "itemdoubleclick": False},
        xaxis={
            "title": {"text": plain(texts["axis"])},
            "zeroline": False,
            # room for the values written right of the filled circles
            "range": [min(0.0, *starts, *ends) - 0.05, max(0.0, *starts, *ends) + 0.15],
        },
        yaxis={"autorange": "reversed"},
    )
    return figure


def lesson_map_figure(
    start: np.ndarray,
    end: np.ndarray,
    labels: Sequence[int],
    words: Sequence[str],
    group_names: Sequence[str],
    texts: dict[str, str],
    height: int = 420,
) -> go.Figure:
    """Two maps of the group words side by side, at step 0 (``start``) and after training (``end``), each
    ``(n_words, 2)`` (:func:`embedviz.lesson.map_points`, one PCA per map), every word in its group's
    colour. At step 0 the colours are mixed; after training each group is a cluster.

    ``labels[i]`` is word ``i``'s group (an index into ``group_names``); ``texts`` holds "start" and
    "end" (the two maps' titles)."""
    if not len(start) == len(end) == len(labels) == len(words):
        raise ValueError("one label and one word per point, the same points in both maps")
    figure = make_subplots(rows=1, cols=2, subplot_titles=[plain(texts["start"]), plain(texts["end"])])
    for col, points in ((1, start), (2, end)):
        for group, name in enumerate(group_names):
            rows = [i for i, label in enumerate(labels) if label == group]
            figure.add_trace(
                go.Scatter(
                    x=points[rows, 0],
                    y=points[rows, 1],
                    mode="markers+text",
                    name=plain(name),
                    legendgroup=str(group),
                    showlegend=col == 1,
                    marker={"size": 12, "color": GROUP_COLORS[group % len(GROUP_COLORS)]},
                    text=[plain(words[i]) for i in rows],
                    textposition="top center",
                    textfont={"size": 14},
                    hovertemplate="%{text}<extra></extra>",
                ),
                row=1,
                col=col,
            )
    figure.update_xaxes(showticklabels=False, zeroline=False)
    figure.update_yaxes(showticklabels=False, zeroline=False)
    figure.update_layout(
        font=FONT,
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "y": -0.05, "x": 0, "itemdoubleclick": False},
    )
    return figure


__all__ = ["lesson_figure", "lesson_map_figure"]
