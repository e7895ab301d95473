"""The training animation in the Plotly host (ui/plotly_host.py), in a real browser on the real app.

After a small, fast run (20 steps, 16 dimensions, the short story) the animation is one mounted Plotly
chart with its frames: Play shows the frames one after the other (the drawn 3D points become those of
each frame, ending at the last), the slider jumps to a frame, the host never glides on top of Plotly's own
animation, and neither Play nor the slider makes a new WebGL context. A later rerun with the same figure
(another widget) leaves the frame shown alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from .conftest import count_webgl_and_stay_local, no_exception, open_app, require_playwright, wait_idle

require_playwright()  # skip this module (fail it in CI) when Playwright is not installed
from playwright.sync_api import expect  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

RUN = "?view=train&train_steps=20&dim=16&train_source=verdict"
STEPS = ["0", "5", "10", "15", "20"]  # a snapshot every 5 steps
GD = ".st-key-train_animation .embedviz-plotly-host"
TRAIN_MS = 180_000  # generous: the machine is shared

# Which frame the drawn 3D points are (the name of the frame whose token, position and input points
# are all the drawn ones), or null while they match none. Frame data may still be plotly's typed-array
# specs ({dtype, bdata}, decoded here); the drawn _fullData holds numbers.
SHOWN_FRAME_JS = """(selector) => {
  const gd = document.querySelector(selector);
  if (!gd || !gd._fullData || !gd._transitionData) return null;
  const values = (v) => {
    if (v && typeof v.bdata === 'string') {
      const bytes = Uint8Array.from(atob(v.bdata), (c) => c.charCodeAt(0));
      const Typed = { f8: Float64Array, f4: Float32Array }[v.dtype];
      return Array.from(new Typed(bytes.buffer));
    }
    return Array.from(v || []);
  };
  const close = (a, b) => a.length === b.length && a.every((x, i) => Math.abs(+x - +b[i]) < 1e-6);
  for (const frame of gd._transitionData._frames) {
    const same = [0, 1, 2].every((t) => ['x', 'y', 'z'].every(
      (axis) => close(values(frame.data[t][axis]), values(gd._fullData[t][axis]))));
    if (same) return frame.name;
  }
  return null;
}"""

# Records, from now on, whether the host ever marks the animation as gliding.
WATCH_GLIDE_JS = """(selector) => {
  const gd = document.querySelector(selector);
  window.__glided = false;
  new MutationObserver(() => { if (gd.dataset.gliding) window.__glided = true; })
    .observe(gd, { attributes: true, attributeFilter: ['data-gliding'] });
}"""


def shown_frame(page: Page) -> str | None:
    return page.evaluate(SHOWN_FRAME_JS, GD)


def wait_frame(page: Page, name: str, timeout: float = 30_000) -> None:
    page.wait_for_function(f"() => ({SHOWN_FRAME_JS})('{GD}') === '{name}'", timeout=timeout)


def trained_page(new_page: Callable[..., Page], app_url: str) -> Page:
    page = new_page(viewport={"width": 1280, "height": 900})
    count_webgl_and_stay_local(page.context)
    open_app(page, app_url + "/" + RUN, timeout_ms=120_000)
    page.get_by_test_id("stMainBlockContainer").get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_text("Trained 20 steps in").or_(page.get_by_text("Trained before in"))).to_be_visible(
        timeout=TRAIN_MS
    )
    wait_idle(page, timeout_ms=60_000)
    no_exception(page)
    page.wait_for_function(
        """(selector) => {
             const gd = document.querySelector(selector);
             return gd && gd._fullData && gd.querySelector('.gl-container canvas')
               && gd._transitionData && gd._transitionData._frames.length === 5;
           }""",
        arg=GD,
        timeout=60_000,
    )
    return page


def test_play_and_slider_move_the_points(new_page: Callable[..., Page], app_url: str) -> None:
    page = trained_page(new_page, app_url)
    chart = page.locator(GD)
    chart.scroll_into_view_if_needed()
    frames = page.evaluate(f"() => document.querySelector('{GD}')._transitionData._frames.map((f) => f.name)")
    assert frames == STEPS
    assert shown_frame(page) == "0"  # the figure's own data is the first frame
    contexts = page.evaluate("() => window.__webgl")
    page.evaluate(WATCH_GLIDE_JS, GD)
    page.evaluate(f"() => {{ window.__node = document.querySelector('{GD}'); }}")

    seen = page.evaluate(
        f"""() => {{
              window.__seen = [];
              const look = () => {{
                const name = ({SHOWN_FRAME_JS})('{GD}');
                const last = window.__seen[window.__seen.length - 1];
                if (name !== null && last !== name) window.__seen.push(name);
                window.__looking = requestAnimationFrame(look);
              }};
              look();
              return window.__seen;
            }}"""
    )
    assert seen == ["0"]
    chart.get_by_text("▶ Play").click()
    page.wait_for_function("() => window.__seen[window.__seen.length - 1] === '20'")  # 5 frames, 350 ms each
    seen = page.evaluate("() => { cancelAnimationFrame(window.__looking); return window.__seen; }")
    assert seen[0] == "0" and seen[-1] == "20" and len(seen) >= 3, seen  # frames in between were drawn
    assert seen == sorted(seen, key=int), seen  # in order
    current = chart.locator(".slider-container .slider-currentvalue, .slider-container text").first
    expect(current).to_contain_text("step 20")

    rail = chart.locator(".slider-rail-rect")
    box = rail.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] / 2)  # the middle stop
    wait_frame(page, "10")
    expect(current).to_contain_text("step 10")

    assert page.evaluate("() => window.__glided") is False  # Plotly animated; the host did not glide
    assert page.evaluate(f"() => window.__node === document.querySelector('{GD}')")
    assert page.evaluate("() => window.__webgl") == contexts  # no chart was mounted again

    # A rerun for another widget sends the same figure again: the frame shown stays.
    page.get_by_test_id("stMainBlockContainer").get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_text("Trained before in")).to_be_visible(timeout=TRAIN_MS)
    wait_idle(page, timeout_ms=60_000)
    assert shown_frame(page) == "10"
    no_exception(page)
