"""Pure helpers of the view "Training & GPT-2" (no Streamlit): what to train, what to keep, what to draw.

The view shows two things the rest of the page cannot:

* **Watch them learn.** :func:`embedviz.training.train` trains a tiny GPT whose embedding layers start
  as copies of the page's seeded tables. The view records the sentence's vectors every few steps
  (:class:`~embedviz.training.Snapshot`) and plays them as a 3D animation in one fixed PCA space
  (:func:`animation_figure`). Finished runs are kept in a small :class:`Registry` shared by all
  visitors, keyed by everything the run depends on (:class:`TrainKey`), so nobody trains the same
  thing twice.
* **GPT-2's trained tables.** Random tables next to the ones GPT-2 learned: the same sentence in 3D,
  nearest neighbours, and the 1,024 position vectors as a curve (:func:`curve_figure`).

Everything here is a function of numbers and of texts passed in, so tests can check it without a page.
"""

from __future__ import annotations

import bisect
import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

import numpy as np
import plotly.graph_objects as go
import torch

from embedviz.data import load_verdict
from embedviz.embeddings import EmbeddingResult
from embedviz.figures import FONT, compact, plain, scene_figure, space_figure
from embedviz.neighbours import nearest_neighbours
from embedviz.pretrained import PretrainedEmbeddings, position_curve
from embedviz.projection import Projection
from embedviz.training import Snapshot, TrainConfig, TrainResult

TRAIN_SOURCES = ("verdict", "verdict+sentence")
#: The animation shows at most about this many frames (a snapshot every few steps), so that a run of
#: 1,000 steps sends no more figure data than a run of 150.
MAX_FRAMES = 30
#: The view follows at most this many tokens of the sentence through training (labels, hover, frames).
MAX_TRACKED_TOKENS = 64
#: The tiny model's window (training.TrainConfig.max_length), shortened when the context is shorter.
WINDOW = TrainConfig.max_length
#: First vector components shown in the hover and in the "step 0 -> last step" numbers.
FIRST_VALUES = 3
#: Pixels under the animation's 3D scene: the play/pause buttons, and below them the step slider.
CONTROLS_HEIGHT = 150
SLIDER_DROP = 42

K = TypeVar("K")
V = TypeVar("V")


# ---------------------------------------------------------------------------------------------------------
# What a run depends on
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainKey:
    """Everything a training run and its snapshots depend on: the seeded tables (dim, seed,
    context_length), the number of steps, the training text (``source``) and the sentence whose vectors
    are recorded. The sentence is part of the key even when it is not trained on, because the
    snapshots follow its tokens."""

    dim: int
    seed: int
    context_length: int
    steps: int
    source: str
    sentence: str


def snapshot_every(steps: int) -> int:
    """Steps between two snapshots: a multiple of 5, so that a run has at most about MAX_FRAMES + 1
    frames (150 steps -> every 5, 1,000 steps -> every 35)."""
    return 5 * max(1, math.ceil(steps / (5 * MAX_FRAMES)))


def config_for(key: TrainKey) -> TrainConfig:
    """The :class:`TrainConfig` of a key. Windows are 32 tokens, or the context length if shorter."""
    window = min(WINDOW, key.context_length)
    return TrainConfig(
        dim=key.dim,
        seed=key.seed,
        context_length=key.context_length,
        steps=key.steps,
        max_length=window,
        stride=window,
        snapshot_every=snapshot_every(key.steps),
    )


def training_text(key: TrainKey) -> str | None:
    """The text the model reads: None for "The Verdict" alone (train()'s default), or the story with the
    sentence appended as a paragraph of its own."""
    if key.source == "verdict+sentence":
        return f"{load_verdict()}\n\n{key.sentence}"
    return None


def tracked_ids(token_ids: Sequence[int], context_length: int) -> list[int]:
    """The sentence's token ids the view follows: the first MAX_TRACKED_TOKENS (and no more than fit in
    the context)."""
    return list(token_ids[: min(MAX_TRACKED_TOKENS, context_length)])


def untrained_positions(sentence_ids: Sequence[int], trained_ids: Sequence[int]) -> list[int]:
    """Positions of the sentence's tokens that never occur in the training text: nothing trains them."""
    seen = set(trained_ids)
    return [i for i, token_id in enumerate(sentence_ids) if token_id not in seen]


# ---------------------------------------------------------------------------------------------------------
# What is kept
# ---------------------------------------------------------------------------------------------------------


class Registry(Generic[K, V]):
    """A small dict shared by the server's threads that keeps only its ``max_entries`` newest values
    (the oldest is dropped first). Unlike a cached function, it is filled from outside, only when a
    value is complete (a finished training run, a loaded file)."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
            return self._items.get(key)

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


def without_shared_table(result: TrainResult) -> TrainResult:
    """The result without its reference to the page's cached token table, for keeping.

    A kept result must not pin a 50,257-row table in memory after the page's table cache has let it
    go. Its ``token_table()`` no longer works: use :func:`neighbours_before_after`, which takes the
    seeded table from the caller."""
    return replace(result, _base_token_weight=torch.empty(0))


# ---------------------------------------------------------------------------------------------------------
# Nearest neighbours among the tokens of the training text
# ---------------------------------------------------------------------------------------------------------


def neighbours_among(
    rows: torch.Tensor, ids: Sequence[int], query: torch.Tensor, token_id: int, k: int
) -> list[tuple[int, float]]:
    """The ``k`` of ``ids`` whose vectors (``rows[i]`` belongs to ``ids[i]``) point most like ``query``,
    as ``(token id, cosine)``, best first; ``token_id`` itself is left out."""
    table = torch.cat([rows, query[None]])
    candidates = [i for i, other in enumerate(ids) if other != token_id]
    if not candidates:
        return []
    found = nearest_neighbours(table, len(ids), k, candidates=candidates)
    return [(ids[i], similarity) for i, similarity in found]


def neighbours_before_after(
    result: TrainResult, seeded: torch.Tensor, token_id: int, k: int
) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
    """Nearest neighbours of ``token_id`` among the tokens of the training text, before training
    (``seeded``, the page's random token table) and after (the trained rows; a token that is not in
    the text keeps its random vector). Same candidates on both sides, so the two lists compare."""
    ids = result.trained_ids  # sorted
    at = bisect.bisect_left(ids, token_id)
    trained = at < len(ids) and ids[at] == token_id
    before = neighbours_among(seeded[ids], ids, seeded[token_id], token_id, k)
    query = result.trained_rows[at] if trained else seeded[token_id]
    return before, neighbours_among(result.trained_rows, ids, query, token_id, k)


# ---------------------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------------------


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
) -> go.Figure:
    """The sentence's vectors moving during training: one Plotly frame per snapshot, drawn like the
    page's 3D view (:func:`embedviz.figures.space_figure`), axes fixed for all frames, a play and a
    pause button and a step slider.

    ``names`` are the 3D view's legend names; ``texts`` holds "play", "pause" and "step" (the slider's
    prefix) in the page's language."""
    drawn = [
        space_figure(frame, labels, token_ids, _first_values(snapshot), names, camera=camera, height=height)
        for frame, snapshot in zip(frames, snapshots, strict=True)
    ]
    figure = drawn[0]
    figure.frames = [
        go.Frame(data=[_moving_part(trace) for trace in each.data], name=str(snapshot.step))
        for each, snapshot in zip(drawn, snapshots, strict=True)
    ]
    for axis, span in zip("xyz", fixed_ranges(frames), strict=True):
        figure.layout.scene[f"{axis}axis"].update(range=span, autorange=False)
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
            line={"color": "#1d4ed8", "width": 2},
            hovertemplate=f"{plain(texts['step'])} %{{x}}: %{{y:.3f}}<extra></extra>",
        )
    )
    if n_text_tokens > 1:
        figure.add_hline(
            y=math.log(n_text_tokens),
            line={"color": "#64748b", "dash": "dash", "width": 1},
            annotation={"text": plain(texts["uniform"]), "font": {"size": 13, "color": "#475569"}},
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


# ---------------------------------------------------------------------------------------------------------
# GPT-2's trained tables
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PositionCurve:
    """The position vectors in 3D (PCA) and the share of their spread each axis keeps."""

    points: np.ndarray  # (n_positions, 3)
    ratio: np.ndarray  # (3,)


def curve_of(position_table: torch.Tensor) -> PositionCurve:
    """:func:`embedviz.pretrained.position_curve` and each axis's explained variance ratio (the
    variance along the axis over the total variance of the table)."""
    points = position_curve(position_table)
    total = float(position_table.detach().to(torch.float64).var(dim=0).sum())
    ratio = points.var(axis=0, ddof=1) / total if total > 0 else np.zeros(3)
    return PositionCurve(points, ratio)


@dataclass(frozen=True)
class LoadedGpt2:
    """GPT-2's tables as the view keeps them: the tensors and their position curve, worked out once."""

    embeddings: PretrainedEmbeddings
    curve: PositionCurve

    @property
    def width(self) -> int:
        return int(self.embeddings.token_embeddings.shape[1])


def loaded_gpt2(embeddings: PretrainedEmbeddings) -> LoadedGpt2:
    return LoadedGpt2(embeddings, curve_of(embeddings.position_embeddings))


def pretrained_result(random: EmbeddingResult, gpt2: PretrainedEmbeddings) -> EmbeddingResult:
    """The sentence with GPT-2's trained vectors: ``random`` (the same sentence with random GPT-2-sized
    tables) with its token vectors and position vectors replaced by rows of ``wte`` and ``wpe``."""
    ids = torch.tensor(random.token_ids, dtype=torch.long)
    token_vectors = gpt2.token_embeddings[ids]
    position_vectors = gpt2.position_embeddings[: random.n_tokens]
    return replace(
        random,
        dim=int(token_vectors.shape[1]),
        token_vectors=token_vectors,
        position_vectors=position_vectors,
        input_embeddings=token_vectors + position_vectors,
    )


def curve_figure(
    curve: PositionCurve, texts: dict[str, str], *, camera: str = "default", height: int = 460
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
    figure = scene_figure([trace], curve.ratio, camera=camera, height=height)
    figure.update_layout(showlegend=False)
    return figure


__all__ = [
    "MAX_FRAMES",
    "MAX_TRACKED_TOKENS",
    "TRAIN_SOURCES",
    "LoadedGpt2",
    "PositionCurve",
    "Registry",
    "TrainKey",
    "animation_figure",
    "config_for",
    "curve_figure",
    "curve_of",
    "fixed_ranges",
    "loaded_gpt2",
    "loss_figure",
    "neighbours_among",
    "neighbours_before_after",
    "pretrained_result",
    "snapshot_every",
    "tracked_ids",
    "training_text",
    "untrained_positions",
    "without_shared_table",
]
