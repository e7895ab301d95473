"""View "train": watch the embeddings learn, and GPT-2's trained embeddings next to random ones.

Two sections, sharing the sentence, the selected token, k and the camera (one row of controls on top):

1. **Watch them learn.** The Train button asks the server's training queue for a run of
   :mod:`embedviz.training`'s tiny GPT (:mod:`embedviz.ui.sections.train_queue`: place in line, estimate
   and progress drawn live, Stop, shared and kept runs). Its embedding layers start as copies of the
   page's cached tables (never the tables themselves). The default text is the built-in lesson
   (:mod:`embedviz.lesson`), whose figures show that tokens used alike end up alike
   (:mod:`embedviz.ui.sections.lesson`). Afterwards: the loss, an animation of the sentence's vectors in
   one fixed 3D space, the selected token's numbers at step 0 and at the end, and its nearest neighbours
   before and after.
2. **GPT-2's trained embeddings.** With ``tables=gpt2``, GPT-2 small's ``wte`` and ``wpe`` are read once
   (:func:`embedviz.pretrained.load_with_ranges`) and shown next to random tables of the same size.

While GPT-2's file loads, a click starts a new run of the script right away (Streamlit's "fast reruns")
and asks the running one to stop at its next ``st.*`` call, by raising an exception there (here a
progress update): :class:`Interruptible` keeps the load going and re-raises the exception once the
loaded tables are kept, and the new run waits for that load (a lock) and takes its result.

GPT-2's tables are kept once per server (one entry, 158 MB). ``EMBEDVIZ_GPT2_ENDPOINT`` points the
loader at another server than the Hugging Face Hub (tests use a local one); ``HF_HOME`` sets the cache.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st
import torch

from embedviz import training
from embedviz.embeddings import EmbeddingResult, EmbeddingSpec
from embedviz.errors import EmbedvizError
from embedviz.figures.style import CAMERAS
from embedviz.figures.training import animation_figure, curve_figure, loss_figure
from embedviz.neighbours import neighbours_before_after
from embedviz.pretrained import (
    LoadedGpt2,
    PositionCurve,
    default_cache_dir,
    load_with_ranges,
    loaded_gpt2,
    pretrained_result,
)
from embedviz.projection import Projection, project
from embedviz.tokenizer import MAX_CHARS
from embedviz.training_runs import (
    MAX_TRACKED_TOKENS,
    TRAIN_SOURCES,
    PageRun,
    TrainKey,
    config_for,
    tracked_ids,
    untrained_positions,
)
from embedviz.ui import cache
from embedviz.ui.i18n import language, md_literal, t
from embedviz.ui.memory_policy import GPT2_LOAD_BYTES
from embedviz.ui.plotly_host import plotly_host, space_point_ids, with_point_ids
from embedviz.ui.reservations import reserved
from embedviz.ui.sections import lesson as lesson_ui
from embedviz.ui.sections import neighbours as neighbours_ui
from embedviz.ui.sections import space3d, train_queue, vectors
from embedviz.ui.state import RULES, TABLES, Settings

#: Redraw GPT-2's loading progress bar at most this often (seconds).
PROGRESS_SECONDS = 0.25
#: Environment variable: another server than the Hugging Face Hub for GPT-2's file (tests, mirrors).
ENDPOINT_VARIABLE = "EMBEDVIZ_GPT2_ENDPOINT"
TRAIN_BUTTON = "train_start"  # the Train button's key: True in the run its click starts
GPT2_ERROR = "_gpt2_error"  # session state: (source, message) of this visitor's failed GPT-2 load
STEPS_RANGE = RULES["train_steps"]
LOSS_CONFIG = {"displayModeBar": False}  # a 2D curve needs no tools; they covered its labels on a phone
K_RANGE = neighbours_ui.K_RANGE


# ---------------------------------------------------------------------------------------------------------
# Drawing while something long runs
# ---------------------------------------------------------------------------------------------------------


class Interruptible:
    """Draws progress during a long computation without losing the computation to a click.

    Any click makes Streamlit stop the running script at its next ``st.*`` call by raising an exception
    there. :meth:`draw` runs such calls, catches that exception, remembers it and draws nothing more;
    :meth:`finish` raises it again once the caller has kept what was computed.
    """

    def __init__(self) -> None:
        self.interruption: BaseException | None = None
        self._last: dict[str, float] = {}

    def due(self, what: str, every: float, force: bool = False) -> bool:
        """True if ``what`` was last drawn ``every`` seconds ago or more (or ``force``)."""
        now = time.perf_counter()
        if force or now - self._last.get(what, -math.inf) >= every:
            self._last[what] = now
            return True
        return False

    def draw(self, paint: Callable[[], object]) -> bool:
        """Run ``paint``; False (and no more drawing) once the visitor has clicked something."""
        if self.interruption is not None:
            return False
        try:
            paint()
        except BaseException as interruption:  # Streamlit's rerun/stop request (and any error, re-raised)
            self.interruption = interruption
            return False
        return True

    def finish(self) -> None:
        """Raise the remembered interruption, if any (after the caller has kept its result)."""
        if self.interruption is not None:
            raise self.interruption


# ---------------------------------------------------------------------------------------------------------
# The view
# ---------------------------------------------------------------------------------------------------------


def render(settings: Settings) -> None:
    """Draw the view "Training & GPT-2"."""
    st.header(t("train.title"), anchor="train")
    st.text_area(t("app.sentence"), key="text", height=90, help=t("app.sentence_help", max_chars=MAX_CHARS))
    spec = train_spec(settings)
    try:
        sentence = cache.embedding_of(spec, settings.text)
    except EmbedvizError as error:
        st.error(str(error))
        return
    if not sentence.n_tokens:
        st.info(t("train.empty"))
        return
    if (settings.encoding, settings.positional) != ("gpt2", "learned"):
        st.caption(t("train.gpt2_only"))
    index = shared_controls(sentence)
    train_section(settings, spec, sentence, index)
    gpt2_section(settings, sentence, index)


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


# ---------------------------------------------------------------------------------------------------------
# 1. Watch them learn
# ---------------------------------------------------------------------------------------------------------


def train_key(settings: Settings) -> TrainKey:
    return TrainKey(
        spec=train_spec(settings),
        steps=settings.train_steps,
        source=settings.train_source,
        sentence=settings.text,
    )


def train_section(settings: Settings, spec: EmbeddingSpec, sentence: EmbeddingResult, index: int) -> None:
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
    seeded = cache.tables_of(spec)[0].layer.weight
    show_result(settings, key, sentence, run, origin, seeded, index)


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
    seeded: torch.Tensor,
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
            loss_figure(result.losses, loss_texts(), len(result.trained_ids)),
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
    message = t("train.untrained", n=len(missing), total=len(result.sentence_ids), names=names)
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
        columns=[f"dim {j}" for j in range(width)],
    )
    st.markdown(t("train.numbers", token=md_literal(token.display), index=index))
    st.dataframe(frame, key="train_numbers", column_config=vectors.four_decimals(frame))
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
        )
        cache.animations().put(cache_key, figure)
    # Mounted once (issue 13): a rerun with the same figure leaves a paused frame alone; Play and the
    # slider are Plotly's own animation of the figure's frames (the host passes them on, and never glides).
    plotly_host(figure, key="train_animation")
    st.caption(t("train.animation_caption", frames=len(result.snapshots), every=result.config.snapshot_every))


def show_neighbours(result: training.TrainResult, seeded: torch.Tensor, token_id: int, k: int) -> None:
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
    """A neighbours table as the pipeline's section 6 shows it."""
    where.dataframe(
        neighbours_ui.neighbours_frame("gpt2", found),
        hide_index=True,
        key=key,
        column_config={
            t("nb.col.rank"): st.column_config.NumberColumn(width="small"),
            t("nb.col.cosine"): st.column_config.NumberColumn(format="%.4f"),
        },
    )


# ---------------------------------------------------------------------------------------------------------
# 2. GPT-2's trained embeddings
# ---------------------------------------------------------------------------------------------------------


def gpt2_source() -> tuple[str | None, str]:
    """(endpoint, cache folder) the loader uses now: ``EMBEDVIZ_GPT2_ENDPOINT`` (None: the Hugging Face
    Hub) and ``$HF_HOME/embedviz``."""
    return os.environ.get(ENDPOINT_VARIABLE) or None, str(default_cache_dir())


def gpt2_section(settings: Settings, sentence: EmbeddingResult, index: int) -> None:
    """Section 2: choose the tables; with GPT-2 chosen, load it and compare."""
    st.divider()
    st.subheader(t("gpt2.title"), anchor="gpt2")
    st.markdown(t("gpt2.intro"))
    st.segmented_control(
        t("gpt2.tables"),
        list(TABLES),
        key="tables",
        required=True,
        format_func=lambda v: t(f"gpt2.tables.{v}"),
    )
    if settings.tables != "gpt2":
        st.caption(t("gpt2.off"))
        return
    loaded = load_gpt2()
    if loaded is not None:
        compare(settings, sentence, loaded, index)


def _forget_error() -> None:
    st.session_state.pop(GPT2_ERROR, None)


def load_gpt2() -> LoadedGpt2 | None:
    """GPT-2's tables from memory, or loaded now with a progress bar; None (and a message) if they
    cannot be loaded. A failure is remembered for this visitor until "Try again"."""
    source = gpt2_source()
    loaded, failure = cache.gpt2_tables().get(source), None
    if loaded is None:
        remembered = st.session_state.get(GPT2_ERROR)
        failure = remembered[1] if remembered is not None and remembered[0] == source else None
        if failure is None:
            loaded, failure = load_with_progress(source)
    if failure is not None:
        st.warning(t("gpt2.unavailable", message=md_literal(failure)), icon=":material/cloud_off:")
        st.button(t("gpt2.retry"), on_click=_forget_error, icon=":material/refresh:")
        return None
    st.caption(t("gpt2.source", source=md_literal(loaded.embeddings.source)))
    return loaded


def load_with_progress(source: tuple[str | None, str]) -> tuple[LoadedGpt2 | None, str | None]:
    """Load GPT-2's tables with a progress bar, one load at a time per server: a run that finds another
    load going on (maybe the one its own click interrupted) waits for it and takes its result.
    Returns the tables or the reason they could not be loaded."""
    registry, lock = cache.gpt2_tables(), cache.gpt2_lock()
    bar = st.progress(0.0, text=t("gpt2.loading"))
    guard, loading = Interruptible(), t("gpt2.loading_mb")  # no t() while loading: see train_live

    def on_progress(done: int, total: int) -> None:
        if guard.due("progress", PROGRESS_SECONDS, force=done >= total):
            text = loading.format(done=done / 1e6, total=total / 1e6)
            guard.draw(lambda: bar.progress(min(done / max(total, 1), 1.0), text=text))

    loaded, failure = None, None
    with lock:
        try:
            loaded = registry.get(source)
            if loaded is None:
                endpoint, cache_dir = source
                with reserved(GPT2_LOAD_BYTES, "GPT-2's tables"):  # refused: a message
                    loaded = loaded_gpt2(
                        load_with_ranges(endpoint=endpoint, cache_dir=cache_dir, on_progress=on_progress)
                    )
                registry.put(source, loaded)
        except EmbedvizError as error:  # PretrainedUnavailableError: no network, offline, a bad file
            failure = str(error)
    guard.finish()
    if failure is not None:
        st.session_state[GPT2_ERROR] = (source, failure)
    bar.empty()
    return loaded, failure


def compare(settings: Settings, sentence: EmbeddingResult, loaded: LoadedGpt2, index: int) -> None:
    """Random tables of GPT-2's size (the page's seed) left, GPT-2's trained tables right."""
    positions = loaded.embeddings.position_embeddings.shape[0]
    random_spec = replace(train_spec(settings), dim=loaded.width, context_length=positions)
    try:
        random, random_projection = cache.random_side(random_spec, settings.text)
    except EmbedvizError as error:
        st.error(str(error))
        return
    trained = pretrained_result(random, loaded.embeddings)
    trained_projection = project(trained.token_vectors, trained.position_vectors, trained.input_embeddings)
    token_id = sentence.token_ids[index]
    st.markdown(t("gpt2.compare", dim=loaded.width, seed=settings.seed, positions=positions))
    sides = (
        ("random", random, random_projection, cache.neighbours_of(random_spec, token_id)),
        (
            "gpt2",
            trained,
            trained_projection,
            cache.gpt2_neighbours(gpt2_source(), token_id, loaded.embeddings.token_embeddings),
        ),
    )
    curves = (cache.random_curve(random_spec), loaded.curve)
    texts = {"dim": loaded.width, "seed": settings.seed, "token": quoted(sentence.tokens[index].display)}
    for column, side, curve in zip(st.columns(2, gap="large"), sides, curves, strict=True):
        with column:
            draw_side(settings, *side, curve, texts)


def draw_side(
    settings: Settings,
    name: str,
    result: EmbeddingResult,
    projection: Projection,
    found: list[tuple[int, float]],
    curve: PositionCurve,
    texts: dict,
) -> None:
    """One side of the comparison: the sentence in 3D, the token's neighbours, the position curve."""
    title = t(f"gpt2.side.{name}", dim=texts["dim"], seed=texts["seed"])
    st.markdown(f"#### {title}")
    figure = space3d.figure_for(result, projection, settings.camera)
    figure.update_layout(height=520)
    plotly_host(with_point_ids(figure, space_point_ids(result.token_ids)), key=f"gpt2_space_{name}")
    st.markdown(t("gpt2.nb", token=texts["token"]))
    neighbours_table(st, found[: settings.k], f"gpt2_nb_{name}")
    st.markdown(t("gpt2.curve_title", n=len(curve.points)))
    figure = curve_figure(curve, {"name": title, "position": t("space.pos")}, camera=settings.camera)
    plotly_host(figure, key=f"gpt2_curve_{name}")  # the host fits its camera and text to a phone
    st.caption(t(f"gpt2.curve.{name}"))
