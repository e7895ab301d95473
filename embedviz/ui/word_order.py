"""View "order": why word order needs position embeddings (stub, being written)."""

import streamlit as st

from embedviz.ui.state import Settings


def render(settings: Settings) -> None:
    st.header("Word order")
