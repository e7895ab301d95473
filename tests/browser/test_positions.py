"""The positions view in a real browser: every chart draws, an edit updates the mounted charts in place
(0 new WebGL contexts), axe-core finds nothing in English and German, and screenshots at 1920x1080,
1280x720 in presenter mode (one slide per part) and 390 px go to ``/tmp/positions-shots/`` for a human
to look at."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from . import test_accessibility as a11y
from .conftest import count_webgl_and_stay_local, no_exception, open_app, run_count, screenshot, wait_idle

pytest.importorskip("playwright")
from playwright.sync_api import expect

if TYPE_CHECKING:
    from playwright.sync_api import Page

SHOTS = Path("/tmp/positions-shots")
CHARTS = (
    "positions-table-learned",
    "positions-table-sinusoidal",
    "positions-cosines-learned",
    "positions-cosines-sinusoidal",
    "positions-wavelengths",
    "positions-3d-add",
    "positions-3d-concat",
    "positions-scores",
    *(f"positions-rotation-{slot}" for slot in range(4)),  # four pairs of dimensions at dim 256
)
CHARTS_3D = ("positions-3d-add", "positions-3d-concat")
#: The charts of each slide (part) in presenter mode.
SLIDE_CHARTS = (
    (),
    CHARTS[:5],
    CHARTS_3D,
    tuple(key for key in CHARTS if key == "positions-scores" or "rotation" in key),
)


def shot(page: Page, name: str) -> None:
    """A full-page screenshot, also copied to /tmp/positions-shots/."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(screenshot(page, name), SHOTS / f"{name}.png")


def wait_charts(page: Page, keys: tuple[str, ...], points: int | None = None) -> None:
    """Wait until every chart of ``keys`` is drawn by plotly.js (3D ones with their WebGL canvas) and, if
    ``points`` is given, the 3D charts hold that many points."""
    page.wait_for_function(
        """([keys, three, points]) => keys.every((key) => {
             const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
             if (!gd || !gd._fullData || !gd._fullLayout) return false;
             if (!three.includes(key)) return true;
             if (!gd.querySelector('.gl-container canvas') || gd.dataset.gliding) return false;
             return points === null || gd._fullData[0].x.length === points;
           })""",
        arg=[list(keys), list(CHARTS_3D), points],
        timeout=120_000,
    )


def test_charts_draw_and_an_edit_adds_no_webgl_context(new_page: Callable[..., Page], app_url: str) -> None:
    page = new_page(viewport={"width": 1920, "height": 1080})
    count_webgl_and_stay_local(page.context)
    open_app(page, f"{app_url}/?view=positions", timeout_ms=120_000)
    no_exception(page)
    wait_charts(page, CHARTS, points=9)  # „Die Katze saß auf der Matte“: 9 GPT-2 tokens
    selectors = [f".st-key-{key} .js-plotly-plot" for key in CHARTS]
    page.evaluate("(s) => { window.__nodes = s.map((x) => document.querySelector(x)); }", selectors)
    contexts = page.evaluate("() => window.__webgl")
    assert contexts >= 2  # the two 3D charts
    shot(page, "positions-1920x1080-en")
    box = page.get_by_label("Sentence A", exact=True)
    before = run_count(page)
    box.fill("Die Matte saß auf der Katze")  # 9 tokens again, in another order
    box.press("Enter")
    wait_idle(page, since=before)
    box.fill("Die Katze")
    box.press("Enter")
    wait_idle(page, since=run_count(page))
    wait_charts(page, CHARTS, points=3)
    no_exception(page)
    kept = page.evaluate("(s) => s.map((x, i) => window.__nodes[i] === document.querySelector(x))", selectors)
    assert [key for key, same in zip(CHARTS, kept, strict=True) if not same] == []
    assert page.evaluate("() => window.__webgl") == contexts


@pytest.mark.parametrize("lang", ["en", "de"])
def test_presenter_slides_at_1280x720(new_page: Callable[..., Page], app_url: str, lang: str) -> None:
    page = new_page(viewport={"width": 1280, "height": 720})
    step_text = "Step {} of 4:" if lang == "en" else "Schritt {} von 4:"
    for step, charts in enumerate(SLIDE_CHARTS):
        open_app(
            page, f"{app_url}/?view=positions&presenter=true&step={step}&lang={lang}", timeout_ms=120_000
        )
        no_exception(page)
        expect(page.get_by_text(step_text.format(step + 1))).to_be_visible()
        wait_charts(page, charts)
        shot(page, f"positions-presenter-{lang}-step{step}")


def test_phone_390(new_page: Callable[..., Page], app_url: str) -> None:
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    open_app(page, f"{app_url}/?view=positions&lang=de", timeout_ms=120_000)
    no_exception(page)
    wait_charts(page, CHARTS, points=9)
    shot(page, "positions-390-de")


def test_axe_finds_nothing(new_page: Callable[..., Page], app_url: str) -> None:
    page = new_page(viewport={"width": 1920, "height": 1080})
    open_app(page, f"{app_url}/?view=positions&lang=en", timeout_ms=120_000)
    wait_charts(page, CHARTS)
    problems = a11y.axe_violations(page, "positions-en")
    a11y.switch_to_german(page)
    wait_charts(page, CHARTS)
    problems += a11y.axe_violations(page, "positions-de", on_demand=False)
    a11y.fail_on(problems)
