"""The training lesson on the page: "tokens used alike end up alike".

After a run on the lesson corpus (:mod:`embedviz.lesson`), two figures from :mod:`embedviz.figures.lesson`
show what the 3D animation of one sentence cannot: the mean cosine of word pairs within each group
(animals, colours, numbers, days) against pairs across groups, at step 0 and after the last step; and
the group words on 2D maps before and after, where the groups become clusters once training has
moved them together. The numbers come with
the run (:class:`embedviz.training_runs.LessonOutcome`, measured in the queue's worker); only texts
are added here, in the visitor's language.
"""

from __future__ import annotations

import streamlit as st

from embedviz.figures.lesson import lesson_figure, lesson_map_figure
from embedviz.lesson import DEFAULT_SENTENCE, GROUPS
from embedviz.training_runs import LessonOutcome
from embedviz.ui.i18n import localized, number, separators, t

STATIC = {"displayModeBar": False}
#: The gaps (mean cosine within groups minus across) from which the maps' caption says the groups have
#: begun to move together, and that they form clusters. The calibrated run reaches 0.38 (dim 256, 100
#: steps; tests/test_lesson.py); after a few steps or an early Stop the gap is smaller, and the caption
#: says so instead of promising clusters the maps do not show.
DRAWING_GAP, CLUSTERED_GAP = 0.1, 0.3


def use_lesson_sentence() -> None:
    """Callback: put the lesson's sentence (two words of every group) into the text box."""
    st.session_state["text"] = DEFAULT_SENTENCE


def sentence_button(current: str) -> None:
    """The button "use the lesson's sentence" (disabled when it is already the sentence)."""
    st.button(
        t("train.use_lesson_sentence"),
        on_click=use_lesson_sentence,
        disabled=current == DEFAULT_SENTENCE,
        help=t("train.use_lesson_sentence_help"),
        icon=":material/format_quote:",
    )


def group_names() -> list[str]:
    return [t(f"lesson.group.{group}") for group in GROUPS]


def gap_figure(lesson: LessonOutcome, steps_done: int) -> None:
    """The dumbbells (within each group, across groups; step 0 and the end) and their caption."""
    texts = {
        "start": t("lesson.start"),
        "end": t("lesson.end", steps=steps_done),
        "across": t("lesson.across"),
        "axis": t("lesson.axis"),
    }
    figure = lesson_figure(lesson.before, lesson.after, group_names(), texts, separators=separators())
    st.plotly_chart(localized(figure), key="train_lesson", config=STATIC)
    st.caption(
        t(
            "lesson.caption",
            start=number(lesson.before.within, 2),
            within=number(lesson.after.within, 2),
            across=number(lesson.after.across, 2),
        )
    )


def maps(lesson: LessonOutcome, steps_done: int) -> None:
    """The group words on their own 2D PCA maps, at step 0 and after training."""
    texts = {"start": t("lesson.start"), "end": t("lesson.end", steps=steps_done)}
    figure = lesson_map_figure(
        lesson.start_map, lesson.end_map, lesson.labels, lesson.words, group_names(), texts
    )
    st.plotly_chart(localized(figure), key="train_lesson_map", config=STATIC)
    gap = lesson.after.gap
    stage = "clustered" if gap >= CLUSTERED_GAP else "drawing" if gap >= DRAWING_GAP else "mixed"
    st.caption(
        t(
            f"lesson.map_caption.{stage}",
            n_words=len(lesson.words),
            steps=steps_done,
            within=number(lesson.after.within, 2),
            across=number(lesson.after.across, 2),
        )
    )


__all__ = ["gap_figure", "maps", "sentence_button", "use_lesson_sentence"]
