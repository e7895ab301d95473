"""The followers' page of a class: the teacher's pipeline, built once per change and language for every
student who follows.

A following student's browser does not rerun its script for each of the teacher's changes (sixty reruns of
a whole page are seconds of one interpreter). Its page holds one element, :mod:`embedviz.ui.room_mirror`,
that asks the server for :func:`snapshot`'s answer and draws it: the teacher's sentence and settings, the
token chips, and the charts of the pipeline view (on a slide, the slide's stage alone). The charts are the
very figures the teacher's page sends (:func:`embedviz.ui.plotly_host.host_data` with the same ``shared``
keys), so a follower's chart is the teacher's chart, in the follower's language.

What the element cannot draw makes the page rerun once: another view of the teacher, an open check
question, the board's lock (:func:`page_key`: the page knows the key it was drawn for and reruns when the
room's differs).

Everything here runs without a visitor's session (the web server's worker threads): the language comes
from :func:`embedviz.ui.i18n.speaking`, never from ``st.session_state``. Every piece of text in the HTML
goes through ``html.escape``; the sentence is untrusted.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from embedviz.cosine import cosine_matrix
from embedviz.errors import EmbedvizError
from embedviz.rooms import Room
from embedviz.ui import cache, stages, state
from embedviz.ui.chart_text import cosines_text, heatmap_text, space_text
from embedviz.ui.error_text import error_text
from embedviz.ui.i18n import number, speaking, t, t_plural
from embedviz.ui.pipeline_run import PipelineRun
from embedviz.ui.plotly_host import host_data

#: The one view the followers' page draws itself; any other makes a following page rerun as a whole.
MIRRORED_VIEW = "pipeline"
#: A chart's text alternative: visually hidden by room_mirror.css (not ``ev-sr-only``, whose rule in
#: embedviz/ui/style.py takes its whole element container, here the whole page, out of the flow).
SCREEN_READER = "ev-mirror-sr"


@dataclass(frozen=True)
class Chart:
    """One chart of the followers' page: what :func:`~embedviz.ui.plotly_host.host_data` needs."""

    key: str
    figure: Callable[[], Any]
    shared: Hashable
    camera_revision: str | None = None


def settings_of(room_state: Mapping[str, str], lang: str) -> state.Settings:
    """The teacher's settings from the room's state (measured against the English defaults, see
    :func:`embedviz.ui.classroom.shared`), in the follower's language: equal to the teacher's own
    settings when the languages match, so the charts the teacher's page built are found again."""
    settings, _ = state.parse(room_state)
    return replace(settings, lang="de" if lang == "de" else "en")


def mirrored(room_state: Mapping[str, str]) -> bool:
    """Whether a follower's page shows this state through the element (the pipeline view)."""
    return room_state.get("view", state.DEFAULTS.view) == MIRRORED_VIEW


def page_key(room: Room, room_state: Mapping[str, str] | None = None) -> str:
    """What a following page is drawn for besides the pipeline: the view kind, the open question (whose
    text is computed from the teacher's sentence) and the board's lock. A different key: rerun.
    ``room_state``: the state the page was drawn from (default: the room's now)."""
    room_state = dict(room.state if room_state is None else room_state)
    return json.dumps(
        {
            "mirrored": mirrored(room_state),
            "question": room.question,
            "revealed": room.revealed,
            "locked": room.locked,
            "state": room_state if room.question is not None else None,
        },
        sort_keys=True,
    )


def _stages(run: PipelineRun) -> list[stages.Stage]:
    if not run.embedded:
        return [stages.STAGES[0]]
    if run.slide:
        return [stages.slides()[run.settings.step]]
    return [stage for stage in stages.STAGES if stage.slide]


def _chart(run: PipelineRun, key: str) -> Chart | None:
    """The stage's chart as the section draws it (same key, same ``shared``), or None (the tokens)."""
    from embedviz.ui.sections import cosines, space3d, vectors  # the sections import Streamlit widgets

    if key in vectors.STAGE_VALUES:
        return Chart(f"heatmap-{key}", lambda: vectors.stage_heatmap(run, key), run.settings)
    if key == "space":
        shared = (run.settings, run.slide)
        return Chart(space3d.CHART_KEY, lambda: space3d.space_figure_of(run), shared, run.settings.camera)
    if key == "cosines":
        return Chart(cosines.CHART_KEY, lambda: cosines.cosines_figure(run), run.settings)
    return None


def _chart_text(run: PipelineRun, key: str) -> str:
    """The chart's text alternative, as its section writes it (:mod:`embedviz.ui.chart_text`)."""
    from embedviz.ui.sections import cosines, vectors

    result = run.result
    if key in vectors.STAGE_VALUES:
        values = getattr(result, vectors.STAGE_VALUES[key]).numpy()
        return heatmap_text(t(f"space.legend.{key}"), values, every_number=None)
    if key == "space":
        return space_text(run.projection, result.n_tokens, result.dim, run.settings.fit)
    return cosines_text(cosine_matrix(result.input_embeddings[: cosines.shown_rows(run)]).numpy())


def _text(tag: str, text: str, css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    return f"<{tag}{cls}>{html.escape(text)}</{tag}>"


def _settings_line(settings: state.Settings) -> str:
    parts = [
        t(f"controls.encoding.{settings.encoding}"),
        f"{t('controls.dim')}: {number(settings.dim)}",
        f"{t('controls.seed')}: {settings.seed}",
        f"{t('controls.positional')}: {t(f'controls.positional.{settings.positional}')}",
        f"{t('controls.context_length')}: {number(settings.context_length)}",
    ]
    return " · ".join(parts)


def _tokens_html(run: PipelineRun) -> str:
    from embedviz.ui.sections.tokens import MAX_CHIPS, chips_html  # Streamlit widgets, see _chart

    tokens, error = run.outcome.tokens, run.outcome.error
    if tokens is None:
        return _text("p", error or "", "ev-mirror-error")
    counts = t(
        "tokens.counts",
        chars=t_plural("count.character", len(run.settings.text)),
        tokens=t_plural("count.token", len(tokens)),
    )
    parts = [_text("p", counts, "ev-mirror-counts"), chips_html(tokens[:MAX_CHIPS])]
    if len(tokens) > MAX_CHIPS:
        parts.append(
            _text(
                "p", t("tokens.too_many_chips.alone", shown=MAX_CHIPS, total=len(tokens)), "ev-mirror-caption"
            )
        )
    if error:
        parts.append(_text("p", error, "ev-mirror-error"))
    return "".join(parts)


def blocks(room_state: Mapping[str, str], lang: str) -> list[dict[str, Any]]:
    """The followers' page for ``room_state`` in ``lang``, as the element draws it, top to bottom: HTML
    blocks (``{"html": ...}``) and charts (``{"chart": key, "data": ...}``, the Plotly host's data)."""
    with speaking(lang):
        settings = settings_of(room_state, lang)
        run = PipelineRun(settings, cache.run(settings), slide=settings.presenter)
        head = [
            _text("p", settings.text, "ev-mirror-sentence"),
            _text("p", _settings_line(settings), "ev-mirror-settings"),
        ]
        if settings.presenter:
            slides = stages.slides()
            step = t("presenter.step", step=settings.step + 1, total=len(slides))
            head.append(
                _text("p", f"{step} {t(f'presenter.stage.{slides[settings.step].key}')}", "ev-mirror-step")
            )
        out: list[dict[str, Any]] = [{"key": "head", "html": "".join(head)}]
        for stage in _stages(run):
            heading = _text("h3", stages.heading(stage.key))
            if stage.key == "tokens":
                out.append({"key": "tokens", "html": heading + _tokens_html(run)})
                continue
            chart = _chart(run, stage.key)
            if chart is None:
                continue
            if stage.key in ("token", "position", "input"):
                n, dim = run.result.n_tokens, run.result.dim
                heading += _text("p", t("vectors.shape", n=n, dim=dim), "ev-mirror-caption")
            heading += _text("p", _chart_text(run, stage.key), SCREEN_READER)  # read, not shown
            out.append({"key": f"{stage.key}-title", "html": heading})
            data = host_data(
                chart.figure, key=chart.key, shared=chart.shared, camera_revision=chart.camera_revision
            )
            out.append({"key": chart.key, "chart": chart.key, "data": data})
        return out


def snapshot(room: Room, lang: str) -> tuple[int, dict[str, Any]]:
    """The room's followers' page now, ``(follow_version, answer)``: the answer the page route sends."""
    version, room_state = room.published()
    answer: dict[str, Any] = {"version": version, "pageKey": page_key(room, room_state), "lang": lang}
    if not mirrored(room_state):
        answer["blocks"] = []
        return version, answer
    try:
        answer["blocks"] = blocks(room_state, lang)
    except EmbedvizError as error:  # the memory budget ran short, a vocabulary could not load: say so
        with speaking(lang):
            answer["blocks"] = [{"key": "error", "html": _text("p", error_text(error), "ev-mirror-error")}]
    return version, answer


__all__ = ["MIRRORED_VIEW", "blocks", "mirrored", "page_key", "settings_of", "snapshot"]
