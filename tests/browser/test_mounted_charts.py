"""In a real browser, on the real app: the charts stay mounted while the sentence changes.

The 3D view and the three heatmaps are drawn by ``embedviz.ui.plotly_host`` (components v2,
``Plotly.react`` on one div). Checked here: after 10 edits the 3D chart is the same DOM node with the same
WebGL context, and so is every heatmap, while all of them show the new sentence; the camera a visitor
dragged survives an edit; every request stays on the app's server; hover labels and legend toggles still
work. The screenshots (``test-artifacts/screenshots/mounted-3d-*.png``) are for a person to look at.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import quote

import numpy as np
import pytest

import embedviz
from embedviz.figures.style import CAMERAS
from embedviz.ui.plotly_host import PRELOAD_KEY

from .conftest import (
    SCREENSHOTS,
    count_webgl_and_stay_local,
    drag_across,
    no_exception,
    open_app,
    require_playwright,
    swipe_across,
    type_sentence,
)

require_playwright()
from playwright.sync_api import expect  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

SPACE = ".st-key-space3d .js-plotly-plot"
HEATMAPS = tuple(f".st-key-heatmap-{kind} .js-plotly-plot" for kind in ("token", "position", "input"))
LONG = "Hello world, the painter sold a picture to a rich widow who lived by the sea in a white house."
WORDS = ["the", "cat", "sat", "on", "the", "mat", "and", "then", "it", "ran"]

# The live camera of the WebGL scene (what the visitor sees), not the figure's.
CAMERA_JS = f"""() => {{
  const eye = document.querySelector('{SPACE}')._fullLayout.scene._scene.getCamera().eye;
  return [eye.x, eye.y, eye.z];
}}"""


def n_tokens(text: str) -> int:
    return len(embedviz.tokenize(text))


def wait_drawn(page: Page, n: int) -> None:
    """Wait until the run is over, the 3D view holds ``n`` token points (and no glide is running: the
    drawn points are the figure's) and the input-embedding heatmap has ``n`` rows."""
    page.wait_for_function(
        """([space, heatmap, n]) => {
             const app = document.querySelector('[data-testid="stApp"]');
             if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
             const gd = document.querySelector(space);
             const hm = document.querySelector(heatmap);
             if (!gd || !gd._fullData || !gd.querySelector('.gl-container canvas') || !hm || !hm._fullData)
               return false;
             const drawn = gd._fullData[0], sent = gd.data[0];
             const glided = !sent.ids  // (st.plotly_chart's figure has no ids and no glide)
               || (sent.ids.length === n && !gd.dataset.gliding);
             return drawn.x.length === n && glided && hm._fullData[0].z.length === n;
           }""",
        arg=[SPACE, HEATMAPS[2], n],
        timeout=60_000,
    )


def edit(page: Page, text: str) -> None:
    type_sentence(page, text)
    wait_drawn(page, n_tokens(text))
    no_exception(page)


def open_counted(new_page: Callable[..., Page], url: str, **context_kwargs) -> tuple[Page, list[str]]:
    """The app with WebGL contexts counted and every request logged; requests that would leave
    127.0.0.1 are aborted (and fail the test through the log)."""
    page = new_page(**context_kwargs)
    requests = count_webgl_and_stay_local(page.context)
    open_app(page, url)
    return page, requests


def test_ten_edits_keep_every_chart_node_and_webgl_context(new_page, app_url: str) -> None:
    page, requests = open_counted(new_page, f"{app_url}/?text={quote(WORDS[0])}")
    wait_drawn(page, 1)
    page.evaluate(
        "(selectors) => { window.__nodes = selectors.map((s) => document.querySelector(s)); }",
        [SPACE, *HEATMAPS],
    )
    contexts = page.evaluate("() => window.__webgl")
    assert contexts >= 1  # the 3D view's
    for i in range(2, 12):
        edit(page, " ".join(WORDS[:i]))
    same = page.evaluate(
        "(selectors) => selectors.map((s, i) => window.__nodes[i] === document.querySelector(s))",
        [SPACE, *HEATMAPS],
    )
    remounted = [selector for selector, kept in zip([SPACE, *HEATMAPS], same, strict=True) if not kept]
    assert remounted == []
    assert page.evaluate("() => window.__webgl") == contexts
    # Each heatmap shows the last sentence's rows (the same node was updated, not left behind).
    for selector in HEATMAPS:
        assert page.evaluate(f"() => document.querySelector('{selector}')._fullData[0].z.length") == 10
    served = [
        url
        for url in requests
        if url.split("?")[0].endswith("/_stcore/bidi-components/embedviz.plotlyjs/plotly.min.js")
    ]
    assert len(served) == 1, served  # the preload (first element) and the charts share one load
    assert [url for url in requests if not url.startswith(("http://127.0.0.1:", "ws://127.0.0.1:"))] == []
    # The preload element (embedviz.ui.plotly_host.preload_plotly) is on the page and takes no room.
    preload = page.locator(f".st-key-{PRELOAD_KEY}")
    expect(preload).to_have_count(1)
    expect(preload).to_have_css("display", "none")  # no empty row (and its gap) above the title


def turn_by_mouse(page: Page, dy: float) -> None:
    drag_across(page, page.locator(f"{SPACE} .gl-container canvas").first, 200, dy, steps=12)


# How a visitor turns the 3D view. plotly.js writes the turned camera into the figure only on a mouseup over
# its canvas; released beside the chart or turned with a finger, the camera lives only in the WebGL scene
# (the host reads it from there: plotly_host.js, liveCamera).
TURNS = {
    "released-on-the-chart": ({}, lambda page: turn_by_mouse(page, 60)),
    "released-below-the-chart": ({}, lambda page: turn_by_mouse(page, 450)),
    "finger-on-a-phone": (
        {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True},
        lambda page: swipe_across(page, page.locator(f"{SPACE} .gl-container canvas").first, 120, 40),
    ),
}


HEIGHTS_JS = """(widths) => [...document.querySelectorAll('.embedviz-plotly-host')].every((gd, i) => {
  const full = gd._fullLayout;
  if (!full) return true;  // (the preload element draws nothing)
  const box = gd.getBoundingClientRect().height;
  return full.width < widths[i] && box > 0 && Math.abs(box - full.height) <= 1;
})"""


def test_a_resized_window_keeps_every_chart_its_height(new_page, app_url: str) -> None:
    """Type, then make the window smaller (a laptop moved to a projector): every chart is laid out at the
    new width and its box keeps the figure's height, so no text runs over a chart."""
    page, _ = open_counted(new_page, f"{app_url}/", viewport={"width": 1920, "height": 1080})
    edit(page, "Der Hund bellt den Briefträger an")
    widths = page.evaluate(
        "() => [...document.querySelectorAll('.embedviz-plotly-host')]"
        ".map((gd) => (gd._fullLayout ? gd._fullLayout.width : 0))"
    )
    page.set_viewport_size({"width": 1280, "height": 720})
    page.wait_for_function(HEIGHTS_JS, arg=widths, timeout=20_000)
    no_exception(page)


@pytest.mark.parametrize("how", TURNS)
def test_camera_stays_after_a_turn_and_an_edit(new_page, app_url: str, how: str) -> None:
    context_kwargs, turn = TURNS[how]
    page, _ = open_counted(new_page, f"{app_url}/?text={quote('the cat sat')}", **context_kwargs)
    wait_drawn(page, 3)
    before = page.evaluate(CAMERA_JS)
    turn(page)
    # Wait until the turn is over: the live camera moved and is still between two polls.
    page.wait_for_function(
        f"""(before) => {{
              const eye = ({CAMERA_JS})(), key = JSON.stringify(eye), still = window.__eye === key;
              window.__eye = key;
              return still && Math.abs(eye[0] - before[0]) > 0.01;
            }}""",
        arg=before,
        polling=250,
    )
    turned = page.evaluate(CAMERA_JS)
    assert turned != pytest.approx(before, abs=0.01)
    edit(page, "the cat sat on the mat")
    assert page.evaluate(CAMERA_JS) == pytest.approx(turned, abs=1e-3)


def test_hover_and_legend_work_after_edits(new_page, app_url: str) -> None:
    page, _ = open_counted(new_page, f"{app_url}/?text={quote('hello world')}")
    wait_drawn(page, 2)
    space = page.locator(SPACE)
    space.scroll_into_view_if_needed()
    space.locator(".legend .traces").filter(has_text="token vectors").click()
    page.wait_for_function(f"() => document.querySelector('{SPACE}')._fullData[0].visible === 'legendonly'")
    edit(page, LONG)  # enough points that a sweep of the mouse meets one
    assert page.evaluate(f"() => document.querySelector('{SPACE}')._fullData[0].visible") == "legendonly"
    label = sweep_hover(page, SPACE, steps=20)
    assert label is not None, "no hover label anywhere over the 3D chart"
    assert "id " in label and "position" in label, label  # a position or an input point (tokens hidden)
    label = sweep_hover(page, HEATMAPS[2])
    assert label is not None and "dim" in label, label


def sweep_hover(page: Page, selector: str, steps: int = 12) -> str | None:
    """Move the mouse over a grid of the chart until Plotly shows a hover label; return its text."""
    page.locator(selector).scroll_into_view_if_needed()
    box = page.locator(selector).bounding_box()
    hover = page.locator(f"{selector} .hovertext")
    for i in range(steps):
        for j in range(steps):
            page.mouse.move(
                box["x"] + box["width"] * (0.15 + 0.7 * i / (steps - 1)),
                box["y"] + box["height"] * (0.15 + 0.7 * j / (steps - 1)),
            )
            if hover.count():
                return hover.first.text_content()
    return None


def test_the_3d_canvas_is_supersampled_not_multisampled(new_page, app_url: str) -> None:
    """The host asks for the 3D view's WebGL context without multisampling (plotly.js would ask for it);
    the canvas is still drawn at twice the chart's size, which smooths the edges (plotly_host.js)."""
    page = new_page()
    open_app(page, app_url)
    expect(page.locator(f"{SPACE} .gl-container canvas").first).to_be_visible()
    antialias, canvas_width, chart_width = page.evaluate(
        f"""() => {{
          const gd = document.querySelector('{SPACE}');
          const plot = gd._fullLayout.scene._scene.glplot;
          return [plot.gl.getContextAttributes().antialias, plot.canvas.width, gd.clientWidth];
        }}"""
    )
    assert antialias is False
    assert canvas_width == pytest.approx(2 * chart_width, abs=4)


# The highest and lowest screen y (CSS px from the canvas top) of the 3D view's cube corners, and the
# canvas height: each corner (glplot.bounds) through the model, view and projection matrices plotly drew with.
CUBE_ON_SCREEN_JS = f"""() => {{
  const gd = document.querySelector('{SPACE}');
  const plot = gd._fullLayout.scene._scene.glplot;
  const {{ model, view, projection }} = plot.cameraParams;
  const times = (m, v) => [0, 1, 2, 3].map((r) => v.reduce((sum, value, c) => sum + m[4 * c + r] * value, 0));
  const height = plot.canvas.clientHeight;
  const ys = [];
  for (const x of [0, 1]) for (const y of [0, 1]) for (const z of [0, 1]) {{
    const corner = [plot.bounds[x][0], plot.bounds[y][1], plot.bounds[z][2], 1];
    const clip = times(projection, times(view, times(model, corner)));
    ys.push(((1 - clip[1] / clip[3]) / 2) * height);
  }}
  return [Math.min(...ys), Math.max(...ys), height];
}}"""


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1920, "height": 1080}, {"width": 390, "height": 844}],
    ids=["1920", "390"],
)
def test_3d_view_screenshot(new_page, app_url: str, viewport: dict[str, int]) -> None:
    """The 3D view fills its column at both widths; the PNGs are for comparing with the old chart."""
    page = new_page(viewport=viewport, **({"is_mobile": True} if viewport["width"] < 500 else {}))
    open_app(page, f"{app_url}/?text={quote('Today the cat sat on the mat')}")
    element = page.locator(".st-key-space3d")
    expect(element.locator(".gl-container canvas").first).to_be_visible()
    wait_drawn(page, n_tokens("Today the cat sat on the mat"))
    element.scroll_into_view_if_needed()
    page.wait_for_timeout(0)
    chart, column = page.locator(SPACE).bounding_box(), element.bounding_box()
    assert chart["width"] >= 0.95 * column["width"] and chart["height"] > 300, (chart, column)
    # On a phone the preset camera looks from 1.8 times farther away, at a point 0.1 to the left of the
    # view (up x viewing direction), and the axis text is 13 px: at 390 px the titles and ticks were cut off.
    scene = page.evaluate(f"() => document.querySelector('{SPACE}').layout.scene")
    phone = viewport["width"] < 500
    preset = CAMERAS["default"]
    eye, up = (np.array([preset[key][axis] for axis in "xyz"]) for key in ("eye", "up"))
    left = np.cross(up, -eye)
    center = np.array([preset.get("center", {}).get(axis, 0.0) for axis in "xyz"])
    center += 0.1 * left / np.linalg.norm(left) if phone else 0.0
    camera = scene["camera"]
    assert [camera["eye"][axis] for axis in "xyz"] == pytest.approx(eye * (1.8 if phone else 1.0))
    assert [camera.get("center", {}).get(axis, 0.0) for axis in "xyz"] == pytest.approx(center, abs=1e-9)
    for axis in ("xaxis", "yaxis", "zaxis"):
        given = scene[axis]
        fonts = [given.get("tickfont", {}).get("size"), given["title"].get("font", {}).get("size")]
        assert fonts == ([13, 13] if phone else [None, None]), (axis, fonts)
    # The cube inside the canvas, with room below it for the lower axes' tick labels (15 px text and its
    # padding): its 8 corners through plotly's own camera matrices. Looking at the cube's centre, the
    # lowest corner sat 0.3 px above the bottom of the 1920 px page's chart and the "20" labels were cut.
    top, bottom, height = page.evaluate(CUBE_ON_SCREEN_JS)
    assert top >= 0 and bottom <= height - 30, (top, bottom, height)
    # Plotly's mode bar: on a desktop it is there (shown on hover); on a phone it would cover the legend.
    modebar = element.locator(".modebar-container")
    expect(modebar).to_have_css("display", "none" if viewport["width"] <= 640 else "block")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    element.screenshot(path=str(SCREENSHOTS / f"mounted-3d-{viewport['width']}.png"), animations="disabled")
