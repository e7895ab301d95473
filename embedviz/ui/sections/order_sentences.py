"""Word order, the start: two sentences and their tokens.

Both sentences go through the page's (cached) pipeline with the page's model settings. Their tokens are
shown as chips, the same id in the same colour, followed by whether the two sentences share all their
tokens (then only the positions tell them apart) and, if not, which tokens differ.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import streamlit as st

from embedviz.compare import same_bag
from embedviz.embeddings import EmbeddingResult
from embedviz.errors import EmbedvizError
from embedviz.figures.word_order import NAMES
from embedviz.ui import cache
from embedviz.ui.error_text import error_text
from embedviz.ui.i18n import language, md_literal, t
from embedviz.ui.sections.tokens import chips_html, colour_of
from embedviz.ui.state import RULES, Settings, defaults

MAX_SENTENCE_CHARS = RULES["compare_a"][0]


def example() -> tuple[str, str]:
    """Two sentences that do share all their tokens in GPT-2 (each noun has a space before it): the
    page's default pair in its language, the lesson's „Die Katze saß auf der Matte“ pair in German."""
    base = defaults(language())
    return base.compare_a, base.compare_b


@dataclass(frozen=True)
class Pair:
    """The two sentences' pipeline results."""

    a: EmbeddingResult
    b: EmbeddingResult


def _use_example() -> None:
    st.session_state["compare_a"], st.session_state["compare_b"] = example()


def _results(settings: Settings) -> Pair | None:
    """Both sentences through the page's (cached) pipeline; None after showing what went wrong."""
    results = []
    for name, text in zip(NAMES, (settings.compare_a, settings.compare_b), strict=True):
        if len(text) > MAX_SENTENCE_CHARS:  # the widget caps typing; a link can carry more
            st.warning(t("order.too_long", name=name, length=len(text), max=MAX_SENTENCE_CHARS))
            continue
        try:
            results.append(cache.embedding_of(settings.spec, text))
        except EmbedvizError as error:
            st.error(t("order.error", name=name, error=error_text(error)))
    if len(results) < 2:
        return None
    if not results[0].n_tokens or not results[1].n_tokens:
        st.info(t("order.empty"))
        return None
    return Pair(*results)


def render_tokens(pair: Pair) -> None:
    """Both sentences as token chips, the same id in the same colour; then whether they share tokens."""
    colours = colour_of(pair.a.tokens + pair.b.tokens)
    for name, result in zip(NAMES, (pair.a, pair.b), strict=True):
        st.markdown(f"**{t(f'order.{name.lower()}')}**")
        st.html(chips_html(result.tokens, colours=colours))
    if pair.a.token_ids == pair.b.token_ids:
        st.info(t("order.same_sentence"))
    elif same_bag(pair.a, pair.b):
        st.success(t("order.same_tokens"))
    else:
        only_a = Counter(pair.a.token_ids) - Counter(pair.b.token_ids)
        only_b = Counter(pair.b.token_ids) - Counter(pair.a.token_ids)
        shown = {token.id: token.display for token in pair.a.tokens + pair.b.tokens}
        st.warning(
            t(
                "order.different_tokens",
                only_a=", ".join(md_literal(shown[i]) for i in only_a),
                only_b=", ".join(md_literal(shown[i]) for i in only_b),
            )
        )
        first, second = example()
        st.button(t("order.try", a=first, b=second), on_click=_use_example)


def render(settings: Settings) -> Pair | None:
    """The view's title and introduction, the two sentence boxes, and both sentences' results (None
    after showing what went wrong)."""
    st.header(t("order.title"), anchor="order")
    st.markdown(
        t(
            "order.intro",
            positional_name=t(f"controls.positional.{settings.positional}"),
            dim=settings.dim,
            seed=settings.seed,
        )
    )
    left, right = st.columns(2)
    left.text_input(t("order.a"), key="compare_a", max_chars=MAX_SENTENCE_CHARS)
    right.text_input(t("order.b"), key="compare_b", max_chars=MAX_SENTENCE_CHARS)
    return _results(settings)
