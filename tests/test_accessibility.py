"""Accessibility without a browser: the colours keep WCAG AA contrast, and each chart has a text
alternative (in English and German) whose numbers are the chart's own, computed here independently.

The browser checks (axe-core, keyboard) are in tests/browser/test_accessibility.py.
"""

from __future__ import annotations

import html
import re
import tomllib
from pathlib import Path

import numpy as np
import pytest
import torch
from apptest_utils import run_app
from sklearn.decomposition import PCA

from embedviz.figures.style import COLORS, PALETTE
from embedviz.ui.sections.tokens import ID_OPACITY
from embedviz.ui.style import (
    CAPTION_CODE_BACKGROUNDS,
    CAPTION_CODE_COLOUR,
    CODE_BACKGROUND,
    CODE_COLOURS,
    FOCUS_COLOUR,
    css,
)


def luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of ``#rrggbb``."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_wcag_formula_on_known_pairs() -> None:
    assert ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic "just fails AA" grey


@pytest.mark.parametrize("group", sorted(CODE_COLOURS))
def test_code_colours_reach_aa(group: str) -> None:
    assert ratio(CODE_COLOURS[group], CODE_BACKGROUND) >= 4.5
    assert f"color: {CODE_COLOURS[group]}" in css()


@pytest.mark.parametrize("background", CAPTION_CODE_BACKGROUNDS)
def test_inline_code_in_captions_reaches_aa(background: str) -> None:
    assert ratio("#6d9c8f", "#fafbfd") < 4.5  # Streamlit's own, as axe measured it
    assert ratio(CAPTION_CODE_COLOUR, background) >= 4.5
    assert f'[data-testid="stCaptionContainer"] code {{ color: {CAPTION_CODE_COLOUR};' in css()


@pytest.mark.parametrize("colour", PALETTE)
def test_chip_ids_reach_aa(colour: str) -> None:
    assert ID_OPACITY == 1.0  # a see-through id would need the blended colour instead
    assert ratio("#ffffff", colour) >= 4.5


@pytest.mark.parametrize("kind", ["token", "position", "input"])
def test_3d_label_colours_reach_aa(kind: str) -> None:
    assert ratio(COLORS[kind], "#ffffff") >= 4.5


def test_focus_outline_reaches_3_to_1() -> None:
    assert ratio(FOCUS_COLOUR, "#ffffff") >= 3 and ratio(FOCUS_COLOUR, "#eef2f7") >= 3
    assert re.search(rf":focus-visible, \[data-focus-visible\] \{{ outline: 3px solid {FOCUS_COLOUR}", css())


def theme() -> dict[str, str]:
    with (Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").open("rb") as file:
        return tomllib.load(file)["theme"]


def test_focus_ring_is_the_primary_colour() -> None:
    assert theme()["primaryColor"] == FOCUS_COLOUR


@pytest.mark.parametrize("background", ["backgroundColor", "secondaryBackgroundColor"])
def test_selected_segment_hovered_or_focused_reaches_aa(background: str) -> None:
    """A selected segment (language, view, camera) that is hovered or focused: the primary colour on
    itself at 20 % over the page or the sidebar (Streamlit 1.67; axe measured 4.38:1 with #1d4ed8)."""
    primary, under = theme()["primaryColor"], theme()[background]
    channels = [round(0.2 * int(primary[i : i + 2], 16) + 0.8 * int(under[i : i + 2], 16)) for i in (1, 3, 5)]
    assert ratio(primary, "#" + "".join(f"{c:02x}" for c in channels)) >= 4.5


def descriptions(at) -> list[str]:
    """The screen-reader texts on the page (unescaped)."""
    found = []
    for element in at.get("html"):
        match = re.search(r'<p class="ev-sr-only">(.*)</p>', element.proto.body, re.S)
        if match:
            found.append(html.unescape(match.group(1)))
    return found


def test_charts_have_text_alternatives_with_their_numbers() -> None:
    at = run_app(text="the cat sat", dim=16, seed=7)
    texts = descriptions(at)
    assert len(texts) == 5, texts  # three heatmaps, the 3D view and the cosines
    # Independent numbers: the seed document's code and scikit-learn's PCA on the three sets together.
    torch.manual_seed(7)
    tok, pos = torch.nn.Embedding(50257, 16), torch.nn.Embedding(1024, 16)
    ids = [1169, 3797, 3332]
    with torch.no_grad():
        token, position = tok(torch.tensor(ids)).numpy(), pos(torch.arange(3)).numpy()
    for text, values in zip(texts[:3], (token, position, token + position), strict=True):
        assert "3 rows (tokens) by 16 columns" in text
        assert f"from {values.min():.4f} to {values.max():.4f}" in text
    shares = PCA(3).fit(np.concatenate([token, position, token + position])).explained_variance_ratio_
    assert texts[3].startswith("3D chart: 3 token vectors (diamonds)")
    assert f"keep {shares[0]:.1%}, {shares[1]:.1%} and {shares[2]:.1%} of the variance" in texts[3]
    assert f"{shares.sum():.1%} together" in texts[3]
    inputs = torch.tensor(token + position)
    pairs = torch.nn.functional.cosine_similarity(inputs[:, None], inputs[None], dim=-1).numpy()
    others = pairs[~np.eye(3, dtype=bool)]
    assert texts[4].startswith("Chart: a heatmap of the cosine of every pair of the 3 input embeddings")
    assert f"run from {others.min():.4f} to {others.max():.4f}" in texts[4]


def test_text_alternatives_in_german() -> None:
    texts = descriptions(run_app(lang="de", dim=16, text="Today the cat sat on the mat"))
    assert len(texts) == 5
    assert all(text.startswith("Diagramm: eine Heatmap") for text in texts[:3])
    assert texts[3].startswith("3D-Diagramm: 7 Token-Vektoren (Rauten)")
    assert texts[4].startswith("Diagramm: eine Heatmap des Kosinus jedes Paars der 7 Eingabe-Embeddings")
