"""The reproduce stage in a real browser: the downloads arrive with the exact bytes the core builds, the HTML
export opens from disk with no network and draws its chart, and screenshots of the section."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import pytest
from PIL import Image

import embedviz
from embedviz import export
from embedviz.ui.stages import number

from .conftest import (
    CONTENT_HEIGHT_JS,
    SCREENSHOTS,
    new_instrumented_context,
    no_exception,
    open_app,
    open_on_demand,
    require_playwright,
)

require_playwright()  # skip this module (fail it in CI) when Playwright is not installed
from playwright.sync_api import expect  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Download, Locator, Page

pytestmark = pytest.mark.browser

SECTION = ".st-key-reproduce"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
#: Commas, quotes, a formula and a newline in tokens, for the CSV.
TRICKY = '=1+1, "quoted" text\n-2 @x'
SCRIPT = "</script><script>alert(1)</script>"


def open_section(new_page: Callable[..., Page], app_url: str, query: dict[str, object], **context) -> Page:
    page = new_page(**context)
    open_app(page, f"{app_url}/?{urlencode(query)}")
    no_exception(page)
    open_on_demand(page, "open-reproduce")
    section = page.locator(SECTION)
    # The buttons are the section's last elements: once all three are there, the section is complete
    # (generous timeout: on a busy machine the first run can still be going when wait_idle returns).
    expect(section.locator('[data-testid="stDownloadButton"]')).to_have_count(3, timeout=60_000)
    section.scroll_into_view_if_needed()
    expect(section.locator("h2")).to_contain_text(f"{number('reproduce')} ·")
    return page


def download(page: Page, label: str) -> Download:
    """Click the download button called ``label`` and wait for the browser to get the file."""
    button = page.locator(SECTION).get_by_role("button", name=label)
    with page.expect_download(timeout=60_000) as info:
        button.click()
    return info.value


def test_csv_download_is_the_exact_export(new_page: Callable[..., Page], app_url: str) -> None:
    query = {"text": TRICKY, "dim": 6, "seed": 5, "positional": "sinusoidal"}
    page = open_section(new_page, app_url, query)
    runs_before = page.evaluate("() => window.__ev.runs")
    file = download(page, "Vectors (CSV)")
    assert file.suggested_filename == "embedviz-gpt2-dim6-seed5-sinusoidal.csv"
    expected = export.vectors_csv(embedviz.embed(TRICKY, dim=6, seed=5, positional="sinusoidal"))
    assert Path(file.path()).read_bytes() == expected
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__ev.runs") == runs_before  # on_click="ignore": no rerun
    no_exception(page)


def test_projector_zip_download(new_page: Callable[..., Page], app_url: str) -> None:
    page = open_section(new_page, app_url, {"text": "dog bites man", "dim": 4})
    file = download(page, "Embedding Projector (ZIP)")
    assert file.suggested_filename.endswith("-projector.zip")
    assert Path(file.path()).read_bytes() == export.projector_zip(embedviz.embed("dog bites man", dim=4))


def html_download(new_page: Callable[..., Page], app_url: str, text: str, tmp_path: Path) -> Path:
    page = open_section(new_page, app_url, {"text": text, "dim": 16})
    file = download(page, "3D view (HTML)")
    assert file.suggested_filename == "embedviz-gpt2-dim16-seed123-learned-3d.html"
    path = tmp_path / file.suggested_filename
    file.save_as(path)
    return path


def open_offline(browser: Browser, path: Path) -> tuple[Page, list[str], list[str]]:
    """Open a file in a context that is offline and records every request that is not the file."""
    context = new_instrumented_context(browser)
    context.set_offline(True)
    page = context.new_page()
    requests: list[str] = []
    dialogs: list[str] = []
    page.on(
        "request", lambda r: None if r.url.startswith(("file:", "data:", "blob:")) else requests.append(r.url)
    )
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    return page, requests, dialogs


def drawn_share(canvas: Locator) -> float:
    """The share of a canvas' pixels that differ from its most common colour."""
    image = Image.open(io.BytesIO(canvas.screenshot())).convert("RGB")
    colours = image.getcolors(maxcolors=image.width * image.height) or []
    return 1 - max(count for count, _ in colours) / (image.width * image.height)


def drawn(canvas: Locator, timeout_s: float = 30.0) -> bool:
    """Whether more than 0.5 % of the canvas' pixels show something, within ``timeout_s`` (WebGL draws in
    a frame of its own, late on a busy machine)."""
    deadline = time.monotonic() + timeout_s
    while drawn_share(canvas) <= 0.005:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def test_html_download_opens_offline_and_draws(
    new_page: Callable[..., Page], app_url: str, browser: Browser, tmp_path: Path
) -> None:
    path = html_download(new_page, app_url, "Today the cat sat on the mat", tmp_path)
    assert 2_000_000 < path.stat().st_size < 10_000_000
    page, requests, dialogs = open_offline(browser, path)
    try:
        plot = page.locator(".js-plotly-plot")
        expect(plot).to_be_visible()
        assert page.evaluate("() => document.querySelector('.js-plotly-plot')._fullData.length") == 4
        canvas = page.locator(".gl-container canvas").first
        expect(canvas).to_be_visible()
        assert drawn(canvas), "the exported 3D chart looks blank"
        expect(page.locator(".gtitle")).to_contain_text("Today the cat sat on the mat")
        assert requests == [] and dialogs == []
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "reproduce-html-export.png"))
    finally:
        page.context.close()


def test_html_download_keeps_a_script_sentence_as_text(
    new_page: Callable[..., Page], app_url: str, browser: Browser, tmp_path: Path
) -> None:
    path = html_download(new_page, app_url, SCRIPT, tmp_path)
    page, requests, dialogs = open_offline(browser, path)
    try:
        expect(page.locator(".js-plotly-plot")).to_be_visible()
        page.wait_for_timeout(500)
        assert dialogs == [] and requests == []
        scripts = page.locator("script").evaluate_all("els => els.map(e => e.textContent.trim())")
        # Plotly's page has three: its config line, plotly.js and the plot call. Nothing was added.
        assert len(scripts) == 3 and not any(script.startswith("alert") for script in scripts)
        expect(page.locator(".gtitle")).to_contain_text(SCRIPT)  # shown as the literal characters
    finally:
        page.context.close()


def section_screenshot(page: Page, name: str) -> Path:
    """A PNG of the reproduce stage only (the viewport is stretched so Streamlit's scroller shows all of
    it)."""
    viewport = page.viewport_size
    page.set_viewport_size({"width": viewport["width"], "height": int(page.evaluate(CONTENT_HEIGHT_JS))})
    page.wait_for_timeout(500)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    try:
        page.locator(SECTION).screenshot(path=str(path))
    finally:
        page.set_viewport_size(viewport)
    return path


@pytest.mark.parametrize(
    ("name", "query", "context"),
    [
        ("desktop-1920", {}, {"viewport": {"width": 1920, "height": 1080}}),
        ("desktop-1920-de-sinusoidal", {"lang": "de", "positional": "sinusoidal"}, {}),
        ("phone-390", {}, PHONE),
    ],
)
def test_section_screenshot(
    new_page: Callable[..., Page], app_url: str, name: str, query: dict[str, object], context: dict
) -> None:
    """Screenshots of the section for a human to look at (``test-artifacts/screenshots/reproduce-*``)."""
    page = open_section(new_page, app_url, query, **context)
    path = section_screenshot(page, f"reproduce-{name}")
    assert path.stat().st_size > 10_000
