"""Positions view, part 1: why a model needs positions.

Without positions a token's input vector is its token vector, the same wherever it stands: a repeated
token is one vector, and the lesson's pair „Die Katze saß auf der Matte“ / „Die Matte saß auf der Katze“
gives the model one bag of vectors. The table counts it for each kind of positions, from the vectors
themselves (:func:`embedviz.positions.same_bag_of_vectors`), not from what the text says should happen.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd
import streamlit as st

from embedviz.embeddings import EmbeddingResult
from embedviz.positions import distinct_vectors, same_bag_of_vectors
from embedviz.positions_code import why_source
from embedviz.ui.i18n import md_literal, t
from embedviz.ui.sections.positions_parts import MAX_CHARS, code, heading, sentence, sentences
from embedviz.ui.sections.tokens import chips_html, colour_of
from embedviz.ui.state import DEFAULTS, Settings

KINDS = ("none", "learned", "sinusoidal")  # positions off first, then the two absolute kinds


def _use_example() -> None:
    st.session_state["pos_a"], st.session_state["pos_b"] = DEFAULTS.pos_a, DEFAULTS.pos_b


def bag_frame(results: dict[str, tuple[EmbeddingResult, ...]]) -> pd.DataFrame:
    """One row per kind of positions: same bag for A and B?, distinct input vectors of A and of the
    sentence with a repeated word."""
    rows = []
    for kind, (a, b, repeated) in results.items():
        rows.append(
            {
                t("positions.why.col.kind"): t(f"controls.positional.{kind}"),
                t("positions.why.col.same"): t(
                    "positions.why.yes"
                    if same_bag_of_vectors(a.input_embeddings, b.input_embeddings)
                    else "positions.why.no"
                ),
                t("positions.why.col.a"): t(
                    "positions.why.of", k=distinct_vectors(a.input_embeddings), n=a.n_tokens
                ),
                t("positions.why.col.r"): t(
                    "positions.why.of", k=distinct_vectors(repeated.input_embeddings), n=repeated.n_tokens
                ),
            }
        )
    return pd.DataFrame(rows)


def verdict(results: dict[str, tuple[EmbeddingResult, ...]]) -> str:
    """The caption under the table, chosen from what the vectors show."""
    a, b, _ = results["none"]
    if a.token_ids == b.token_ids:
        return t("positions.why.same_sentence")
    if not same_bag_of_vectors(a.input_embeddings, b.input_embeddings):
        return t("positions.why.other_tokens")
    parted = all(
        not same_bag_of_vectors(results[kind][0].input_embeddings, results[kind][1].input_embeddings)
        for kind in ("learned", "sinusoidal")
    )
    return t("positions.why.parted") if parted else ""


def repeat_note(repeated: EmbeddingResult) -> str:
    """What happens to the most repeated token of the sentence, or that no token repeats."""
    counts = Counter(repeated.token_ids)
    token_id, count = counts.most_common(1)[0] if counts else (None, 0)
    if count < 2:
        return t("positions.why.no_repeat")
    display = next(token.display for token in repeated.tokens if token.id == token_id)
    return t("positions.why.repeat", token=t("positions.quoted", text=md_literal(display)), count=count)


def render(settings: Settings) -> None:
    """Part 1: the two sentences and the sentence with a repeat, as chips; the bag table; its code."""
    heading("why")
    st.markdown(t("positions.why.intro"))
    left, right = st.columns(2)
    left.text_input(t("positions.why.a"), key="pos_a", max_chars=MAX_CHARS)
    right.text_input(t("positions.why.b"), key="pos_b", max_chars=MAX_CHARS)
    st.text_input(t("positions.why.repeated"), key="pos_repeat", max_chars=MAX_CHARS)
    names = (t("positions.why.a"), t("positions.why.b"), t("positions.why.repeated"))
    texts = sentences(settings)
    if (settings.pos_a, settings.pos_b, settings.pos_repeat) != texts:  # the boxes cap typing, a link not
        st.warning(t("positions.too_long", max=MAX_CHARS))
    results: dict[str, tuple[EmbeddingResult, ...]] = {}
    for kind in KINDS:
        found = [sentence(settings, name, text, kind) for name, text in zip(names, texts, strict=True)]
        if any(result is None for result in found):
            return
        results[kind] = tuple(found)
    a, b, repeated = results["none"]
    colours = colour_of(a.tokens + b.tokens + repeated.tokens)
    for name, result in zip(names, results["none"], strict=True):
        st.markdown(f"**{name}**")
        st.html(chips_html(result.tokens, colours=colours))
    if not a.n_tokens or not b.n_tokens:
        st.info(t("positions.why.empty"))
        return
    st.dataframe(bag_frame(results), hide_index=True, key="positions-bag")
    if note := verdict(results):
        st.markdown(note)
    if settings.pos_a != DEFAULTS.pos_a or settings.pos_b != DEFAULTS.pos_b:
        st.button(t("positions.why.example"), on_click=_use_example)
    st.markdown(repeat_note(repeated))
    code("why", lambda: why_source(*texts, settings.spec))
