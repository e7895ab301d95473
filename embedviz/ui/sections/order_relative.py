"""Word order, the end: relative positions, the other way to tell a model where a token stands."""

from __future__ import annotations

import streamlit as st

from embedviz.ui.i18n import t


def render() -> None:
    """What relative positions are, and why the view shows absolute ones."""
    st.subheader(t("order.relative.title"))
    st.markdown(t("order.relative"))
