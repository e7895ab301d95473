"""The sidebar: model settings. Each widget's key is a :class:`~embedviz.ui.state.Settings` field, so its
value lives in ``st.session_state`` and goes to the URL at the end of the run."""

from __future__ import annotations

import streamlit as st

from embedviz.embeddings import MAX_CONTEXT_LENGTH, MAX_DIM, MAX_SEED, POSITIONAL_MODES
from embedviz.tokenizer import ENCODINGS
from embedviz.ui.i18n import t
from embedviz.ui.state import FIELD_NAMES, LANGUAGES, defaults


def _reset() -> None:
    """Every setting back to its default, in the page's current language."""
    base = defaults(st.session_state["lang"])
    for name in FIELD_NAMES:
        if name != "lang":
            st.session_state[name] = getattr(base, name)


def _start_at_tokens() -> None:
    st.session_state["step"] = 0


def sidebar(presenter: bool, *, settings: bool = True) -> None:
    """Draw the sidebar: language, presenter mode and the model settings (folded away when presenting).
    ``settings=False``: the language alone (a student following the teacher, whose settings they are)."""
    with st.sidebar:
        st.segmented_control(
            t("controls.language"),
            LANGUAGES,
            key="lang",
            format_func={"en": "English", "de": "Deutsch"}.get,
            required=True,
        )
        if not settings:
            return
        st.toggle(
            t("presenter.toggle"),
            key="presenter",
            help=t("presenter.toggle_help"),
            on_change=_start_at_tokens,
        )
        if presenter:
            with st.expander(t("presenter.settings")):
                model_settings()
        else:
            st.header(t("controls.header"))
            model_settings()


def model_settings() -> None:
    """The widgets that decide the numbers: encoding, dimension, seed, positions, context length."""
    st.selectbox(
        t("controls.encoding"),
        list(ENCODINGS),
        key="encoding",
        format_func=lambda e: t(f"controls.encoding.{e}"),
    )
    st.number_input(
        t("controls.dim"), 1, MAX_DIM, step=1, key="dim", help=t("controls.dim_help", max=MAX_DIM)
    )
    st.number_input(t("controls.seed"), 0, MAX_SEED, step=1, key="seed", help=t("controls.seed_help"))
    st.radio(
        t("controls.positional"),
        list(POSITIONAL_MODES),
        key="positional",
        format_func=lambda mode: t(f"controls.positional.{mode}"),
    )
    st.number_input(
        t("controls.context_length"),
        1,
        MAX_CONTEXT_LENGTH,
        step=1,
        key="context_length",
        help=t("controls.context_help"),
    )
    st.button(t("controls.reset"), on_click=_reset, width="stretch")
