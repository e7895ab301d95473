"""View "seed": the seed document's own examples, with its exact numbers (stub, being written)."""

import streamlit as st

from embedviz.ui.state import Settings


def render(settings: Settings) -> None:
    st.header("The seed's examples")
