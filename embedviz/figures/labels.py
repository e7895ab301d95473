"""Where the 3D view puts its word labels, so that they do not cover each other.

Plotly draws a 3D point's text above, below, left or right of it (``textposition``), at a fixed pixel
size, whatever the camera. :func:`label_positions` projects the points as the preset camera sees them
(a perspective camera at ``eye`` looking at ``center``, by default the centre of a cube-shaped scene,
Plotly's field of view of 45°), estimates each label's box on a chart of ``height`` pixels, and gives each
label, in order, the first of Plotly's positions whose box touches no box placed before it and no other
point. It only knows the preset view: once the learner turns the scene, Plotly keeps the chosen sides.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Plotly's 3D text positions, tried in this order (above first: it reads like a caption).
POSITIONS = (
    "top center",
    "bottom center",
    "middle right",
    "middle left",
    "top right",
    "top left",
    "bottom right",
    "bottom left",
)
FOV = np.pi / 4  # plotly.js gl3d's vertical field of view
BOX = 0.94  # the side of the scene's cube, in the camera's units (plotly.js model matrix)
CHAR_WIDTH = 0.55  # an average character's width, as a share of the font size (Source Sans)


def project(
    points: np.ndarray,
    eye: dict[str, float],
    up: dict[str, float],
    height: float,
    center: dict[str, float] | None = None,
) -> np.ndarray:
    """Screen positions in px (x right, y down, origin at the centre) of ``points`` seen from ``eye``,
    looking at ``center`` (the origin if None).

    As plotly.js does in the cube aspect mode (read from a drawn chart's ``cameraParams``): each axis's
    range becomes a side of about 1 (0.94 after its padding) centred on the origin."""
    low, high = points.min(axis=0), points.max(axis=0)
    scaled = BOX * (points - (low + high) / 2) / np.maximum(high - low, 1e-9)
    eye_vec = np.array([eye["x"], eye["y"], eye["z"]], dtype=float)
    look_at = np.array([center[axis] for axis in "xyz"], dtype=float) if center else np.zeros(3)
    forward = (look_at - eye_vec) / np.linalg.norm(look_at - eye_vec)
    right = np.cross(forward, [up["x"], up["y"], up["z"]])
    right /= np.linalg.norm(right)
    true_up = np.cross(right, forward)
    relative = scaled - eye_vec
    depth = relative @ forward
    focal = (height / 2) / np.tan(FOV / 2)
    return np.stack([focal * (relative @ right) / depth, -focal * (relative @ true_up) / depth], axis=1)


def _box(at: np.ndarray, text: str, position: str, size: float, gap: float) -> tuple[float, ...]:
    width, tall = CHAR_WIDTH * size * len(text), size
    vertical, horizontal = position.split()
    x = {"center": at[0] - width / 2, "right": at[0] + gap, "left": at[0] - gap - width}[horizontal]
    y = {"middle": at[1] - tall / 2, "top": at[1] - gap - tall, "bottom": at[1] + gap}[vertical]
    return (x, y, x + width, y + tall)


def overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Whether two boxes (x0, y0, x1, y1) share any area."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def label_positions(
    points: np.ndarray,
    labels: Sequence[str],
    camera: dict,
    *,
    others: np.ndarray | None = None,
    height: float = 640,
    size: float = 18,
    marker: float = 7,
) -> list[str]:
    """A ``textposition`` for each label ('' labels get 'top center'); ``others`` are the other points of
    the scene, which a label should not cover either.

    Each label takes the first of :data:`POSITIONS` whose box touches nothing, else the first of those
    that touch the fewest: the boxes of the labels placed before it and the squares of all points but
    its own. The candidates are counted against all of them at once (numpy), the same comparisons as
    :func:`overlaps`."""
    everything = points if others is None else np.concatenate([points, others])
    screen = project(everything, camera["eye"], camera["up"], height, camera.get("center"))
    mine = screen[: len(points)]
    dots = np.concatenate([screen - marker, screen + marker], axis=1)  # (x0, y0, x1, y1) per point
    placed = np.empty((len(points), 4))
    n_placed = 0
    chosen = []
    for index, (at, text) in enumerate(zip(mine, labels, strict=True)):
        if not text:
            chosen.append(POSITIONS[0])
            continue
        boxes = np.array([_box(at, text, position, size, marker) for position in POSITIONS])
        on_dots = _overlap_matrix(boxes, dots)
        on_dots[:, index] = False  # a label next to its own point does not cover it
        touched = on_dots.sum(axis=1) + _overlap_matrix(boxes, placed[:n_placed]).sum(axis=1)
        best = int(np.argmin(touched))  # the first free position, or the first of the least covered
        placed[n_placed] = boxes[best]
        n_placed += 1
        chosen.append(POSITIONS[best])
    return chosen


def _overlap_matrix(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """``overlaps(boxes[i], others[j])`` for every pair, as a boolean ``(len(boxes), len(others))`` array."""
    a, b = boxes[:, None, :], others[None, :, :]
    return (
        (a[..., 0] < b[..., 2]) & (b[..., 0] < a[..., 2]) & (a[..., 1] < b[..., 3]) & (b[..., 1] < a[..., 3])
    )
