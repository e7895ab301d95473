"""What every part of the positions view shares: its heading, the sentences it reads, and its code."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import streamlit as st

from embedviz.embeddings import EmbeddingResult
from embedviz.errors import EmbedvizError
from embedviz.ui import cache
from embedviz.ui.i18n import t
from embedviz.ui.lazy import on_demand
from embedviz.ui.state import RULES, Settings

#: The longest sentence the view's boxes take (a link can carry a longer one: it is cut, with a note).
MAX_CHARS = RULES["pos_a"][0]
#: The view's parts in order: anchors ``positions-<part>``, titles ``positions.part.<part>``, one slide each.
PARTS = ("why", "absolute", "combine", "relative")


def heading(part: str) -> None:
    """The part's title, with the anchor the table of contents links to."""
    st.header(t(f"positions.part.{part}"), anchor=f"positions-{part}")


def sentences(settings: Settings) -> tuple[str, str, str]:
    """Sentence A, sentence B and the sentence with a repeated word, each cut to :data:`MAX_CHARS`."""
    return tuple(text[:MAX_CHARS] for text in (settings.pos_a, settings.pos_b, settings.pos_repeat))


def sentence(settings: Settings, name: str, text: str, positional: str = "learned") -> EmbeddingResult | None:
    """``text`` through the page's cached tables with ``positional`` positions; None after saying what went
    wrong (too many tokens for the context length, a refused table)."""
    try:
        return cache.embedding_of(dataclasses.replace(settings.spec, positional=positional), text)
    except EmbedvizError as error:
        st.error(t("positions.error", name=name, error=error))  # name: the box's label
        return None


def code(part: str, source: Callable[[], str]) -> None:
    """The part's "reproduce in Python" script, generated only while its expander is open."""
    section = on_demand(t("positions.code"), key=f"open-positions-code-{part}", icon=":material/code:")
    if section is None:
        return
    with section:
        st.code(source(), language="python")
        st.caption(t("positions.code.caption"))
