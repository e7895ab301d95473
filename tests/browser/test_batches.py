"""The batches view in a real browser: it opens from its URL, shows the seed's shapes, draws its pictures,
keeps an HTML-looking own text as text, and gets full-page screenshots for a human to look at."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest

from .conftest import no_exception, open_app, require_playwright, screenshot

require_playwright()  # skip this module (fail it in CI) when Playwright is not installed
from playwright.sync_api import expect  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)> " * 4
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def open_batches(new_page: Callable[..., Page], app_url: str, query: str = "", **context: object) -> Page:
    page = new_page(**context)
    open_app(page, f"{app_url}/?view=batches{query}")
    no_exception(page)
    return page


def test_default_shapes_and_pictures(new_page: Callable[..., Page], app_url: str) -> None:
    page = open_batches(new_page, app_url)
    shapes = page.locator('[data-testid="stCode"]').first
    expect(shapes).to_contain_text("(8, 4)")
    expect(shapes).to_contain_text("(8, 4, 256)")
    expect(shapes).to_contain_text("(4, 256)")
    expect(page.get_by_text("public domain")).to_be_visible()
    expect(page.locator(".ev-batch .mark")).to_have_count(8)  # one start mark per sample of the batch
    # the ruler, the 3D tensor, and token + position = input
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(5, timeout=30_000)


def test_own_text_is_never_html(new_page: Callable[..., Page], app_url: str, dialogs: list[str]) -> None:
    page = open_batches(new_page, app_url, f"&batch_source=own&batch_text={quote(XSS)}&batch_size=2")
    page.wait_for_timeout(500)  # an injected onerror would fire as soon as the image fails to load
    assert dialogs == []
    assert page.locator('img[src="x"], [onerror]').count() == 0
    expect(page.locator(".ev-batch")).to_contain_text("onerror=alert(1)>")


@pytest.mark.parametrize(
    ("name", "query", "context"),
    [
        ("desktop-1920x1080", "", {"viewport": {"width": 1920, "height": 1080}}),
        ("desktop-overlap", "&stride=2&batch=3", {"viewport": {"width": 1920, "height": 1080}}),
        ("desktop-gap-de", "&stride=6&lang=de&shuffle=true", {"viewport": {"width": 1920, "height": 1080}}),
        ("phone-390x844", "", PHONE),
    ],
)
def test_full_page_screenshot(
    new_page: Callable[..., Page], app_url: str, name: str, query: str, context: dict[str, object]
) -> None:
    """Full-page screenshots for a human to look at (``test-artifacts/screenshots/batches-*.png``)."""
    page = open_batches(new_page, app_url, query, **context)
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(5, timeout=30_000)
    path = screenshot(page, f"batches-{name}")
    assert path.stat().st_size > 10_000
