"""Seed view, the end: the seed's next step, its batch scenario, is the batches view; one click opens it."""

from __future__ import annotations

import streamlit as st

from embedviz.ui.i18n import t


def _open_batches() -> None:
    st.session_state["view"] = "batches"


def render() -> None:
    """A pointer to the batches view, with a button that opens it."""
    st.divider()
    text, button = st.columns([3, 1], vertical_alignment="center")
    text.markdown(t("toy.batches"))
    button.button(t("toy.batches.open"), on_click=_open_batches)
