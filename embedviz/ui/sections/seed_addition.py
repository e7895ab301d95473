"""Seed view, example 3: token embedding + position embedding, ``[0.5, -0.2, 0.1] + [0.1, 0.3, -0.1] =
[0.6, 0.1, 0.0]``, with numbers the visitor can edit, written out element by element as the seed writes it.
Typed vectors are parsed by :mod:`embedviz.ui.typed_vector`; what cannot be used is a warning, never an
error.
"""

from __future__ import annotations

import streamlit as st

from embedviz.explain import worked_sum
from embedviz.ui.i18n import t
from embedviz.ui.state import Settings
from embedviz.ui.typed_vector import MAX_ADD_CHARS, MAX_ADD_NUMBERS, VectorProblem, parse_vector


def addition_text(token_text: str, position_text: str) -> str:
    """The seed's worked addition for two typed vectors; raises :class:`VectorProblem`."""
    parsed = []
    for which, text in (("a", token_text), ("b", position_text)):
        try:
            parsed.append(parse_vector(text))
        except VectorProblem as problem:
            problem.values["which"] = t(f"toy.add.which.{which}")
            raise
    (a, decimals_a), (b, decimals_b) = parsed
    if len(a) != len(b):
        raise VectorProblem("toy.add.mismatch", a=len(a), b=len(b))
    text, _ = worked_sum(a, b, decimals=max(decimals_a, decimals_b))
    return f"{t('toy.add.combined')}\n= {text}"


def render(settings: Settings) -> None:
    """Example 3: token embedding + position embedding, written out as the seed writes it."""
    st.subheader(t("toy.add.title"))
    st.markdown(t("toy.add.intro", max=MAX_ADD_NUMBERS))
    left, right = st.columns(2)
    left.text_input(t("toy.add.a"), key="add_a", max_chars=MAX_ADD_CHARS, help=t("toy.add.help"))
    right.text_input(t("toy.add.b"), key="add_b", max_chars=MAX_ADD_CHARS, help=t("toy.add.help"))
    try:
        st.code(addition_text(settings.add_a, settings.add_b), language=None, wrap_lines=True)
    except VectorProblem as problem:
        st.warning(problem.message(), icon="⚠️")
