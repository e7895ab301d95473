"""Presenter mode: the pipeline as slides for a projector, one stage per screen.

Each step shows the sentence (one small line, still editable) and that stage alone, in big type; the app's
title and the controls are out of the way. Back and Next answer a presentation clicker: clickers send
PageUp/PageDown, keyboards the arrow keys. Streamlit 1.67's ``st.button(shortcut=...)`` takes one key per
button (``streamlit/elements/lib/shortcut_utils.py``), so the visible buttons answer the arrow keys and two
hidden buttons per direction answer PageUp/PageDown and Up/Down. Its frontend ignores these keys while the
focus is in a text box (``wf`` in the bundle: arrows, Home/End, PageUp/PageDown typed into an input are
left to the input), so editing the sentence never turns a slide. The step is a setting, so it is in the URL
and a link opens at any stage. The slides are the stages of :mod:`embedviz.ui.stages` marked as slides.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from embedviz.ui.i18n import t
from embedviz.ui.stages import slides

#: Extra keys beyond the visible buttons' arrows: (direction, key). Clickers send PageDown/PageUp.
HIDDEN_KEYS = ((1, "PageDown"), (1, "Down"), (-1, "PageUp"), (-1, "Up"))
VISIBLE_KEYS = {1: "Right", -1: "Left"}
#: The 3D chart's height on a slide: the screen below the step bar, the heading and the chart's controls,
#: but never less than 63% of the screen (at 1280x720 that is 454 px, and the slide still fits the screen
#: with the smaller type and top padding of a short screen below).
CHART_HEIGHT = "max(63vh, calc(100vh - 16.5rem))"
#: Big type (every size in Streamlit is relative to the root font), less padding (the thin, see-through
#: header lets clicks through to the step bar under it except on its own buttons), the hidden key buttons,
#: the chart filling the slide, and the 3D view's introduction left to the teacher. On a short projector
#: (1280x720) the type is a bit smaller.
STYLE = f"""<style>
html {{ font-size: 21px; }}
[data-testid="stMainBlockContainer"] {{ max-width: 1800px; padding-top: 1rem; padding-bottom: 1rem; }}
[data-testid="stHeader"] {{ height: 2rem; background: transparent; }}
[data-testid="stHeader"], [data-testid="stHeader"] * {{ pointer-events: none; }}
[data-testid="stHeader"] button, [data-testid="stHeader"] a {{ pointer-events: auto; }}
.st-key-ev-presenter-keys {{ display: none; }}
.st-key-space3d .embedviz-plotly-host {{ height: {CHART_HEIGHT}; }}
.stElementContainer:has(#space) + .stElementContainer {{ display: none; }}
@media (max-height: 900px) {{ html {{ font-size: 17px; }}
  [data-testid="stMainBlockContainer"] {{ padding-top: 0.5rem; }} }}
@media (max-width: 640px) {{ [data-testid="stMainBlockContainer"] {{ padding-top: 3rem; }} }}
</style>"""
MARKER_SCALE = 1.6


def _move(delta: int, count: int) -> None:
    st.session_state["step"] = min(max(st.session_state["step"] + delta, 0), count - 1)


def apply_style() -> None:
    """Put the slide styles on the page (once per run, in presenter mode only)."""
    st.html(STYLE)


def _button(direction: int, step: int, shortcut: str, count: int, key: str | None = None) -> None:
    label = t("presenter.next") if direction > 0 else t("presenter.back")
    disabled = step >= count - 1 if direction > 0 else step == 0
    st.button(
        label,
        key=key,
        on_click=_move,
        args=(direction, count),
        disabled=disabled,
        width="stretch",
        type="primary" if direction > 0 else "secondary",
        shortcut=shortcut,
    )


def step_bar(step: int, titles: Sequence[str] | None = None) -> DeltaGenerator:
    """One row: Back | 'Step 3 of 6: Position embeddings' | the sentence | Next. ``titles`` are another
    view's slides (default: the pipeline's, :func:`embedviz.ui.stages.slides`).

    Returns the sentence's column."""
    titles = titles or [t(f"presenter.stage.{stage.key}") for stage in slides()]
    back, where, sentence, forward = st.columns([1, 2.2, 5, 1], vertical_alignment="center")
    with back:
        _button(-1, step, VISIBLE_KEYS[-1], len(titles))
    with forward:
        _button(1, step, VISIBLE_KEYS[1], len(titles))
    with st.container(key="ev-presenter-keys"):
        for direction, key in HIDDEN_KEYS:
            _button(direction, step, key, len(titles), key=f"ev-presenter-{key.lower()}")
    where.markdown(f"**{t('presenter.step', step=step + 1, total=len(titles))}** {titles[step]}")
    return sentence
