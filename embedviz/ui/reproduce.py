"""Pipeline section 7: the same numbers in plain Python, and downloads (stub, being written)."""

import streamlit as st

from embedviz.embeddings import EmbeddingResult
from embedviz.ui.state import Settings


def render(settings: Settings, result: EmbeddingResult) -> None:
    st.header("7 · Reproduce and export")
