"""Presenter mode: big type for a projector, the controls tucked away, and the pipeline revealed one
stage at a time with Back and Next (the step is in the URL too, so a link can open at any stage)."""

from __future__ import annotations

import streamlit as st

from embedviz.ui.i18n import t

STAGES = ("tokens", "token", "position", "input", "space")
#: Larger root font (every size in Streamlit is relative to it), and no sidebar chrome.
STYLE = """<style>
html { font-size: 21px; }
[data-testid="stSidebar"] { min-width: 260px; max-width: 300px; }
[data-testid="stMainBlockContainer"] { max-width: 1500px; padding-top: 2rem; }
</style>"""
MARKER_SCALE = 1.6


def _move(delta: int) -> None:
    st.session_state["step"] = min(max(st.session_state["step"] + delta, 0), len(STAGES) - 1)


def apply_style() -> None:
    st.html(STYLE)


def step_bar(step: int) -> None:
    """Back / Next and where we are: 'Step 3 of 5: Position embeddings'."""
    back, label, forward = st.columns([1, 4, 1], vertical_alignment="center")
    back.button(t("presenter.back"), on_click=_move, args=(-1,), disabled=step == 0, width="stretch")
    forward.button(
        t("presenter.next"),
        on_click=_move,
        args=(1,),
        disabled=step >= len(STAGES) - 1,
        width="stretch",
        type="primary",
    )
    label.markdown(
        f"**{t('presenter.step', step=step + 1, total=len(STAGES))}** {t(f'presenter.stage.{STAGES[step]}')}"
    )
