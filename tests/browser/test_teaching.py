"""The teaching views in a real browser: the seed's examples (?view=seed), word order (?view=order) and the
nearest neighbours of the pipeline. Each opens from its URL, shows the expected numbers and text, shows no
exception, keeps user text as text, and gets full-page screenshots (1920x1080 and 390 px wide) for a human
to look at in ``test-artifacts/screenshots/teaching-*.png``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest

from .conftest import (
    no_exception,
    open_app,
    open_on_demand,
    require_playwright,
    run_count,
    screenshot,
    wait_idle,
)

require_playwright()  # skip this module (fail it in CI) when Playwright is not installed
from playwright.sync_api import expect  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1920, "height": 1080}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
CHART_3D = ".st-key-order-3d .gl-container canvas"  # the word-order chart (a Plotly host)
EXAMPLE = "&compare_a=the+dog+bites+the+man&compare_b=the+man+bites+the+dog"
XSS = "<img src=x onerror=alert(1)> [a](javascript:alert(2))"


def open_view(new_page: Callable[..., Page], app_url: str, query: str, **context: object) -> Page:
    page = new_page(**(context or DESKTOP))
    open_app(page, f"{app_url}/?{query}")
    no_exception(page)
    wait_rendered(page)
    return page


def wait_rendered(page: Page) -> None:
    """Wait until Streamlit has replaced its grey loading skeletons (components whose code is loaded
    lazily, such as code blocks and charts) with the real elements: on a busy machine that takes seconds
    after the script has finished, and a screenshot taken earlier shows empty grey boxes."""
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=30_000)


def expect_code(page: Page, text: str) -> None:
    """Some code block shows ``text`` (retried: code blocks are highlighted after the script ends)."""
    expect(page.locator('[data-testid="stCode"]').filter(has_text=text)).not_to_have_count(0)


def test_seed_view_numbers(new_page: Callable[..., Page], app_url: str) -> None:
    page = open_view(new_page, app_url, "view=seed")
    for row in ("[ 0.3374, -0.1778, -0.1690]", "[-0.4015,  0.9666, -1.1481]", "[-2.8400, -0.7849, -1.4096]"):
        expect_code(page, row)
    expect_code(page, "tensor([[-0.4015,  0.9666, -1.1481]], grad_fn=<EmbeddingBackward0>)")
    expect_code(page, "= [0.5 + 0.1, -0.2 + 0.3, 0.1 + (-0.1)]")
    expect_code(page, "= [0.6, 0.1, 0.0]")
    expect(page.get_by_text("(8, 4, 256)")).to_be_visible()
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(1)  # the small heatmap


def test_seed_view_lookup_and_bad_input(new_page: Callable[..., Page], app_url: str) -> None:
    page = open_view(new_page, app_url, "view=seed")
    before = run_count(page)
    page.get_by_role("radiogroup", name="Token id").get_by_role("radio", name="5", exact=True).click()
    wait_idle(page, since=before)
    expect(page.get_by_text("[-2.8400, -0.7849, -1.4096]").first).to_be_visible()
    box = page.get_by_label("Token embedding", exact=True)
    box.fill("1, 2, x")
    before = run_count(page)
    box.press("Enter")
    wait_idle(page, since=before)
    no_exception(page)
    expect(page.get_by_text("Number 3 of the token embedding is not a number")).to_be_visible()


def test_order_view(new_page: Callable[..., Page], app_url: str) -> None:
    # "dog bites man" / "man bites dog" do not share their GPT-2 tokens ("dog" vs " dog"): the page says so
    page = open_view(new_page, app_url, "view=order&compare_a=dog+bites+man&compare_b=man+bites+dog")
    expect(page.get_by_text("not consist of the same tokens")).to_be_visible()
    before = run_count(page)
    page.get_by_role("button", name="Try").click()
    wait_idle(page, since=before)
    no_exception(page)
    expect(page.get_by_text("consist of the same tokens (the same multiset")).to_be_visible()
    expect(page.locator(CHART_3D)).to_have_count(1)
    table = page.locator('[data-testid="stDataFrame"]').filter(has_text="cos(input)")
    expect(table).to_be_visible()  # a canvas grid: its header cells exist for screen readers only
    expect(page.get_by_text("Transformer-XL")).to_be_visible()


def test_order_view_none_and_user_text(
    new_page: Callable[..., Page], app_url: str, dialogs: list[str]
) -> None:
    page = open_view(
        new_page,
        app_url,
        f"view=order&positional=none&compare_a={quote(XSS)}&compare_b={quote(' '.join(XSS.split()[::-1]))}",
    )
    page.wait_for_timeout(500)  # an injected onerror would fire as soon as the image fails to load
    assert dialogs == []
    assert page.locator('img[src="x"], [onerror], a[href^="javascript"]').count() == 0
    page2 = open_view(new_page, app_url, f"view=order&positional=none{EXAMPLE}")
    expect(page2.get_by_text("same bag of vectors")).to_be_visible()


def test_neighbours_section(new_page: Callable[..., Page], app_url: str) -> None:
    page = open_view(new_page, app_url, "token=2&k=5")
    expect(page.get_by_role("heading", name="7 · Nearest neighbours")).to_be_visible()
    expect(page.locator('[data-testid="stDataFrame"]').filter(has_text="cosine")).to_have_count(0)
    open_on_demand(page, "open-neighbours")
    # The neighbours' note (the cosines stage above says 1/√256 too, in a caption)
    expect(page.locator('[data-testid="stAlert"]').filter(has_text="1/√256")).to_be_visible()
    expect(page.locator('[data-testid="stDataFrame"]').filter(has_text="cosine")).to_be_visible()


@pytest.mark.parametrize(
    ("name", "query", "context"),
    [
        ("seed-desktop", "view=seed", DESKTOP),
        ("seed-phone", "view=seed", PHONE),
        ("seed-desktop-de", "view=seed&lang=de&toy_index=0", DESKTOP),
        ("order-desktop", "view=order", DESKTOP),
        (
            "order-example-desktop",
            "view=order&compare_a=the+dog+bites+the+man&compare_b=the+man+bites+the+dog",
            DESKTOP,
        ),
        (
            "order-phone-de",
            "view=order&lang=de&compare_a=the+dog+bites+the+man&compare_b=the+man+bites+the+dog",
            PHONE,
        ),
        ("neighbours-desktop", "token=2", DESKTOP),
        ("neighbours-phone", "token=2&lang=de", PHONE),
    ],
)
def test_screenshots(
    new_page: Callable[..., Page], app_url: str, name: str, query: str, context: dict
) -> None:
    """Full-page screenshots for a human to look at (``test-artifacts/screenshots/teaching-*.png``)."""
    page = open_view(new_page, app_url, query, **context)
    if name.startswith("neighbours"):
        open_on_demand(page, "open-neighbours")
        page.locator("#neighbours").scroll_into_view_if_needed()
    path = screenshot(page, f"teaching-{name}")
    assert path.stat().st_size > 10_000
