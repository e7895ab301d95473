"""View "train": watch the embeddings learn; GPT-2's trained embeddings (stub, being written)."""

import streamlit as st

from embedviz.ui.state import Settings


def render(settings: Settings) -> None:
    st.header("Training")
