"""View "positions": why a model needs positions, and every way models give them, side by side.

A table of contents of four parts, each a section of its own (``ui/sections/positions_*.py``): why
positions (a bag of words without them), absolute positions (learned against sinusoidal), add or
concatenate, relative and rotary positions. In presenter mode each part is one slide.
"""

from __future__ import annotations

import streamlit as st

from embedviz.ui import presenter
from embedviz.ui.i18n import md_literal, t
from embedviz.ui.sections import positions_absolute, positions_combine, positions_relative, positions_why
from embedviz.ui.sections.positions_parts import PARTS, sentences
from embedviz.ui.state import Settings

SECTIONS = {
    "why": positions_why.render,
    "absolute": positions_absolute.render,
    "combine": positions_combine.render,
    "relative": positions_relative.render,
}


def contents(settings: Settings) -> None:
    """The title, what the view is about, and the numbered parts linking to their anchors."""
    st.header(t("positions.title"), anchor="positions")
    st.markdown(t("positions.intro", dim=settings.dim, seed=settings.seed))
    st.markdown(
        "\n".join(
            f"{i}. [{t(f'positions.part.{part}')}](#positions-{part})" for i, part in enumerate(PARTS, 1)
        )
    )


def render(settings: Settings) -> None:
    """The whole view, or in presenter mode the current part alone."""
    if settings.presenter:  # one slide per part, turned like the pipeline's (embedviz/ui/presenter.py)
        step = min(settings.step, len(PARTS) - 1)
        st.session_state["step"] = step  # a link's (or the pipeline's) later step: this view's last slide
        with presenter.step_bar(step, [t(f"positions.part.{part}") for part in PARTS]):
            sentence_a = t("positions.quoted", text=md_literal(sentences(settings)[0]))
            st.markdown(f"{t('positions.why.a')}: {sentence_a}")  # what the slides' vectors come from
        SECTIONS[PARTS[step]](settings)
        return
    contents(settings)
    for part in PARTS:
        # One container per part: what a part shows or leaves out (a button, a note) never moves the
        # elements of the parts after it, so their mounted charts stay mounted (a moved chart remounts).
        with st.container(key=f"positions-part-{part}"):
            SECTIONS[part](settings)
