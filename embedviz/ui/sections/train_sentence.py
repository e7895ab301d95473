"""Training & GPT-2, the start: the sentence and the controls both sections share.

Both sections show the same sentence, the same selected token, the same k nearest neighbours and the
same camera, so those controls sit in one row on top. The sentence is embedded with the spec the tiny GPT
uses (:func:`train_spec`): GPT-2's encoding and learned positions, the page's dim, seed and context length.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from embedviz.embeddings import EmbeddingResult, EmbeddingSpec
from embedviz.errors import EmbedvizError
from embedviz.figures.style import CAMERAS
from embedviz.tokenizer import MAX_CHARS
from embedviz.training_runs import MAX_TRACKED_TOKENS
from embedviz.ui import cache
from embedviz.ui.error_text import error_text
from embedviz.ui.i18n import t
from embedviz.ui.sections import neighbours as neighbours_ui
from embedviz.ui.sections import vectors
from embedviz.ui.state import Settings

K_RANGE = neighbours_ui.K_RANGE


def render(settings: Settings) -> tuple[EmbeddingSpec, EmbeddingResult, int] | None:
    """The view's title, the sentence and the shared controls. Returns the spec, the embedded sentence
    and the selected token's index; None after saying why there is nothing to train on."""
    st.header(t("train.title"), anchor="train")
    st.text_area(t("app.sentence"), key="text", height=90, help=t("app.sentence_help", max_chars=MAX_CHARS))
    spec = train_spec(settings)
    try:
        sentence = cache.embedding_of(spec, settings.text)
    except EmbedvizError as error:
        st.error(error_text(error))
        return None
    if not sentence.n_tokens:
        st.info(t("train.empty"))
        return None
    if (settings.encoding, settings.positional) != ("gpt2", "learned"):
        st.caption(t("train.gpt2_only"))
    return spec, sentence, shared_controls(sentence)


def train_spec(settings: Settings) -> EmbeddingSpec:
    """The page's spec as the tiny GPT uses it: GPT-2's encoding and learned positions, the page's dim,
    seed and context length."""
    return replace(settings.spec, encoding="gpt2", positional="learned")


def shared_controls(sentence: EmbeddingResult) -> int:
    """The selected token, k and the camera, for both sections. Returns the selected token's index."""
    labels = vectors.row_labels(sentence)[:MAX_TRACKED_TOKENS]
    if st.session_state.get("token", 0) >= len(labels):
        st.session_state["token"] = 0
    left, middle, right = st.columns([2, 2, 3], gap="medium")
    index = left.selectbox(t("train.token"), range(len(labels)), key="token", format_func=labels.__getitem__)
    middle.slider(t("nb.k"), *K_RANGE, key="k")
    # A select box, not the 3D section's segmented control: four buttons do not fit on a phone.
    right.selectbox(
        t("space.camera"), list(CAMERAS), key="camera", format_func=lambda c: t(f"space.camera.{c}")
    )
    return index
