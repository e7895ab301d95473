"""Check questions in class: the teacher opens one, students answer on their phones, the projector shows
the live tally and then the right answer with its reason.

The question is computed from the room's state (the teacher's sentence and settings), never from a
student's own settings: a student exploring on their own answers the same question as the class.
"""

from __future__ import annotations

import time

import streamlit as st

from embedviz.questions import NO, NONE, QUESTIONS, YES, Question, ask
from embedviz.rooms import Room
from embedviz.ui import cache, state
from embedviz.ui.i18n import md_code, md_literal, t
from embedviz.ui.sections.class_board import counted


def question_of(room: Room, question: str) -> Question:
    """The question ``question`` for the sentence and settings the room shows."""
    settings, _ = state.parse(room.state)
    return ask(question, settings.text, cache.tokens_of(settings.text, settings.encoding), settings.spec)


def prompt(question: Question) -> str:
    """The question as a sentence in the visitor's language."""
    return t(f"q.{question.id}", **question.reason)


def choice_text(choice: str) -> str:
    """One choice as shown: yes/no/none in words, a number, shape or token as it is (Markdown-escaped)."""
    if choice in (YES, NO, NONE):
        return t(f"q.choice.{choice}")
    return md_literal(choice)


def reason(question: Question, dim: int) -> str:
    """Why the right answer is right, in the visitor's language."""
    facts = question.reason
    if question.id == "n_tokens":
        return t("q.reason.n_tokens", n=int(question.answer), ids=facts["ids"])
    if question.id == "same_rows":
        if question.answer == NONE:
            return t("q.reason.same_rows.none")
        return t("q.reason.same_rows", token=md_code(question.answer), positions=facts["positions"])
    if question.id == "batch_shape":
        return t("q.reason.batch_shape", batch=int(facts["batch"]), n=int(facts["n"]), dim=dim)
    return t(f"q.reason.swap.{question.answer}")


def _revealed(room: Room, question: Question) -> None:
    settings, _ = state.parse(room.state)
    st.success(t("q.right", answer=choice_text(question.answer)) + "  \n" + reason(question, settings.dim))


def student(room: Room, sender: str) -> None:
    """The open question on a student's page: the choices, then the right answer once revealed."""
    if room.question is None:
        return
    question = question_of(room, room.question)
    with st.container(border=True, key="ev-question"):
        st.markdown(f"**{t('q.title')}:** {prompt(question)}")
        key = f"ev-answer-{room.question}-{room.follow_version if room.revealed else 'open'}"
        st.radio(
            t("q.your_answer"),
            question.choices,
            index=None,
            key=key,
            format_func=choice_text,
            disabled=room.revealed,
            on_change=lambda: room.answer(sender, st.session_state[key], time.time()),
        )
        if room.revealed:
            _revealed(room, question)
        elif st.session_state.get(key) is not None:
            st.caption(t("q.answered"))


def teacher(room: Room) -> None:
    """The teacher's question: pick and ask, the live tally, reveal, close."""
    st.subheader(t("q.title"))
    if room.question is None:
        with st.container(horizontal=True, vertical_alignment="bottom"):
            picked = st.selectbox(
                t("q.pick"),
                QUESTIONS,
                key="ev-question-pick",
                format_func=lambda q: t(f"q.{q}", batch=8),
            )
            st.button(t("q.ask"), key="ev-question-ask", on_click=lambda: room.ask(picked, time.time()))
        return
    question = question_of(room, room.question)
    st.markdown(f"**{prompt(question)}**")
    tally = room.tally()
    total = sum(tally.values())
    st.caption(counted("q.tally", total))
    for choice in question.choices:
        count = tally.get(choice, 0)
        right = room.revealed and choice == question.answer
        label = f"{'✅ ' if right else ''}{choice_text(choice)}: {count}"
        st.progress(count / total if total else 0.0, text=label)
    with st.container(horizontal=True):
        if not room.revealed:
            st.button(
                t("q.reveal"),
                key="ev-question-reveal",
                type="primary",
                on_click=lambda: room.reveal(time.time()),
            )
        st.button(t("q.close"), key="ev-question-close", on_click=lambda: room.ask(None, time.time()))
    if room.revealed:
        _revealed(room, question)
