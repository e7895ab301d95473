"""The class board's 3D figure: every token of every entry, one PCA, each point labelled with its token."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from embedviz.board import BoardSpace
from embedviz.figures.space import points_trace, scene_figure
from embedviz.figures.style import GROUP_COLORS, plain


def board_figure(space: BoardSpace, name: str, hover: Sequence[str], *, height: int = 560) -> go.Figure:
    """One trace of points (the input embeddings), coloured by entry, labelled with their tokens.

    ``hover`` is one line per point (the page words it: entry text and nickname); every label and hover
    text is user text and is escaped here, since Plotly renders a few HTML tags in labels."""
    labels = [plain(token.display) for token in space.tokens]
    colors = [GROUP_COLORS[entry.number % len(GROUP_COLORS)] for entry in space.entries]
    trace = points_trace(
        space.coords, "input", name, labels, [plain(line) for line in hover], "circle", 6, outline=False
    )
    trace["marker"]["color"] = colors
    trace["textfont"]["color"] = colors
    trace["ids"] = [
        f"{entry.number}:{position}" for entry, position in zip(space.entries, space.positions, strict=True)
    ]
    return scene_figure([trace], space.ratio, height=height)
