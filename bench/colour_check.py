"""Print the page's colour figures: WCAG contrast ratios (the earlier colours and today's) and how far
apart the palettes' colours stay for the common colour-vision deficiencies.

Run: ``python -m bench.colour_check`` (docs/accessibility.md holds its output).

* Contrast is WCAG 2.1's ratio (L1 + 0.05) / (L2 + 0.05) of relative luminances; AA asks 4.5:1 for text,
  3:1 for large text (24 px, or 18.66 px bold) and for focus indicators and other non-text parts.
  A colour drawn with opacity (the chips' ids) is first blended over its background, as the browser does.
* Colour vision: each colour is passed through Machado, Oliveira and Fernandes (2009)'s simulation of
  full deuteranopia and protanopia (severity 100, colorspacious' ``sRGB1+CVD``), then the smallest
  pairwise distance in CAM02-UCS (a perceptually uniform space, Luo et al. 2006; ~1 unit is a just
  noticeable difference, and under ~10 two small markers are easily confused) is printed for each palette.
"""

from __future__ import annotations

import itertools
import tomllib
from pathlib import Path

import numpy as np
from colorspacious import cspace_convert, deltaE

from embedviz.figures.style import COLORS, FONT, PALETTE
from embedviz.ui.sections.tokens import ID_OPACITY
from embedviz.ui.style import CODE_BACKGROUND, CODE_COLOURS, FOCUS_COLOUR

#: The colours before the WCAG 2.1 AA changes (docs/accessibility.md), to print next to today's.
BEFORE_CODE = {
    "comment, punctuation": "#808495",
    "keyword, function": "#1c83e1",
    "number": "#29b09d",
    "string": "#09ab3b",
    "boolean, constant": "#21c354",
    "operator, decorator": "#ed6f13",
    "attr-name, property": "#00a4d4",
    "url": "#6d3fc0",
    "important": "#ff4b4b",
}
BEFORE_CHIPS = ("#1d4ed8", "#b45309", "#047857", "#b91c1c", "#6d28d9", "#0e7490", "#a21caf", "#3f6212")
BEFORE_ID_OPACITY = 0.92
BEFORE_3D = {"token": "#1d4ed8", "position": "#d97706", "input": "#c026d3", "arrow": "#475569"}
CHART_BACKGROUND = "#ffffff"
#: Streamlit 1.67's focus ring: a 0.2rem box-shadow in the primary colour (#1d4ed8) at 50 % opacity.
BEFORE_FOCUS = ("#1d4ed8", 0.5)
PAGE_BACKGROUNDS = {"page": "#ffffff", "sidebar": "#eef2f7"}
#: The theme's earlier primary colour, and today's (.streamlit/config.toml).
BEFORE_PRIMARY = "#1d4ed8"
with (Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").open("rb") as _file:
    PRIMARY = tomllib.load(_file)["theme"]["primaryColor"]
#: A selected segment (segmented control) that is hovered or focused: primary text on primary at 20 %.
SEGMENT_ALPHA = 0.2
DEFICIENCIES = ("deuteranomaly", "protanomaly")  # at severity 100: deuteranopia, protanopia
CONFUSABLE = 10.0  # CAM02-UCS distance under which two colours count as collapsed


def rgb(colour: str) -> np.ndarray:
    """``#rrggbb`` -> sRGB in 0..1."""
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255


def blend(colour: str, background: str, alpha: float) -> np.ndarray:
    """What the browser paints for ``colour`` at ``alpha`` opacity over ``background``."""
    return alpha * rgb(colour) + (1 - alpha) * rgb(background)


def luminance(srgb: np.ndarray) -> float:
    """WCAG 2.1 relative luminance of an sRGB colour in 0..1."""
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    return float(linear @ [0.2126, 0.7152, 0.0722])


def contrast(a: np.ndarray | str, b: np.ndarray | str) -> float:
    """WCAG contrast ratio between two colours (hex strings or sRGB arrays)."""
    la, lb = sorted((luminance(rgb(c) if isinstance(c, str) else c) for c in (a, b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def smallest_distance(palette: dict[str, str], deficiency: str | None) -> tuple[float, str, str]:
    """The closest pair of ``palette`` in CAM02-UCS, as seen with ``deficiency`` (None: normal vision)."""
    seen = {}
    for name, colour in palette.items():
        value = rgb(colour)
        if deficiency:
            space = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}
            value = np.clip(cspace_convert(value, space, "sRGB1"), 0, 1)
        seen[name] = value
    pairs = (
        (float(deltaE(seen[a], seen[b], input_space="sRGB1", uniform_space="CAM02-UCS")), a, b)
        for a, b in itertools.combinations(seen, 2)
    )
    return min(pairs)


def contrast_rows() -> list[tuple[str, float, float, float]]:
    """(what, needed, before, now) for every text colour the WCAG check looks at."""
    rows = []
    for what, before in BEFORE_CODE.items():
        now = contrast(CODE_COLOURS[what], CODE_BACKGROUND)
        rows.append((f"code: {what} on {CODE_BACKGROUND}", 4.5, contrast(before, "#f7f9fb"), now))
    for old, new in zip(BEFORE_CHIPS, PALETTE, strict=True):
        before = contrast(blend("#ffffff", old, BEFORE_ID_OPACITY), old)
        now = contrast(blend("#ffffff", new, ID_OPACITY), new)
        rows.append((f"chip id: white on {old} -> {new}", 4.5, before, now))
    for kind in ("token", "position", "input"):
        before = contrast(BEFORE_3D[kind], CHART_BACKGROUND)
        now = contrast(COLORS[kind], CHART_BACKGROUND)
        rows.append((f"3D label ({kind}) {BEFORE_3D[kind]} -> {COLORS[kind]} on white", 4.5, before, now))
    before, now = contrast("#0f172a", CHART_BACKGROUND), contrast(FONT["color"], CHART_BACKGROUND)
    rows.append((f"chart text {FONT['color']} on white", 4.5, before, now))
    for where, background in PAGE_BACKGROUNDS.items():
        before = contrast(blend(BEFORE_FOCUS[0], background, BEFORE_FOCUS[1]), background)
        rows.append(
            (
                f"focus indicator on the {where} ({background})",
                3.0,
                before,
                contrast(FOCUS_COLOUR, background),
            )
        )
    for where, background in PAGE_BACKGROUNDS.items():
        before = contrast(BEFORE_PRIMARY, blend(BEFORE_PRIMARY, background, SEGMENT_ALPHA))
        now = contrast(PRIMARY, blend(PRIMARY, background, SEGMENT_ALPHA))
        rows.append((f"selected segment, hovered/focused, on the {where}", 4.5, before, now))
    return rows


def main() -> None:
    print("WCAG 2.1 contrast (AA: 4.5:1 text, 3:1 large text)")
    print(f"{'what':<62} {'needs':>6} {'before':>7} {'now':>7}")
    for what, needed, before, now in contrast_rows():
        flag = "" if now >= needed else "  FAILS"
        print(f"{what:<62} {needed:>6.1f} {before:>7.2f} {now:>7.2f}{flag}")
    print()
    print(f"Smallest pairwise CAM02-UCS distance (under {CONFUSABLE:.0f}: collapsed)")
    palettes = {
        "3D view, before": BEFORE_3D,
        "3D view, now": dict(COLORS),
        "chips, before": {c: c for c in BEFORE_CHIPS},
        "chips, now": {c: c for c in PALETTE},
    }
    for name, palette in palettes.items():
        for deficiency in (None, *DEFICIENCIES):
            distance, a, b = smallest_distance(palette, deficiency)
            label = {None: "normal", "deuteranomaly": "deuteranopia", "protanomaly": "protanopia"}[deficiency]
            flag = "  COLLAPSED" if distance < CONFUSABLE else ""
            print(f"{name:<16} {label:<13} {distance:6.1f}  ({a} vs {b}){flag}")


if __name__ == "__main__":
    main()
