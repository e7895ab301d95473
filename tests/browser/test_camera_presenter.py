"""In a real browser: the 3D camera survives unrelated reruns (Plotly ``uirevision``), camera presets
move it; presenter mode shows the pipeline as slides turned by Back / Next, a clicker's PageDown/PageUp
or the arrow keys, with the 3D chart filling the screen; the sentence box follows the typing."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from embedviz.ui.stages import slides

from .conftest import (
    drag_across,
    no_exception,
    open_app,
    require_playwright,
    run_count,
    screenshot,
    sentence_box,
    wait_idle,
)

require_playwright()
from playwright.sync_api import expect  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Page

pytestmark = pytest.mark.browser
#: The presenter's slide count, from the stage list.
TOTAL = len(slides())

CAMERA_JS = """() => {
  const plot = [...document.querySelectorAll('.js-plotly-plot')]
    .find(p => p._fullLayout && p._fullLayout.scene);
  const eye = plot._fullLayout.scene._scene.getCamera().eye;  // the live camera of the WebGL scene
  return [eye.x, eye.y, eye.z];
}"""


def click_and_wait(page: Page, locator: object) -> None:
    before = run_count(page)
    locator.click()
    wait_idle(page, since=before)
    no_exception(page)


def rotate(page: Page) -> list[float]:
    """Drag across the 3D chart with the mouse, as a user turns it; return the new camera eye once it
    has moved and stays put between two polls (the drag is over)."""
    before = page.evaluate(CAMERA_JS)
    drag_across(page, page.locator(".st-key-space3d .gl-container canvas").first, 250, 80)
    page.wait_for_function(
        f"""(before) => {{
              const key = JSON.stringify(({CAMERA_JS})()), still = window.__eye === key;
              window.__eye = key;
              return still && key !== JSON.stringify(before);
            }}""",
        arg=before,
        polling=250,
    )
    return page.evaluate(CAMERA_JS)


def test_camera_survives_an_unrelated_control(new_page: Callable[..., Page], app_url: str) -> None:
    page = new_page(viewport={"width": 1920, "height": 1080})
    open_app(page, app_url)
    expect(page.locator(".st-key-space3d .gl-container canvas").first).to_be_visible()
    default_eye = page.evaluate(CAMERA_JS)
    turned = rotate(page)
    assert turned != pytest.approx(default_eye, abs=0.05)
    # Unrelated controls: show all dimensions, then pick another token for the worked sum.
    click_and_wait(page, page.get_by_text("Show all dimensions", exact=True))
    page.wait_for_timeout(500)
    assert page.evaluate(CAMERA_JS) == pytest.approx(turned, abs=0.02)
    # A camera preset moves it: "from above" looks straight down the z axis.
    click_and_wait(page, page.get_by_text("from above", exact=True))
    # The host applies the preset after the rerun, in the browser: wait for it (a busy machine is slow).
    page.wait_for_function(
        f"() => {{ const [x, y, z] = ({CAMERA_JS})();"
        " return Math.abs(x) < 0.05 && Math.abs(y) < 0.05 && z > 1.5; }"
    )
    eye = page.evaluate(CAMERA_JS)
    assert abs(eye[0]) < 0.05 and abs(eye[1]) < 0.05 and eye[2] > 1.5
    screenshot(page, "camera-from-above")


def test_presenter_mode_steps(new_page: Callable[..., Page], app_url: str) -> None:
    page = new_page(viewport={"width": 1920, "height": 1080})
    open_app(page, f"{app_url}/?presenter=true")
    expect(page.get_by_text(f"Step 1 of {TOTAL}:")).to_be_visible()
    expect(page.get_by_role("heading", name="2 · Token embeddings")).to_have_count(0)
    for step in range(2, 6):
        click_and_wait(page, page.get_by_role("button", name="Next ▶"))
        expect(page.get_by_text(f"Step {step} of {TOTAL}:")).to_be_visible()
    expect(page.get_by_role("heading", name="5 · The 3D view")).to_be_visible()
    expect(page.locator(".st-key-space3d .gl-container canvas").first).to_be_visible()
    assert "step=4" in page.url and "presenter=true" in page.url  # the link reopens this exact step
    click_and_wait(page, page.get_by_role("button", name="◀ Back"))
    expect(page.get_by_role("heading", name="5 · The 3D view")).to_have_count(0)
    screenshot(page, "presenter-step-4")


CHART = ".st-key-space3d .js-plotly-plot"


def press_and_wait(page: Page, key: str, step: int, tries: int = 1) -> None:
    """Press ``key`` on the page (not in a text box) and wait until slide ``step`` (0-based) is shown and
    the URL says so. ``tries`` > 1: press again while no run started (a key pressed right after the page
    loaded, before Streamlit has bound the buttons' shortcuts, reaches no button)."""
    for _ in range(tries):
        before = run_count(page)
        page.keyboard.press(key)
        wait_idle(page, since=before, appear_ms=3_000)
        if run_count(page) != before:
            break
    expect(page.get_by_text(f"Step {step + 1} of {TOTAL}:")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"[?&]step={step}\b") if step else re.compile(r"^(?!.*step=)"))


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1280, 720)])
def test_clicker_keys_turn_the_slides_and_the_3d_chart_fills_the_screen(
    new_page: Callable[..., Page], app_url: str, width: int, height: int
) -> None:
    """PageDown/PageUp (a clicker) and the arrow keys move the step, the URL follows, and at the 3D step
    the chart is whole on the screen and at least 62% of its height, without scrolling."""
    page = new_page(viewport={"width": width, "height": height})
    open_app(page, f"{app_url}/?presenter=true")
    expect(page.get_by_text(f"Step 1 of {TOTAL}:")).to_be_visible()
    press_and_wait(page, "PageDown", 1, tries=3)  # the first key right after the page loaded
    for key, step in (("ArrowRight", 2), ("ArrowDown", 3), ("PageDown", 4)):
        press_and_wait(page, key, step)
    chart = page.locator(CHART).first
    expect(page.locator(".st-key-space3d .gl-container canvas").first).to_be_visible()
    expect(page.get_by_role("heading", name="5 · The 3D view")).to_be_in_viewport()
    box = chart.bounding_box()
    assert box is not None
    assert box["height"] >= 0.62 * height, f"3D chart {box['height']:.0f} px high on a {height} px screen"
    assert box["y"] >= 0 and box["y"] + box["height"] <= height + 1, f"3D chart not whole on screen: {box}"
    no_exception(page)
    screenshot(page, f"presenter-3d-{width}x{height}")
    for key, step in (("PageUp", 3), ("ArrowLeft", 2), ("ArrowUp", 1)):
        press_and_wait(page, key, step)


def test_keys_typed_in_the_sentence_do_not_turn_the_slide(
    new_page: Callable[..., Page], app_url: str
) -> None:
    """Arrows and PageDown inside the sentence box move the cursor, not the slide: no run starts."""
    page = new_page(viewport={"width": 1280, "height": 720})
    open_app(page, f"{app_url}/?presenter=true&step=2")
    box = sentence_box(page)
    box.click()
    before = run_count(page)
    for key in ("ArrowLeft", "ArrowRight", "PageDown", "ArrowDown", "PageUp"):
        box.press(key)
    wait_idle(page, since=before, appear_ms=1_500)  # a slide change would start a run by then
    assert run_count(page) == before
    expect(page.get_by_text(f"Step 3 of {TOTAL}:")).to_be_visible()
    assert "step=2" in page.url


def test_typing_without_enter_updates_the_tokens(new_page: Callable[..., Page], app_url: str) -> None:
    """The sentence box commits after a pause in the typing (``live=``): no Enter, no click outside."""
    page = new_page(viewport={"width": 1920, "height": 1080})
    open_app(page, app_url)
    box = sentence_box(page)
    box.click()
    box.press("ControlOrMeta+a")
    box.press_sequentially("the dog bites", delay=110)
    expect(page.locator("div.ev-chips")).to_contain_text("bites")
    expect(box).to_be_focused()  # the learner keeps typing: nothing took the focus away
    expect(page).to_have_url(re.compile(r"text=the\+dog\+bites|text=the%20dog%20bites"))
