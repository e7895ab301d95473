"""In a real browser: the 3D camera survives unrelated reruns (Plotly ``uirevision``), camera presets
move it, and presenter mode reveals the pipeline step by step with Back / Next."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from .conftest import no_exception, open_app, require_playwright, run_count, screenshot, wait_idle

require_playwright()
from playwright.sync_api import expect  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

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
    """Drag across the 3D chart with the mouse, as a user turns it; return the new camera eye."""
    canvas = page.locator('.st-key-space3d .gl-container canvas').first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x + 25 * step, y + 8 * step)
    page.mouse.up()
    page.wait_for_timeout(800)
    return page.evaluate(CAMERA_JS)


def test_camera_survives_an_unrelated_control(new_page: Callable[..., Page], app_url: str) -> None:
    page = new_page(viewport={"width": 1920, "height": 1080})
    open_app(page, app_url)
    expect(page.locator('.st-key-space3d .gl-container canvas').first).to_be_visible()
    default_eye = page.evaluate(CAMERA_JS)
    turned = rotate(page)
    assert turned != pytest.approx(default_eye, abs=0.05)
    # Unrelated controls: show all dimensions, then pick another token for the worked sum.
    click_and_wait(page, page.get_by_text("Show all dimensions"))
    page.wait_for_timeout(500)
    assert page.evaluate(CAMERA_JS) == pytest.approx(turned, abs=0.02)
    # A camera preset moves it: "from above" looks straight down the z axis.
    click_and_wait(page, page.get_by_text("from above", exact=True))
    page.wait_for_timeout(500)
    eye = page.evaluate(CAMERA_JS)
    assert abs(eye[0]) < 0.05 and abs(eye[1]) < 0.05 and eye[2] > 1.5
    screenshot(page, "camera-from-above")


def test_presenter_mode_steps(new_page: Callable[..., Page], app_url: str) -> None:
    page = new_page(viewport={"width": 1920, "height": 1080})
    open_app(page, f"{app_url}/?presenter=true")
    expect(page.get_by_text("Step 1 of 5:")).to_be_visible()
    expect(page.get_by_role("heading", name="2 · Token embeddings")).to_have_count(0)
    for step in range(2, 6):
        click_and_wait(page, page.get_by_role("button", name="Next ▶"))
        expect(page.get_by_text(f"Step {step} of 5:")).to_be_visible()
    expect(page.get_by_role("heading", name="5 · The 3D view")).to_be_visible()
    expect(page.locator('.st-key-space3d .gl-container canvas').first).to_be_visible()
    assert "step=4" in page.url and "presenter=true" in page.url  # the link reopens this exact step
    click_and_wait(page, page.get_by_role("button", name="◀ Back"))
    expect(page.get_by_role("heading", name="5 · The 3D view")).to_have_count(0)
    screenshot(page, "presenter-step-4")
