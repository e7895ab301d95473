"""The view "Training & GPT-2" in a real browser: train (through the server's training queue: the page
redraws the progress by itself and shows the result when the run is over), play the animation, move its
slider, stop a long run, the default lesson run with its figures, and GPT-2's tables (first unreachable,
then found in the cache folder).

This module starts its own ``streamlit run app.py`` with ``EMBEDVIZ_GPT2_ENDPOINT`` pointing at a port on
127.0.0.1 where nothing listens and an empty ``HF_HOME``, so that no test ever reaches the real Hugging
Face Hub. The page must say that the Hub could not be reached and keep working. Then the test does what
the message advises, puts the two tables (a tiny GPT-2-layout file) into ``HF_HOME``, and presses "Try
again". (Downloading them over HTTP is tested in ``test_app_train.py``.)
Full-page screenshots go to ``test-artifacts/screenshots/train-*.png`` for a human to look at.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest
from safetensors.torch import save_file
from test_app_train import tiny_gpt2_tensors

from embedviz.pretrained import cache_path
from embedviz.ui.state import Settings

from .conftest import (
    ARTIFACTS,
    StreamlitServer,
    app_script,
    free_port,
    no_exception,
    open_app,
    require_playwright,
    screenshot,
    start_streamlit,
    wait_idle,
)

require_playwright()  # skip this module (fail it in CI) when Playwright is not installed
from playwright.sync_api import expect  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1920, "height": 1080}}
ANIMATION = ".st-key-train_animation"
TRAIN_SECONDS = 180_000  # ms: generous, the machine is shared


@pytest.fixture(scope="module")
def hf_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hf-home")


@pytest.fixture(scope="module")
def server(hf_home: Path) -> Iterator[StreamlitServer]:
    """``streamlit run app.py`` with the GPT-2 loader pointed at a closed port and an empty HF_HOME."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("EMBEDVIZ_GPT2_ENDPOINT", f"http://127.0.0.1:{free_port()}")
        env.setenv("HF_HOME", str(hf_home))
        env.delenv("HF_HUB_OFFLINE", raising=False)
        try:
            started = start_streamlit(app_script(), ARTIFACTS / "streamlit-train-server.log")
        except RuntimeError as error:
            pytest.fail(str(error), pytrace=False)
    yield started
    started.stop()


def open_train(new_page: Callable[..., Page], server: StreamlitServer, query: str, **context: object) -> Page:
    page = new_page(**(context or DESKTOP))
    open_app(page, f"{server.url}/?view=train{query}", timeout_ms=120_000)
    no_exception(page)
    return page


def button(page: Page, name: str):
    """A button of the page itself (while a script runs, Streamlit's header has a "Stop" button too)."""
    return page.get_by_test_id("stMainBlockContainer").get_by_role("button", name=name, exact=True)


def press(page: Page, name: str, **wait: object) -> None:
    button(page, name).click()
    wait_idle(page, **wait)


def test_train_then_play_and_slide(new_page: Callable[..., Page], server: StreamlitServer) -> None:
    page = open_train(new_page, server, "&train_steps=20&dim=16&train_source=verdict")
    expect(page.get_by_text("Press Train to start")).to_be_visible()
    button(page, "Train").click()
    expect(page.get_by_text("Trained 20 steps in")).to_be_visible(timeout=TRAIN_SECONDS)
    no_exception(page)
    chart = page.locator(ANIMATION)
    expect(chart.locator(".gl-container canvas")).to_have_count(1, timeout=30_000)
    current = chart.locator(".slider-container .slider-currentvalue, .slider-container text").first
    expect(current).to_contain_text("step 0")
    chart.get_by_text("▶ Play").click()
    expect(current).to_contain_text("step 20", timeout=20_000)  # 5 frames, 350 ms each
    rail = chart.locator(".slider-rail-rect")
    box = rail.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] / 2)  # the middle frame
    expect(current).to_contain_text("step 10")
    no_exception(page)
    screenshot(page, "train-desktop-1920x1080")


def test_stop_keeps_the_partial_run(new_page: Callable[..., Page], server: StreamlitServer) -> None:
    # 1,000 steps at the default 256 dimensions: long enough to be stopped on a fast machine too
    page = open_train(new_page, server, "&train_steps=1000&train_source=verdict%2Bsentence")
    button(page, "Train").click()
    progress = page.locator('[data-testid="stProgress"]')
    expect(progress).to_contain_text("Step", timeout=60_000)  # some steps are done
    button(page, "Stop").click()
    expect(page.get_by_text("Stopped at step")).to_be_visible(timeout=TRAIN_SECONDS)
    no_exception(page)
    expect(page.locator(ANIMATION)).to_be_visible()
    expect(button(page, "Stop")).to_be_disabled()


def test_phone_in_german(new_page: Callable[..., Page], server: StreamlitServer) -> None:
    # The first test's sentence (the English page's default), so that its run is the one shown.
    query = "&train_steps=20&dim=16&train_source=verdict&lang=de&text=" + quote(Settings().text)
    page = open_train(new_page, server, query, **PHONE)
    press(page, "Trainieren", timeout_ms=TRAIN_SECONDS)  # trained by the first test: shown at once
    no_exception(page)
    expect(page.get_by_text("Schon früher trainiert")).to_be_visible()
    expect(page.locator(ANIMATION).get_by_text("▶ Abspielen")).to_be_visible()
    screenshot(page, "train-phone-390x844-de")


def test_the_default_run_shows_the_lesson(new_page: Callable[..., Page], server: StreamlitServer) -> None:
    """The page's defaults (the lesson, 100 steps, dim 256): Train, then the lesson's two figures."""
    page = open_train(new_page, server, "")
    button(page, "Train").click()
    expect(page.get_by_text("Trained 100 steps in")).to_be_visible(timeout=TRAIN_SECONDS)
    no_exception(page)
    expect(page.get_by_text("Tokens used alike end up alike")).to_be_visible()
    for key in ("train_lesson", "train_lesson_map"):
        expect(page.locator(f".st-key-{key} .main-svg").first).to_be_visible(timeout=30_000)
    expect(page.locator(".st-key-train_lesson")).to_contain_text("words of different groups")
    expect(page.locator(ANIMATION + " .gl-container canvas")).to_have_count(1, timeout=30_000)
    expect(button(page, "Use the exercise's sentence")).to_be_visible()
    screenshot(page, "train-lesson-desktop-1920x1080")


def test_gpt2_unreachable_then_from_the_cache(
    new_page: Callable[..., Page], server: StreamlitServer, hf_home: Path
) -> None:
    page = open_train(new_page, server, "&tables=gpt2&dim=16")
    warning = page.locator('[data-testid="stAlert"]', has_text="cannot be shown here")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("could not be reached")
    expect(button(page, "Train")).to_be_enabled()  # the rest still works
    screenshot(page, "train-gpt2-unreachable")
    tables = {name: tiny_gpt2_tensors()[name] for name in ("wte.weight", "wpe.weight")}
    cached = cache_path(hf_home / "embedviz")  # what the message advises: a folder with the cached file
    cached.parent.mkdir(parents=True, exist_ok=True)
    save_file(tables, str(cached))
    press(page, "Try again", timeout_ms=120_000)
    no_exception(page)
    for key in ("gpt2_space_random", "gpt2_space_gpt2", "gpt2_curve_random", "gpt2_curve_gpt2"):
        expect(page.locator(f".st-key-{key} .gl-container canvas")).to_have_count(1, timeout=30_000)
    expect(page.get_by_text("8 dimensions, seed 123, 1,024 positions")).to_be_visible()
    screenshot(page, "train-gpt2-desktop")
    assert colorbar_orientation(page, "gpt2_curve_gpt2") == "v"  # beside the curve, as plotly puts it
    phone = open_train(new_page, server, "&tables=gpt2&dim=16", **PHONE)  # loaded: in memory now
    expect(phone.locator(".st-key-gpt2_curve_gpt2")).to_be_visible()
    # On a phone the colour bar lies under the curve, so the 3D scene keeps the chart's width.
    assert colorbar_orientation(phone, "gpt2_curve_gpt2") == "h"
    screenshot(phone, "train-gpt2-phone")


def colorbar_orientation(page: Page, key: str) -> str:
    """The drawn orientation of the colour bar of the chart ``key`` (once it is drawn)."""
    return page.wait_for_function(
        """(key) => document.querySelector(`.st-key-${key} .js-plotly-plot`)
                      ?._fullData?.[0]?.marker?.colorbar?.orientation""",
        arg=key,
        timeout=30_000,
    ).json_value()
