"""Training & GPT-2, section 1: watch the embeddings learn.

The Train button asks the server's training queue for a run of :mod:`embedviz.training`'s tiny GPT
(:mod:`embedviz.ui.sections.train_queue`: place in line, estimate and progress drawn live, Stop, shared and
kept runs). Its embedding layers start as copies of the page's cached tables (never the tables
themselves). The default text is the built-in lesson (:mod:`embedviz.lesson`), whose figures show that
tokens used alike end up alike (:mod:`embedviz.ui.sections.lesson`). Afterwards: the loss, an animation of
the sentence's vectors in one fixed 3D space, the selected token's numbers at step 0 and at the end, and
its nearest neighbours before and after.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd
import streamlit as st
import torch

from embedviz import training
from embedviz.embeddings import EmbeddingResult, EmbeddingSpec, token_rows_of
from embedviz.figures.training import animation_figure, loss_figure
from embedviz.neighbours import neighbours_before_after
from embedviz.training_runs import (
    TRAIN_SOURCES,
    PageRun,
    TrainKey,
    config_for,
    tracked_ids,
    untrained_positions,
)
from embedviz.ui import cache
from embedviz.ui.i18n import language, localized, md_literal, t, t_plural
from embedviz.ui.plotly_host import plotly_host
from embedviz.ui.sections import lesson as lesson_ui
from embedviz.ui.sections import neighbours as neighbours_ui
from embedviz.ui.sections import space3d, train_queue
from embedviz.ui.sections.train_sentence import train_spec
from embedviz.ui.state import RULES, Settings
from embedviz.ui.tables import decimal_columns

TRAIN_BUTTON = "train_start"  # the Train button's key: True in the run its click starts
STEPS_RANGE = RULES["train_steps"]
LOSS_CONFIG = {"displayModeBar": False}  # a 2D curve needs no tools; they covered its labels on a phone


def train_key(settings: Settings) -> TrainKey:
    """What names a run in the server's training queue: the tiny GPT's spec, the steps, the training
    text and the sentence whose vectors it tracks."""
    return TrainKey(
        spec=train_spec(settings),
        steps=settings.train_steps,
        source=settings.train_source,
        sentence=settings.text,
    )


def render(settings: Settings, spec: EmbeddingSpec, sentence: EmbeddingResult, index: int) -> None:
    """Section 1: explanation, controls, the run through the queue, and its result."""
    st.subheader(t("train.section"), anchor="learn")
    key = train_key(settings)
    config = config_for(key)
    st.markdown(
        t(
            "train.intro",
            seed=settings.seed,
            dim=settings.dim,
            width=config.width,
            window=config.max_length,
            window_last=config.max_length - 1,
        )
    )
    left, right = st.columns(2, gap="large")
    left.slider(t("train.steps"), *STEPS_RANGE, key="train_steps", help=t("train.steps_help"))
    right.radio(
        t("train.source"), TRAIN_SOURCES, key="train_source", format_func=lambda s: t(f"train.source.{s}")
    )
    if st.session_state.get(TRAIN_BUTTON):
        # Train was clicked. Submitted here, not in a callback: a callback's arguments are those of the
        # previous run, and a sentence typed just before the click would not be in them.
        train_queue.submit(key, tracked_ids(sentence.token_ids, key.spec.context_length))
    active = train_queue.is_active(key)
    buttons = st.container(horizontal=True)
    buttons.button(
        t("train.start"),
        key=TRAIN_BUTTON,
        type="primary",
        icon=":material/play_arrow:",
        disabled=active,
    )
    buttons.button(
        t("train.stop"),
        icon=":material/stop:",
        on_click=train_queue.stop,
        disabled=not active,
        help=t("train.stop_help"),
    )
    if settings.train_source == "lesson":
        with buttons:
            lesson_ui.sentence_button(settings.text)

    run, origin = train_queue.outcome(key)
    if run is None:
        if origin == "":
            st.info(t("train.press"), icon=":material/school:")
        return
    tables = cache.page_tables(spec)  # whole or streamed: the same rows
    show_result(settings, key, sentence, run, origin, lambda ids: token_rows_of(tables, ids), index)


def quoted(text: str) -> str:
    """A token's visible text in the language's quotation marks, safe for Markdown."""
    return t("train.quoted", token=md_literal(text))


def loss_texts() -> dict[str, str]:
    return {"step": t("train.step"), "loss": t("train.loss"), "uniform": t("train.uniform")}


def show_result(
    settings: Settings,
    key: TrainKey,
    sentence: EmbeddingResult,
    run: PageRun,
    origin: str,
    seeded: Callable[[list[int]], torch.Tensor],
    index: int,
) -> None:
    """A finished or stopped run: how it went, the lesson, the animation, numbers and nearest
    neighbours."""
    result = run.result
    message = t(
        f"train.done.{origin}", steps=result.config.steps, done=result.steps_done, seconds=result.seconds
    )
    if origin == "stopped":
        st.info(message, icon=":material/stop_circle:")
    else:
        st.success(message, icon=":material/check_circle:")
    left, right = st.columns([2, 3], gap="large")
    with left:
        st.markdown(f"**{t('train.loss_title')}**")
        st.plotly_chart(
            localized(loss_figure(result.losses, loss_texts(), len(result.trained_ids))),
            key="train_loss",
            config=LOSS_CONFIG,
        )
        n = len(result.trained_ids)
        st.caption(t("train.loss_caption", n=n, uniform=math.log(n)))
    with right:
        show_untrained(settings, sentence, result)
        show_numbers(sentence, result, index)
    if run.lesson is None:
        show_animation(settings, key, sentence, result)
    else:
        st.markdown(f"#### {t('lesson.title')}")
        st.markdown(t("lesson.intro"))
        animation, lesson = st.columns([3, 2], gap="large")
        with animation:
            show_animation(settings, key, sentence, result)
        with lesson:
            lesson_ui.gap_figure(run.lesson, result.steps_done)
        lesson_ui.maps(run.lesson, result.steps_done)
    show_neighbours(result, seeded, sentence.token_ids[index], settings.k)


def show_untrained(settings: Settings, sentence: EmbeddingResult, result: training.TrainResult) -> None:
    """Say which of the sentence's tokens training cannot move (not in the training text)."""
    missing = untrained_positions(result.sentence_ids, result.trained_ids)
    if not missing:
        st.markdown(t("train.all_trained", n=len(result.sentence_ids)))
        return
    names = ", ".join(quoted(sentence.tokens[i].display) for i in missing[:8])
    names += " …" if len(missing) > 8 else ""
    hint = t("train.try_sentence") if settings.train_source == "verdict" else ""
    message = t_plural("train.untrained", len(missing), total=len(result.sentence_ids), names=names)
    st.warning(message + hint, icon=":material/block:")


def show_numbers(sentence: EmbeddingResult, result: training.TrainResult, index: int) -> None:
    """The selected token's first token-vector values at step 0 and at the last step."""
    token = sentence.tokens[index]
    first, last = result.snapshots[0], result.snapshots[-1]
    width = min(5, sentence.dim)
    values = torch.stack([first.token_vectors[index], last.token_vectors[index]])[:, :width]
    frame = pd.DataFrame(
        np.round(values.double().numpy(), 4),
        index=[t("train.at_step", step=first.step), t("train.at_step", step=last.step)],
        columns=[f"{t('vectors.dim')} {j}" for j in range(width)],
    )
    st.markdown(t("train.numbers", token=md_literal(token.display), index=index))
    frame, config = decimal_columns(frame)
    st.dataframe(frame, key="train_numbers", column_config=config)
    missing = untrained_positions(result.sentence_ids, result.trained_ids)
    caption = t("train.numbers_caption", seed=sentence.seed)
    if index not in missing:
        caption += t("train.numbers_changed")
    else:
        caption += t("train.numbers_same")
        moving = [i for i in range(len(result.sentence_ids)) if i not in missing]
        if moving:
            caption += t("train.numbers_pick", token=quoted(sentence.tokens[moving[0]].display))
    st.caption(caption)


def show_animation(
    settings: Settings, key: TrainKey, sentence: EmbeddingResult, result: training.TrainResult
) -> None:
    """The 3D animation, built once per run, camera and language."""
    st.markdown(f"**{t('train.animation_title')}**")
    cache_key = (key, result.steps_done, settings.camera, language())
    figure = cache.animations().get(cache_key)
    if figure is None:
        frames = training.animation_frames(result.snapshots)
        tokens = sentence.tokens[: len(result.sentence_ids)]
        figure = animation_figure(
            frames,
            result.snapshots,
            [token.display for token in tokens],
            result.sentence_ids,
            space3d.legend_names(),
            {"play": t("train.play"), "pause": t("train.pause"), "step": t("train.step")},
            camera=settings.camera,
            axis_titles=space3d.axis_titles(frames[0].explained_variance_ratio),
        )
        cache.animations().put(cache_key, figure)
    # Mounted once: a rerun with the same figure leaves a paused frame alone; Play and the
    # slider are Plotly's own animation of the figure's frames (the host passes them on, and never glides).
    plotly_host(figure, key="train_animation")
    st.caption(t("train.animation_caption", frames=len(result.snapshots), every=result.config.snapshot_every))


def show_neighbours(
    result: training.TrainResult, seeded: Callable[[list[int]], torch.Tensor], token_id: int, k: int
) -> None:
    """Nearest neighbours of the selected token before and after training, among the text's tokens."""
    st.markdown(f"**{t('train.nb_title')}**")
    before, after = neighbours_before_after(result, seeded, token_id, k)
    st.caption(t("train.nb_caption", n=len(result.trained_ids)))
    left, right = st.columns(2, gap="large")
    for column, name, found in ((left, "before", before), (right, "after", after)):
        column.markdown(t(f"train.nb.{name}", step=result.steps_done))
        neighbours_table(column, found, f"train_nb_{name}")
    st.info(t("train.nb_why"), icon=":material/lightbulb:")


def neighbours_table(where, found: list[tuple[int, float]], key: str) -> None:
    """A neighbours table as the pipeline's neighbours section shows it."""
    neighbours_ui.neighbours_table(where, "gpt2", found, key)
