"""How every figure looks: colours, fonts, camera angles, and how numbers and texts reach the browser.

Colours are chosen for a classroom projector: saturated hues on white, one per kind of vector, used the
same way in every figure and chip. Every colour of the page is defined here, once.
"""

from __future__ import annotations

import html

import numpy as np

#: One colour per kind of vector (and the grey of the arrows between them).
COLORS = {"token": "#1d4ed8", "position": "#b45309", "input": "#9f1239", "arrow": "#475569"}
#: Token chips and batch windows: saturated colours with white text, readable on a washed-out projector.
#: Same token id -> same colour.
PALETTE = ("#1d4ed8", "#065f46", "#991b1b", "#0e7490", "#1e3a8a", "#be185d", "#0f766e", "#c2410c")
#: Word order: one colour per sentence (A and B).
SENTENCE_COLOURS = {"A": "#0f766e", "B": "#b91c1c"}
#: Training: the loss curve, and the dashed line of a model that only guesses (uniform over the vocabulary).
LOSS_COLOUR, GUESS_COLOUR, GUESS_TEXT_COLOUR = "#1d4ed8", "#64748b", "#475569"
#: The lesson's word groups (animals, colours, numbers, days, then more), and pairs across groups.
GROUP_COLORS = ("#15803d", "#dc2626", "#0891b2", "#7c3aed", "#ca8a04", "#db2777")
ACROSS_COLOR = "#64748b"
FONT = {"family": "Source Sans Pro, Arial, sans-serif", "size": 15, "color": "#0f172a"}
#: The 3D view's preset camera angles (the ``camera`` setting). The default view looks at a point a little
#: below the cube's centre, so the picture sits higher: looking at the centre, the tick labels of the two
#: lower axes ("20") were cut off at the bottom of the 1,431 x 640 px chart (1920 px screen).
CAMERAS = {
    "default": {
        "eye": {"x": 1.45, "y": 1.45, "z": 0.9},
        "up": {"x": 0, "y": 0, "z": 1},
        "center": {"x": 0, "y": 0, "z": -0.12},
    },
    "top": {"eye": {"x": 0.0, "y": 0.0, "z": 2.4}, "up": {"x": 0, "y": 1, "z": 0}},
    "front": {"eye": {"x": 0.0, "y": -2.4, "z": 0.0}, "up": {"x": 0, "y": 0, "z": 1}},
    "side": {"eye": {"x": 2.4, "y": 0.0, "z": 0.0}, "up": {"x": 0, "y": 0, "z": 1}},
}


def compact(values: np.ndarray) -> np.ndarray:
    """Coordinates for the browser: 4 decimals are plenty on screen, and float32 halves the JSON."""
    return np.round(np.asarray(values, dtype=np.float64), 4).astype(np.float32)


def plain(text: str) -> str:
    """Escape user text for Plotly, which renders a few HTML tags (<b>, <a href>, <br>) in labels."""
    return html.escape(text, quote=False)
