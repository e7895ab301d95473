"""Batches, seen from the inside: where each window of the seed's data loader sits in the text.

The seed's data loader (:mod:`embedviz.data`) encodes a whole text and cuts it into *windows*::

    token ids:   t0 t1 t2 t3 t4 t5 t6 t7 t8 t9 ...
    max_length=4, stride=4:
    window 0:    t0 t1 t2 t3                      inputs
                    t1 t2 t3 t4                   targets: the same window, one token to the right
    window 1:                t4 t5 t6 t7

A window starts every ``stride`` tokens. With ``stride < max_length`` neighbouring windows overlap (the
same token is in several samples); with ``stride > max_length`` the tokens between them are skipped and
never become an input. ``batch_size`` windows, stacked, make one batch: a tensor of shape
``(batch_size, max_length)``. The embedding layer turns every id into ``dim`` numbers, so a batch becomes
``(batch_size, max_length, dim)`` -- the seed's ``(8, 4, 256)``.

This module answers the questions the page asks about that process -- which windows make batch ``k``,
which tokens of the text they cover, what PyTorch makes of their shapes -- and draws two pictures of the
tensors. It imports no Streamlit; the page passes in its texts and colours.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import plotly.graph_objects as go
import torch
from torch.utils.data import DataLoader

from embedviz.figures import FONT, plain

Case = Literal["overlap", "touch", "gap"]

# ------------------------------------------------------------------------------------------------------
# Windows and batches
# ------------------------------------------------------------------------------------------------------


def window_starts(n_tokens: int, max_length: int, stride: int) -> range:
    """Where the windows start, exactly as ``GPTDatasetV1`` slides them: ``range(0, n - max_length, stride)``.

    The last start is below ``n - max_length`` (not ``<=``) because the targets reach one token further
    than the inputs: a window starting at ``s`` needs tokens ``s`` to ``s + max_length`` inclusive.
    """
    return range(0, n_tokens - max_length, stride)


def tokens_needed(max_length: int) -> int:
    """The fewest tokens a text needs for one window: ``max_length`` inputs plus one more for the last
    target."""
    return max_length + 1


def batch_order(n_windows: int, batch_size: int, shuffle: bool, seed: int) -> list[list[int]]:
    """The window numbers of every batch, in the order a ``DataLoader`` over the windows yields them.

    This *is* a ``DataLoader`` (``drop_last=True``, like ``create_dataloader_v1``), only over the window
    numbers instead of the windows: the order depends on nothing but the number of windows, the batch size
    and the random generator, so it is the same. With ``shuffle`` the generator is
    ``torch.Generator().manual_seed(seed)``: the same seed, the same batches. A generator is passed even
    without shuffling, so that asking for the order never draws from torch's global random state.
    """
    loader = DataLoader(
        range(n_windows),
        batch_size=batch_size,
        shuffle=shuffle,
        drop_last=True,
        generator=torch.Generator().manual_seed(seed),
        collate_fn=list,
    )
    return list(loader)


def batch_tensors(
    token_ids: Sequence[int], starts: Sequence[int], max_length: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """``inputs`` and ``targets`` of shape ``(len(starts), max_length)``: each row one window, the
    targets the same window shifted one token to the right."""
    inputs = torch.tensor([list(token_ids[s : s + max_length]) for s in starts], dtype=torch.long)
    targets = torch.tensor([list(token_ids[s + 1 : s + max_length + 1]) for s in starts], dtype=torch.long)
    return inputs.reshape(len(starts), max_length), targets.reshape(len(starts), max_length)


def window_case(max_length: int, stride: int) -> tuple[Case, int]:
    """How neighbouring windows meet, and by how many tokens: ``("overlap", 2)`` for max_length 4,
    stride 2 (they share 2 tokens); ``("gap", 2)`` for stride 6 (2 tokens skipped); ``("touch", 0)``."""
    if stride < max_length:
        return "overlap", max_length - stride
    if stride > max_length:
        return "gap", stride - max_length
    return "touch", 0


def windows_per_token(max_length: int, stride: int) -> int:
    """The most windows one token can be in: ``ceil(max_length / stride)`` (1 unless they overlap)."""
    return math.ceil(max_length / stride)


def in_some_window(index: int, starts: range, max_length: int) -> bool:
    """True if token ``index`` is an input of at least one window of the whole data set (not skipped).

    Only the last window starting at or before ``index`` needs checking: earlier ones end earlier.
    """
    if not starts or index < 0:
        return False
    last = starts[min(index // starts.step, len(starts) - 1)]
    return last <= index < last + max_length


def rows_of_tokens(starts: Sequence[int], max_length: int) -> dict[int, list[int]]:
    """For every token index in the given windows, the rows (samples) of the batch that contain it."""
    rows: dict[int, list[int]] = {}
    for row, start in enumerate(starts):
        for index in range(start, start + max_length):
            rows.setdefault(index, []).append(row)
    return rows


def excerpt_segments(
    starts: Sequence[int], max_length: int, n_tokens: int, *, context: int = 6, limit: int = 800
) -> tuple[list[range], bool]:
    """The token ranges of the text to show around a batch's windows, and whether ``limit`` cut them.

    Each window gets ``context`` tokens on either side; ranges that touch are merged, so consecutive
    windows make one excerpt and shuffled ones make several. At most ``limit`` tokens in all.
    """
    spans = sorted((max(0, s - context), min(n_tokens, s + max_length + context)) for s in starts)
    merged: list[list[int]] = []
    for low, high in spans:
        if merged and low <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    segments, left = [], limit
    for low, high in merged:
        if left <= 0:
            return segments, True
        segments.append(range(low, min(high, low + left)))
        left -= len(segments[-1])
    return segments, sum(high - low for low, high in merged) > limit


def embedded_shapes(inputs: torch.Tensor, dim: int) -> dict[str, tuple[int, ...]]:
    """The shapes of the seed's tensors for this batch, computed by PyTorch itself on the ``meta``
    device: the same embedding lookup and addition, on shapes only, with no numbers and no memory
    (a 64 x 256 x 2048 batch would otherwise need 134 MB just to print its shape)."""
    max_length = inputs.shape[1]
    token_embeddings = torch.nn.functional.embedding(inputs.to("meta"), torch.empty(1, dim, device="meta"))
    pos_embeddings = torch.empty(max_length, dim, device="meta")
    return {
        "inputs": tuple(inputs.shape),
        "targets": tuple(inputs.shape),
        "token_embeddings": tuple(token_embeddings.shape),
        "pos_embeddings": tuple(pos_embeddings.shape),
        "input_embeddings": tuple((token_embeddings + pos_embeddings).shape),
    }


# ------------------------------------------------------------------------------------------------------
# Pictures
# ------------------------------------------------------------------------------------------------------

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
