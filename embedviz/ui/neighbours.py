"""Pipeline section 6: nearest vocabulary neighbours of the selected token (stub, being written)."""

import streamlit as st

from embedviz.embeddings import EmbeddingResult
from embedviz.ui.state import Settings


def render(settings: Settings, result: EmbeddingResult) -> None:
    st.header("6 · Nearest neighbours")
