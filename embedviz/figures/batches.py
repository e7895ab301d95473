"""Batches as pictures: where a batch's windows sit on the text (a ruler), and tensors as stacks of cards.

Pure functions (no Streamlit); the page passes in its texts and colours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from embedviz.figures.style import FONT, plain

#: Up to this many tokens the ruler labels every token, with its text; above, Plotly picks the ticks.
MAX_RULER_LABELS = 12
#: Above this many tokens a window's bar is too thin to see: a marker shows where it sits.
MAX_RULER_BARS = 80


def ruler_figure(
    starts: Sequence[int],
    max_length: int,
    colors: Sequence[str],
    token_labels: dict[int, str],
    names: dict[str, str],
) -> go.Figure:
    """The token index ruler: one bar per window of the batch (row = sample), drawn over the token
    indices it covers. Bars that overlap share tokens; empty columns between bars are skipped tokens.

    ``token_labels`` maps token indices to their visible text, shown under the ticks when there are few;
    ``names`` holds the texts "axis" (x title), "sample" (y title and hover) and "tokens" (hover).
    """
    rows = list(range(len(starts)))
    row_colors = [colors[r % len(colors)] for r in rows]
    low, high = min(starts), max(starts) + max_length - 1
    wide = high - low + 1 > MAX_RULER_BARS
    pad = 0.03 * (high - low) if wide else 0.6  # room for the markers at the ends
    figure = go.Figure(
        go.Bar(
            orientation="h",
            y=rows,
            base=[s - 0.5 for s in starts],
            x=[max_length] * len(starts),
            marker={"color": row_colors, "line": {"color": "white", "width": 0 if wide else 1}},
            text=[f"{s}–{s + max_length - 1}" for s in starts],
            textposition="none" if wide else "inside",
            insidetextanchor="middle",
            hovertemplate=f"{names['sample']} %{{y}}<br>{names['tokens']} %{{text}}<extra></extra>",
            width=0.7,
        )
    )
    if wide:
        figure.add_scatter(
            x=[s + (max_length - 1) / 2 for s in starts],
            y=rows,
            mode="markers",
            marker={"color": row_colors, "symbol": "diamond", "size": 11},
            hoverinfo="skip",
        )
    if high - low + 1 <= MAX_RULER_LABELS:
        ticks = list(range(low, high + 1))
        labels = [f"{i}<br>{plain(token_labels.get(i, ''))}" for i in ticks]
        figure.update_xaxes(tickmode="array", tickvals=ticks, ticktext=labels, tickangle=0)
    figure.update_xaxes(
        title=names["axis"], range=[low - pad, high + pad], tickformat="d", showgrid=True, zeroline=False
    )
    figure.update_yaxes(
        title=names["sample"], autorange="reversed", tickmode="array", tickvals=rows, showgrid=False
    )
    figure.update_layout(
        font=FONT,
        height=min(150 + 30 * len(starts), 720),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        bargap=0.25,
        showlegend=False,
    )
    return figure


@dataclass(frozen=True)
class Stack:
    """One tensor drawn as a stack of cards, one card per sample. ``shape`` is ``(batch, positions,
    dim)``, or ``(positions, dim)`` for a block that is *broadcast* over ``copies`` samples: it is drawn
    once, with dotted copies behind it. ``columns`` label the positions of the front card."""

    name: str
    shape: tuple[int, ...]
    color: str
    columns: Sequence[str] = ()
    copies: int = 0


#: Card size and the most depth a stack takes, in picture units (x and y are drawn to the same scale).
CARD_W, CARD_H, MAX_DEPTH = 4.0, 2.6, 2.4
MAX_COLUMN_LABELS = 12
MAX_COLUMN_LINES = 64


def tint(color: str, amount: float) -> str:
    """``color`` (``#rrggbb``) mixed with white: ``amount=0`` is the colour, ``1`` is white."""
    channels = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in channels)


def _card(x: float, y: float, line: str, fill: str, dash: str) -> dict:
    box = {"x0": x, "y0": y, "x1": x + CARD_W, "y1": y + CARD_H}
    return {"type": "rect", **box, "line": {"color": line, "width": 1.5, "dash": dash}, "fillcolor": fill}


def _label(x: float, y: float, text: str, size: int = 14, **style: object) -> dict:
    return {"x": x, "y": y, "text": text, "showarrow": False, "font": {"size": size}, **style}


def _columns(stack: Stack) -> tuple[list[dict], list[dict]]:
    """The front card's column lines (one column per position) and, when few, their labels below it."""
    positions = stack.shape[-2]
    width = CARD_W / positions
    lines = [
        {
            "type": "line",
            "x0": j * width,
            "x1": j * width,
            "y0": 0,
            "y1": CARD_H,
            "line": {"color": stack.color},
        }
        for j in range(1, positions)
        if positions <= MAX_COLUMN_LINES
    ]
    labels = [
        _label((j + 0.5) * width, -0.15, plain(text), 13, yanchor="top")
        for j, text in enumerate(stack.columns[:positions])
        if positions <= MAX_COLUMN_LABELS
    ]
    return lines, labels


def stack_figure(stack: Stack, texts: dict[str, str], *, height: int = 340) -> go.Figure:
    """One tensor as a stack of cards, drawn back to front, each shifted up and to the right: a deck of
    cards reads as a 3D box. The front card has one column per position (token), each a vector of
    ``dim`` numbers.

    ``texts`` holds the axis texts: "batch" and "copies" (with ``{n}``), "positions" (``{n}``) and "dim"
    (``{dim}``).
    """
    broadcast = len(stack.shape) == 2
    samples = stack.copies + 1 if broadcast else stack.shape[0]
    positions, dim = stack.shape[-2:]
    step = min(0.3, MAX_DEPTH / max(samples - 1, 1))
    depth = (samples - 1) * step
    shapes = []
    for b in reversed(range(samples)):
        ghost = broadcast and b > 0
        fill = "#ffffff" if ghost else tint(stack.color, 0.82 if b else 0.65)
        shapes.append(_card(b * step, b * step, stack.color, fill, "dot" if ghost else "solid"))
    lines, labels = _columns(stack)
    below = -0.75 if labels else -0.2
    labels += [
        _label(-0.12, CARD_H / 2, texts["dim"].format(dim=dim), textangle=-90, xanchor="right"),
        _label(CARD_W / 2, below, texts["positions"].format(n=positions), yanchor="top"),
        _label(
            (CARD_W + depth) / 2, CARD_H + depth + 0.1, f"<b>{plain(stack.name)}</b>", 15, yanchor="bottom"
        ),
    ]
    if samples > 1:
        along = texts["copies" if broadcast else "batch"].format(n=samples)
        labels.append(
            _label(CARD_W + depth / 2 + 0.32, depth / 2 - 0.32, along, textangle=-45, xanchor="center")
        )
    figure = go.Figure()
    figure.update_layout(
        shapes=shapes + lines,
        annotations=labels,
        font=FONT,
        height=height,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        plot_bgcolor="white",
        xaxis={"visible": False, "range": [-0.8, CARD_W + MAX_DEPTH + 1.0], "fixedrange": True},
        yaxis={
            "visible": False,
            "range": [-1.5, CARD_H + MAX_DEPTH + 0.8],
            "scaleanchor": "x",
            "fixedrange": True,
        },
    )
    return figure
