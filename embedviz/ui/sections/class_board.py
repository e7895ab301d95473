"""The class board on the page: the students' form, and on the teacher's page everyone's tokens in one
3D space, what the class found, and the teacher's controls (hide an entry, clear, close or open sending).

Every entry is untrusted text: it reaches the page only escaped (Plotly labels through
``figures.style.plain``, Markdown through ``md_code``, tables as data frames), never as HTML.
"""

from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from embedviz.board import board_space, most_tokens, with_and_without_space
from embedviz.embeddings import EmbeddingSpec, embed_tokens
from embedviz.errors import EmbedvizError
from embedviz.figures.board import board_figure
from embedviz.rooms import MAX_ENTRY_CHARS, MAX_NICKNAME_CHARS, Room, RoomError
from embedviz.ui import cache
from embedviz.ui.error_text import error_text
from embedviz.ui.i18n import md_code, t
from embedviz.ui.plotly_host import plotly_host


def counted(key: str, n: int) -> str:
    """``n`` things in the visitor's language: the string ``key.one`` for 1, ``key.other`` otherwise
    (English and German form their plurals alike here)."""
    return t(f"{key}.{'one' if n == 1 else 'other'}", n=n)


def send_form(room: Room, sender: str) -> None:
    """A student's form: a word or short sentence, an optional nickname, "Send to the board"."""
    with st.form("ev-board-form", clear_on_submit=True, border=True):
        st.markdown(f"**{t('board.title')}**")
        st.caption(t("board.intro"))
        text = st.text_input(t("board.text"), max_chars=MAX_ENTRY_CHARS, key="ev-board-text")
        nickname = st.text_input(t("board.nickname"), max_chars=MAX_NICKNAME_CHARS, key="ev-board-nick")
        sent = st.form_submit_button(t("board.send"), disabled=room.locked)
    if room.locked:
        st.caption(t("board.locked"))
    if sent:
        try:
            entry = room.send(sender, text, time.time(), nickname)
        except RoomError as error:
            st.warning(error_text(error))
        else:
            st.success(t("board.sent", text=md_code(entry.text)))


def _embedded(room: Room, spec: EmbeddingSpec) -> list:
    """Each visible entry with its tokens and input embeddings at ``spec`` (an entry the settings cannot
    take, e.g. more tokens than the context length, is left out)."""
    tables = cache.page_tables(spec)
    embedded = []
    for entry in room.visible_entries():
        try:
            embedded.append(
                (entry, embed_tokens(entry.text, cache.tokens_of(entry.text, spec.encoding), spec, tables))
            )
        except EmbedvizError:
            continue
    return embedded


def _hover(entry_text: str, token: str, nickname: str) -> str:
    if nickname:
        return t("board.hover_nick", token=token, entry=entry_text, nickname=nickname)
    return t("board.hover", token=token, entry=entry_text)


def findings(embedded: list, encoding: str) -> None:
    """What the class found: the entries with the most tokens, and words alone and after a space."""
    st.markdown(f"**{t('board.found')}**")
    sizes = [(entry.text, result.n_tokens) for entry, result in embedded]
    most = most_tokens(sizes)
    if most:
        st.markdown(
            f"{t('board.most')}: "
            + " · ".join(f"{md_code(text)} ({counted('board.n_tokens', n)})" for text, n in most)
        )
    pairs = with_and_without_space([text for text, _ in sizes], lambda text: cache.tokens_of(text, encoding))
    if pairs:
        st.markdown(t("board.space_pairs"))
        st.dataframe(
            pd.DataFrame(
                {
                    t("board.col.word"): [word for word, _, _ in pairs],
                    t("board.col.alone"): [" | ".join(tok.display for tok in alone) for _, alone, _ in pairs],
                    t("board.col.spaced"): [
                        " | ".join(tok.display for tok in spaced) for _, _, spaced in pairs
                    ],
                }
            ),
            hide_index=True,
        )


def teacher(room: Room, spec: EmbeddingSpec) -> None:
    """The teacher's board: the space, the findings, the entries with "Hide", clear and the lock."""
    st.subheader(t("board.title"))
    with st.container(horizontal=True, vertical_alignment="center"):
        st.session_state["ev-board-open"] = not room.locked
        st.toggle(
            t("board.open"),
            key="ev-board-open",
            on_change=lambda: room.lock_board(not st.session_state["ev-board-open"], time.time()),
        )
        st.button(t("board.clear"), key="ev-board-clear", on_click=lambda: room.clear(time.time()))
    embedded = _embedded(room, spec)
    if not embedded:
        st.info(t("board.nothing_yet"))
        return
    n_tokens = sum(result.n_tokens for _, result in embedded)
    st.caption(f"{counted('board.entries', len(embedded))}, {counted('board.n_tokens', n_tokens)}")
    space = board_space(embedded)
    hover = [
        _hover(entry.text, token.display, entry.nickname)
        for entry, token in zip(space.entries, space.tokens, strict=True)
    ]
    st.markdown(f"**{t('board.space')}**")
    plotly_host(board_figure(space, t("board.trace"), hover), key="ev-board-space")
    st.caption(t("board.space_caption"))
    findings(embedded, spec.encoding)
    with st.expander(t("board.entries")):
        for entry, result in embedded:
            text, hide = st.columns([6, 1], vertical_alignment="center")
            nickname = f" ({md_code(entry.nickname)})" if entry.nickname else ""
            text.markdown(f"{md_code(entry.text)}{nickname} · {counted('board.n_tokens', result.n_tokens)}")
            hide.button(
                t("board.hide"),
                key=f"ev-board-hide-{entry.number}",
                on_click=lambda number=entry.number: room.hide(number, time.time()),
            )
