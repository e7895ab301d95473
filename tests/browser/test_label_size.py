"""Token labels that appear while a sentence is typed are as large as labels drawn at once.

plotly.js 4.1 drew the 3D view's labels that a ``Plotly.react`` added at about half their font size
(plotly.js issue #5754; ``firstDrawRatio`` in ``plotly_host.js`` works around it). Checked on the real app:
a sentence typed word by word with live typing (3 tokens growing to 12, no commit key) ends with the same
token-coloured pixels in the 3D view, within a few percent, as a fresh page that draws the 12-token
sentence at once (same size, camera and points). With the bug, nine of the twelve labels were about half
as tall, which lost far more than that. The two PNGs go to ``test-artifacts/screenshots/labels-*.png``.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING
from urllib.parse import quote

import numpy as np
import pytest

import embedviz
from embedviz.figures.style import COLORS

from .conftest import SCREENSHOTS, no_exception, open_app, require_playwright, sentence_box

require_playwright()  # skip this module (fail it in CI) when Playwright is not installed

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

START = "The cat sat"
WORDS = ["on", "the", "mat", "and", "then", "it", "ran", "away", "fast"]
FINAL = " ".join([START, *WORDS])
SPACE = ".st-key-space3d .js-plotly-plot"
VIEWPORT = {"width": 1280, "height": 900}


def wait_drawn(page: Page, n: int) -> None:
    """The run is over and the 3D view shows the figure's ``n`` token points (no glide running)."""
    page.wait_for_function(
        """([selector, n]) => {
             const app = document.querySelector('[data-testid="stApp"]');
             if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
             const gd = document.querySelector(selector);
             return Boolean(gd && gd._fullData && gd.querySelector('.gl-container canvas'))
               && gd._fullData[0].x.length === n && gd.data[0].ids.length === n && !gd.dataset.gliding;
           }""",
        arg=[SPACE, n],
        timeout=60_000,
    )


def token_pixels(page: Page, name: str) -> int:
    """Pixels of the 3D view in the token colour (labels and token markers), from a screenshot."""
    from PIL import Image

    chart = page.locator(SPACE)
    chart.scroll_into_view_if_needed()
    page.mouse.move(0, 0)  # no hover highlight
    png = chart.screenshot(animations="disabled")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"labels-{name}.png").write_bytes(png)
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int32)
    target = np.array([int(COLORS["token"][i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(pixels - target).sum(axis=2) < 60).sum())


def type_word_by_word(page: Page) -> Iterator[str]:
    """Type ``WORDS`` after ``START`` one word at a time (live typing commits after the pause, no Enter);
    yield the sentence each time the 3D view has drawn it."""
    wait_drawn(page, len(embedviz.tokenize(START)))
    box = sentence_box(page)
    box.click()
    box.press("End")
    text = START
    for word in WORDS:
        box.press_sequentially(" " + word, delay=30)
        text += " " + word
        wait_drawn(page, len(embedviz.tokenize(text)))
        yield text


def test_labels_typed_live_match_labels_drawn_at_once(new_page: Callable[..., Page], app_url: str) -> None:
    assert len(embedviz.tokenize(START)) == 3 and len(embedviz.tokenize(FINAL)) == 12
    typed = new_page(viewport=VIEWPORT)
    open_app(typed, f"{app_url}/?text={quote(START)}")
    for _ in type_word_by_word(typed):
        pass
    no_exception(typed)
    grown = token_pixels(typed, "typed")

    fresh = new_page(viewport=VIEWPORT)
    open_app(fresh, f"{app_url}/?text={quote(FINAL)}")
    wait_drawn(fresh, 12)
    at_once = token_pixels(fresh, "at-once")
    assert at_once > 0
    assert grown == pytest.approx(at_once, rel=0.05), (grown, at_once)


#: Every token label of the 3D view: its text and its drawn font size and height (SVG text, CSS px).
LABELS_JS = """
(selector) => [...document.querySelectorAll(`${selector} .annotation-text`)].map((node) => ({
  text: node.textContent,
  size: parseFloat(getComputedStyle(node).fontSize),
  height: node.getBoundingClientRect().height,
}))
"""


def test_every_label_keeps_its_size_while_typing_in_presenter_mode(
    new_page: Callable[..., Page], app_url: str
) -> None:
    from embedviz.figures.space import LABEL_SIZE
    from embedviz.ui.stages import slides

    step = [stage.key for stage in slides()].index("space")
    page = new_page(viewport={"width": 1920, "height": 1080})
    open_app(page, f"{app_url}/?presenter=true&step={step}&text={quote(START)}")
    for text in type_word_by_word(page):
        tokens = embedviz.tokenize(text)
        # The labels are those of the figure: one per distinct token, in the space-stripped display.
        first = {token.id: token for token in reversed(tokens)}  # each id's first occurrence
        expected = sorted(plain_word(token.display) for token in first.values())
        page.wait_for_function(
            "([selector, n]) => document.querySelectorAll(`${selector} .annotation-text`).length === n",
            arg=[SPACE, len(expected)],
        )
        labels = page.evaluate(LABELS_JS, SPACE)
        assert sorted(label["text"] for label in labels) == expected
        for label in labels:
            assert label["size"] == LABEL_SIZE, (text, label)
            assert label["height"] >= LABEL_SIZE, (text, label)  # drawn, at least one line of 18 px
    no_exception(page)


def plain_word(display: str) -> str:
    """A token's label as the 3D view writes it: the display without its space marks (or the display)."""
    return display.replace("␣", " ").strip() or display
