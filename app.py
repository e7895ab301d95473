"""embedviz: see how a language model turns a sentence into vectors (placeholder page)."""

import streamlit as st

st.set_page_config(page_title="embedviz", layout="wide")
st.title("embedviz")
