"""View "batches": a long text cut into windows and batches (stub, being written)."""

import streamlit as st

from embedviz.ui.state import Settings


def render(settings: Settings) -> None:
    st.header("Batches")
