"""Smoke tests in a real browser: the page loads, tokens appear as chips, the 3D view draws, user text
stays text. Each test gets a fresh Streamlit session (see ``conftest.py`` for the fixtures and helpers)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest
from PIL import Image

import embedviz

from .conftest import no_exception, open_app, require_playwright, screenshot, type_sentence

require_playwright()  # skip this module (fail it in CI) when Playwright is not installed
from playwright.sync_api import expect  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"
CHIP = "div.ev-chips span.ev-chip"
CHART_3D = ".st-key-space3d:has(.gl-container canvas)"


def expected_ids(text: str) -> list[int]:
    """GPT-2 token ids computed here, in the test process, with the core library (not read from the page)."""
    return [token.id for token in embedviz.tokenize(text)]


def chips(page: Page) -> Locator:
    """The token chips of the first chip row (the tokens section)."""
    return page.locator("div.ev-chips").first.locator("span.ev-chip")


def assert_chips_show(page: Page, text: str) -> None:
    """One chip per token, in order, each carrying its id in ``data-token-id`` and showing it as text."""
    ids = expected_ids(text)
    expect(chips(page)).to_have_count(len(ids))
    shown = chips(page).evaluate_all("els => els.map(e => [e.getAttribute('data-token-id'), e.innerText])")
    assert [int(token_id) for token_id, _ in shown] == ids
    for token_id, label in shown:
        assert token_id in label, f"chip {label!r} does not show its id {token_id}"


def test_page_loads_without_exception(page: Page) -> None:
    no_exception(page)
    expect(page.get_by_label("Sentence", exact=True)).not_to_have_value("")


def test_title(page: Page) -> None:
    assert "embedviz" in page.title().lower()
    expect(page.locator("h1").first).to_contain_text("embedviz", ignore_case=True)


def test_default_sentence_chips(page: Page) -> None:
    """On first load the chips show the default sentence, whatever the text area starts with."""
    box = page.get_by_label("Sentence", exact=True)
    expect(box).not_to_have_value("")
    assert_chips_show(page, box.input_value())


def test_typing_a_sentence_updates_the_chips(page: Page) -> None:
    text = "Tokenizers split rare words: antidisestablishmentarianism, 12345 and emoji 🙂!"
    type_sentence(page, text)
    no_exception(page)
    assert_chips_show(page, text)


def test_text_query_param_sets_the_sentence(new_page: Callable[..., Page], app_url: str) -> None:
    text = "hello world, hello tokens"
    page = new_page()
    open_app(page, f"{app_url}/?text={quote(text)}")
    no_exception(page)
    expect(page.get_by_label("Sentence", exact=True)).to_have_value(text)
    assert_chips_show(page, text)


def test_3d_chart_has_a_drawn_canvas(page: Page) -> None:
    """The 3D view is WebGL: a canvas that is there *and* has pixels (not one flat colour)."""
    chart = page.locator(CHART_3D).first
    expect(chart).to_be_visible()
    png = chart.locator(".gl-container canvas").first.screenshot()
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=image.width * image.height) or []
    background = max(count for count, _ in colours)
    drawn = 1 - background / (image.width * image.height)
    assert drawn > 0.005, f"the 3D canvas looks blank ({drawn:.2%} non-background pixels): is WebGL working?"
    assert page.get_by_text("WebGL is not supported").count() == 0


def test_user_text_is_never_html(page: Page, dialogs: list[str]) -> None:
    """An HTML-looking sentence shows as literal characters: no <img> element, no alert()."""
    type_sentence(page, XSS)
    no_exception(page)
    page.wait_for_timeout(500)  # an injected onerror would fire as soon as the image fails to load
    assert dialogs == []
    assert page.locator('img[src="x"], [onerror]').count() == 0
    expect(page.get_by_label("Sentence", exact=True)).to_have_value(XSS)
    assert_chips_show(page, XSS)
    labels = chips(page).all_inner_texts()
    for token, label in zip(embedviz.tokenize(XSS), labels, strict=True):
        assert token.display in label, f"chip {label!r} should show the literal token {token.display!r}"


@pytest.mark.parametrize(
    ("name", "context"),
    [
        ("desktop-1920x1080", {"viewport": {"width": 1920, "height": 1080}}),
        ("phone-390x844", {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}),
    ],
)
def test_full_page_screenshot(
    new_page: Callable[..., Page], app_url: str, name: str, context: dict[str, object]
) -> None:
    """Full-page screenshots for a human to look at (``test-artifacts/screenshots/``)."""
    page = new_page(**context)
    open_app(page, app_url)
    no_exception(page)
    expect(page.locator(CHART_3D).first).to_be_visible()
    path = screenshot(page, f"smoke-{name}")
    assert path.stat().st_size > 10_000
