"""WCAG 2.1 A and AA on every view, checked by axe-core (vendored, ``tests/browser/vendor/axe-core/``),
and the page used with the keyboard alone.

axe: each case opens a page of the session's ``streamlit run app.py`` (the ``streamlit_server`` fixture,
shared with the other browser tests): every view, presenter mode at every step, a 390 px phone. On each
page it opens every expander (the on-demand ones rerun the page to build their content), waits until the
page is idle and the 3D chart is drawn, then runs ``axe.run`` with the tags wcag2a, wcag2aa, wcag21a and
wcag21aa. A violation fails the test with its rule, the elements' CSS targets and, for colour contrast,
the colours and the ratio axe measured. axe's "incomplete" results (what it cannot decide, e.g. SVG text
over a chart) and the violations go to ``test-artifacts/axe/<case>.json`` for a human to review.

Both languages: each view is checked in English, then the language is switched to German with the
keyboard in the same session and the page checked again (a German page is the English one with other
texts: loading it afresh would repeat the slowest part, the browser laying out the whole page).

Keyboard: every expander is opened with Enter (the on-demand ones must build their content), the
presenter's Next/Back are pressed with Enter and Space, the language with Enter, and on each view
(English) Tab walks the page: every widget gets the focus, and each focused element shows an outline of
at least 3:1.

Time: on a busy 2-core machine nearly all of it is Chromium laying out pages, so the cases load as few
pages as they can (one per view, one for the presenter, two phones) and press the expanders' Enters
back to back, letting Streamlit fold their reruns into one (docs/accessibility.md has the figures).
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from embedviz.ui.i18n import STRINGS
from embedviz.ui.lazy import KEYS as ON_DEMAND
from embedviz.ui.stages import slides

from .conftest import (
    ARTIFACTS,
    StreamlitServer,
    new_instrumented_context,
    no_exception,
    open_app,
    require_playwright,
    run_count,
    screenshot,
    wait_idle,
)

require_playwright()  # skip this module (fail it in CI) when Playwright is not installed
from playwright.sync_api import expect  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, ElementHandle, Locator, Page

pytestmark = pytest.mark.browser

AXE_JS = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"viewport": {"width": 1920, "height": 1080}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
CHART_3D = ".st-key-space3d .gl-container canvas"
MAX_ROUNDS = 10  # a guard against expanders that keep adding expanders, far above the page's count
VIEWS = ("pipeline", "seed", "batches", "order", "train")
STEPS = len(slides())  # the pipeline's slides in presenter mode
#: Streamlit widgets (by data-testid) that must each take the keyboard focus somewhere inside them.
WIDGETS = (
    "stTextArea", "stTextInput", "stNumberInput", "stSelectbox", "stSlider", "stRadio", "stCheckbox",
    "stButton", "stDownloadButton", "stButtonGroup", "stExpander", "stLinkButton",
)  # fmt: skip
MAX_TABS = 400

RUN_AXE_JS = """
async (tags) => {
  const results = await axe.run(document, {
    runOnly: { type: 'tag', values: tags },
    resultTypes: ['violations', 'incomplete'],
  });
  const slim = (items) => items.map((rule) => ({
    id: rule.id,
    impact: rule.impact,
    help: rule.help,
    nodes: rule.nodes.map((node) => ({
      target: node.target.join(' '),
      html: node.html.slice(0, 160),
      data: (node.any.concat(node.all, node.none).find((check) => check.data) || {}).data || null,
    })),
  }));
  return { violations: slim(results.violations), incomplete: slim(results.incomplete) };
}
"""

# The focused element: which widget holds it, and the outline that shows the focus next to the colour
# behind it (translucent backgrounds composited up to the first opaque one). Toggles and sliders focus a
# visually hidden <input> (clipped to nothing): then the indicator is the visible element React Aria
# marks with data-focus-visible, and without one the focus is invisible.
FOCUS_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const widget = el.closest('[data-testid^="st"]:not([data-testid="stElementContainer"])');
  const box = el.getBoundingClientRect();
  const clipped = (node) => node && getComputedStyle(node).clipPath === 'inset(50%)';
  const hiddenInput = box.width <= 1 || box.height <= 1 || clipped(el) || clipped(el.parentElement);
  const shown = hiddenInput ? el.closest('[data-focus-visible]') : el;
  const layers = [];
  for (let node = (shown || el).parentElement; node; node = node.parentElement) {
    const m = getComputedStyle(node).backgroundColor.match(/[\\d.]+/g).map(Number);
    const alpha = m.length > 3 ? m[3] : 1;
    if (alpha > 0) layers.push([m[0], m[1], m[2], alpha]);
    if (alpha >= 1) break;
  }
  let bg = [255, 255, 255];
  for (const [r, g, b, a] of layers.reverse()) {
    bg = [r, g, b].map((channel, i) => channel * a + bg[i] * (1 - a));
  }
  const style = shown ? getComputedStyle(shown) : null;
  return {
    tag: el.tagName.toLowerCase() + (el.getAttribute('role') ? `[role=${el.getAttribute('role')}]` : ''),
    label: (el.getAttribute('aria-label') || el.innerText || '').trim().slice(0, 40),
    widget: widget ? widget.getAttribute('data-testid') : null,
    marked: (el.closest('[data-ev-widget]') || { getAttribute: () => null }).getAttribute('data-ev-widget'),
    outlineStyle: style ? style.outlineStyle : 'none (hidden input, no visible part marked)',
    outlineWidth: style ? parseFloat(style.outlineWidth) : 0,
    outlineColor: style ? style.outlineColor : '',
    background: `rgb(${bg.map(Math.round).join(', ')})`,
  };
}
"""

#: Whether any widget of ``ids`` is drawn (a box of its own), without marking anything.
ANY_WIDGET_JS = """
(ids) => ids.some((id) => [...document.querySelectorAll(`[data-testid="${id}"]`)]
  .some((el) => el.getBoundingClientRect().width > 0))
"""
# Number every visible, enabled widget of the list above, so the walk can tell which ones got the focus.
MARK_WIDGETS_JS = """
(ids) => {
  const ENABLED = 'button:not([disabled]), input:not([disabled]), textarea:not([disabled]), summary, '
    + 'a[href], [tabindex]:not([tabindex="-1"])';
  const found = [];
  for (const id of ids) {
    document.querySelectorAll(`[data-testid="${id}"]`).forEach((el) => {
      const box = el.getBoundingClientRect();
      if (!box.width || !box.height || el.closest('[data-ev-widget]')) return;
      // A disabled widget (e.g. Stop before a run) rightly takes no focus.
      if (!el.querySelector(ENABLED)) return;
      el.setAttribute('data-ev-widget', `${id}#${found.length}`);
      found.push(`${id}#${found.length}`);
    });
  }
  return found;
}
"""


# ----------------------------------------------------------------------------------------------------------
# Fixtures and helpers
# ----------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(streamlit_server: StreamlitServer) -> StreamlitServer:
    """The session's ``streamlit run app.py`` (conftest), shared with the other browser tests."""
    return streamlit_server


@pytest.fixture(scope="module")
def contexts(browser: Browser) -> Iterator[dict[str, BrowserContext]]:
    """One desktop and one phone context, shared by the module's pages (each page: its own session)."""
    made = {"desktop": new_instrumented_context(browser, **DESKTOP)}
    made["phone"] = new_instrumented_context(browser, **PHONE)
    yield made
    for context in made.values():
        context.close()


@contextlib.contextmanager
def opened(
    contexts: dict[str, BrowserContext],
    server: StreamlitServer,
    query: str,
    name: str,
    device: str = "desktop",
) -> Iterator[Page]:
    """A new page (a new session) at ``?query``, its first run finished; screenshotted if the test fails."""
    page = contexts[device].new_page()
    try:
        open_app(page, f"{server.url}/?{query}", timeout_ms=120_000)
        no_exception(page)
        yield page
    except BaseException:
        with contextlib.suppress(Exception):
            screenshot(page, f"FAILED-a11y-{name}")
        raise
    finally:
        page.close()


def open_every_expander(page: Page, on_demand: bool = True) -> int:
    """Open each closed expander the keyboard way (focus its title, press Enter) and fail if Enter does
    not open it. The Enters go back to back: an on-demand expander reruns the page, and Streamlit stops
    a run when a new one is asked for (every request carries every widget's state), so five opened
    expanders cost about one rerun instead of five. Then wait until the page is idle and each open
    on-demand expander shows its content. Opening can add expanders: repeat until none is closed.
    ``on_demand=False`` leaves the on-demand ones closed. A collapsed sidebar (a phone) is left alone.
    Returns how many were opened."""
    title = '[data-testid="stExpander"] details:not([open]) > summary'
    if not on_demand:
        title += ":not(" + ", ".join(f".st-key-{key} *" for key in ON_DEMAND) + ")"
    closed = page.locator(
        f'[data-testid="stMain"] {title}, [data-testid="stSidebar"][aria-expanded="true"] {title}'
    )
    count = 0
    for _ in range(MAX_ROUNDS):
        if not closed.count():
            return count
        before = run_count(page)
        while closed.count():
            summary = closed.first.element_handle()  # pinned: ``closed.first`` moves on once this one opens
            summary.scroll_into_view_if_needed()
            summary.focus()
            page.keyboard.press("Enter")
            page.wait_for_function("(summary) => summary.parentElement.open", arg=summary, timeout=20_000)
            count += 1
        wait_idle(page, since=before)
        for key in ON_DEMAND:  # built, not just unfolded (a folded-together rerun must still build each)
            section = page.locator(f".st-key-{key} details[open]")
            if section.count():
                expect(section.locator('[data-testid="stElementContainer"]').first).to_be_attached()
        wait_idle(page, appear_ms=0)
    raise AssertionError(f"still closed expanders after {MAX_ROUNDS} rounds of opening them")


def press_and_wait(page: Page, target: Locator | ElementHandle, key: str) -> None:
    """Focus ``target`` and press ``key`` on it, as a keyboard user does, then wait for the rerun."""
    target.scroll_into_view_if_needed()
    target.focus()
    before = run_count(page)
    page.keyboard.press(key)
    wait_idle(page, since=before)


def switch_to_german(page: Page) -> None:
    """Press the sidebar's "Deutsch" with Enter and wait until the page is German (the view switcher's
    label says "Ansicht")."""
    press_and_wait(page, page.get_by_role("radio", name="Deutsch"), "Enter")
    expect(page.get_by_role("radiogroup", name=STRINGS["view.label"][1])).to_be_visible()


def describe(rule: dict[str, Any]) -> str:
    """One violation as text: the rule, then each element with the numbers axe measured."""
    lines = [f"{rule['id']} ({rule['impact']}): {rule['help']}"]
    for node in rule["nodes"]:
        data = node["data"] or {}
        numbers = ""
        if "contrastRatio" in data:
            numbers = (
                f"  {data.get('fgColor')} on {data.get('bgColor')}: {data['contrastRatio']}:1, needs"
                f" {data.get('expectedContrastRatio')} ({data.get('fontSize')}, {data.get('fontWeight')})"
            )
        lines.append(f"  - {node['target']}{numbers}\n      {node['html']}")
    return "\n".join(lines)


def axe_violations(page: Page, name: str, on_demand: bool = True) -> list[str]:
    """Open every expander (``on_demand=False``: but the on-demand ones), wait for the 3D chart (if the
    page has one), run axe; the violations as text (an empty list if there are none). The full result,
    with how long opening the expanders and axe took, goes to ``test-artifacts/axe/<name>.json``."""
    started = time.perf_counter()
    expanders = open_every_expander(page, on_demand)
    if page.locator(".st-key-space3d").count():
        expect(page.locator(CHART_3D).first).to_be_visible()
    wait_idle(page, appear_ms=0)  # nothing new was asked of the server: no rerun to wait for
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_JS))
    ready = time.perf_counter()
    results = page.evaluate(RUN_AXE_JS, TAGS)
    seconds = {"expanders_and_idle": round(ready - started, 1), "axe": round(time.perf_counter() - ready, 1)}
    out = ARTIFACTS / "axe" / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    record = {"url": page.url, "expanders_opened": expanders, "seconds": seconds, **results}
    out.write_text(json.dumps(record, indent=1))
    return [f"[{name}] {describe(rule)}" for rule in results["violations"]]


def fail_on(violations: list[str]) -> None:
    assert not violations, "WCAG 2.1 A/AA problems (axe-core rules, Tab walk):\n" + "\n".join(violations)


def rgb(css: str) -> tuple[float, ...]:
    """``rgb(29, 78, 216)`` / ``rgba(...)`` -> sRGB in 0..1 (alpha dropped)."""
    return tuple(float(v) / 255 for v in re.findall(r"[\d.]+", css)[:3])


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two CSS colours (computed independently of bench/colour_check.py)."""

    def luminance(colour: str) -> float:
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb(colour)]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def visible_focus_problem(focus: dict[str, Any]) -> str | None:
    """Why the focused element's outline is not a visible focus indicator (None if it is)."""
    if focus["outlineStyle"] in ("none", "hidden") or focus["outlineWidth"] < 2:
        return f"no outline ({focus['outlineStyle']} {focus['outlineWidth']}px)"
    ratio = contrast(focus["outlineColor"], focus["background"])
    if ratio < 3:
        return f"outline {focus['outlineColor']} on {focus['background']}: {ratio:.2f}:1 < 3:1"
    return None


def tab_walk(page: Page) -> tuple[list[str], list[str]]:
    """Tab from the top of the document until every widget has had the focus (or the focus came round):
    the widgets never reached, and the focused elements without a visible outline."""
    # Waited for: on a busy machine the page was once found mid-redraw, without widgets, right after axe.
    page.wait_for_function(ANY_WIDGET_JS, arg=list(WIDGETS), timeout=60_000)
    widgets = set(page.evaluate(MARK_WIDGETS_JS, list(WIDGETS)))
    assert widgets, "no widgets found: did the page render?"
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    reached: set[str] = set()
    hidden: set[str] = set()
    first = None
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_JS)
        if focus is None:
            continue
        key = f"{focus['tag']} {focus['label']} {focus['marked']}"
        if key == first or widgets <= reached:
            break
        first = first or key
        if focus["marked"]:
            reached.add(focus["marked"])
        problem = visible_focus_problem(focus)
        if problem:
            hidden.add(f"{focus['tag']} '{focus['label']}' in {focus['widget']}: {problem}")
    return sorted(widgets - reached), sorted(hidden)


# ----------------------------------------------------------------------------------------------------------
# Tests
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("view", VIEWS)
def test_view(contexts: dict[str, BrowserContext], server: StreamlitServer, view: str) -> None:
    """axe on the view in English with every expander opened by the keyboard, and the Tab walk: every
    widget (sidebar and main) gets the focus, each focused element shows an outline of >= 3:1 against
    its background (WCAG 2.1.1, 2.4.7, 1.4.11). Then German (switched with Enter), axe again. The switch
    closes the on-demand expanders (their German label is another widget): they stay closed here, as
    their German content is checked on the phone (``test_phone``, pipeline in German, all opened)."""
    with opened(contexts, server, f"view={view}&lang=en", f"{view}-en") as page:
        problems = axe_violations(page, f"{view}-en")
        missed, hidden = tab_walk(page)
        problems += [f"never reached with Tab: {missed}"] if missed else []
        problems += [f"focus not visible on: {item}" for item in hidden]
        switch_to_german(page)
        problems += axe_violations(page, f"{view}-de", on_demand=False)
        fail_on(problems)


def test_presenter_every_step(contexts: dict[str, BrowserContext], server: StreamlitServer) -> None:
    """Presenter mode from step 1, Next pressed with Enter and Space in turn, axe at every step; then
    Back with Space. (German presenter mode is checked on the phone below.)"""
    problems: list[str] = []
    with opened(contexts, server, "presenter=true&step=0", "presenter") as page:
        for step in range(STEPS):
            if step:
                press_and_wait(page, page.get_by_role("button", name="Next ▶"), "Enter" if step % 2 else " ")
            expect(page.get_by_text(f"Step {step + 1} of {STEPS}:")).to_be_visible()
            problems += axe_violations(page, f"presenter-step{step}")
        press_and_wait(page, page.get_by_role("button", name="◀ Back"), " ")
        expect(page.get_by_text(f"Step {STEPS - 1} of {STEPS}:")).to_be_visible()
    fail_on(problems)


# The page's choice buttons (segmented controls, pills) that lie partly outside the window, by label.
CUT_BUTTONS_JS = """
() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stButtonGroup"] button')]
  .filter((b) => { const r = b.getBoundingClientRect(); return r.left < 0 || r.right > window.innerWidth; })
  .map((b) => b.innerText.trim())
"""


@pytest.mark.parametrize("query", ["view=pipeline&lang=de", "presenter=true&step=4&lang=de", "view=batches"])
def test_phone(contexts: dict[str, BrowserContext], server: StreamlitServer, query: str) -> None:
    """390 x 844: what wraps or scrolls differently (code blocks, tables, the collapsed sidebar); and no
    choice button reaches past the window's edge (the 3D view's camera presets did: a hidden one can only
    be found by scrolling the row sideways)."""
    name = "phone-" + re.sub(r"[^a-z0-9]+", "-", query)
    with opened(contexts, server, query, name, device="phone") as page:
        problems = axe_violations(page, name)
        cut = page.evaluate(CUT_BUTTONS_JS)
        fail_on(problems + ([f"buttons past the window's edge: {cut}"] if cut else []))


def test_a_class_the_teachers_page_and_a_german_followers_phone(
    contexts: dict[str, BrowserContext], server: StreamlitServer
) -> None:
    """A live class: the teacher's page with its join panel (QR code, code, link), and a student's
    followers' page on a phone in German (the teacher's pipeline drawn by one element), after a change."""
    with opened(contexts, server, "class=start", "class-teacher") as teacher:
        code = teacher.locator(".ev-join-code").inner_text().strip()
        box = teacher.get_by_label("Sentence", exact=True)
        with opened(contexts, server, f"room={code}&lang=de", "class-follower-de", device="phone") as phone:
            expect(phone.locator('.ev-mirror-chart[data-key="space3d"] .main-svg').first).to_be_visible()
            box.fill("Die Katze saß auf der Matte")
            box.press("Enter")
            expect(phone.locator(".ev-mirror-sentence")).to_have_text("Die Katze saß auf der Matte")
            problems = axe_violations(teacher, "class-teacher") + axe_violations(phone, "class-follower-de")
            fail_on(problems)
