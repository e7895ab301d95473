"""View "pipeline": the seed document's pipeline, one section per stage.

The stages are :data:`embedviz.ui.stages.STAGES`, drawn in their order: tokens, token vectors, position
vectors, their sum, the 3D view, then what helps to read them (the cosines of the input embeddings, the
nearest neighbours, "reproduce and export"). When the sentence has no embeddings (an error, or no
tokens) the tokens stage is drawn alone. In presenter mode a slide: the step bar, the sentence in one
line, and the current slide's stage alone (see :mod:`embedviz.ui.presenter`).

The sentence box is a one-line ``st.text_input`` with ``live=``: it commits after a short pause in the
typing, so the tokens and the 3D view follow the typing without Enter. Streamlit 1.67's ``st.text_area``
has no ``live=``. The pause, :data:`LIVE_PAUSE`, was chosen by typing tests: 250 ms commits about once per
word at 110 ms per key (11 runs for the default sentence), 150 ms twice as often, 400 ms waits longer.

Known limit, the browser's history: every committed sentence changes the link (``state.save`` ->
``st.query_params``), and Streamlit 1.67's frontend *pushes* a history entry for every query-string change
the script makes (``handlePageInfoChanged`` in its bundle: ``pushState``, ``replaceState`` only while it
replays a Back/Forward). Only widgets bound with ``bind="query-params"`` update the URL with
``replaceState`` (``updateUrlParam``). Measured: a five-word sentence typed with a pause after each word
left five history entries. Binding ``text`` would avoid them but gives up what ``state.py`` explains (an
over-long sentence kept out of the link, the sentence kept in the link on the other views), so it is not
done here.
"""

from __future__ import annotations

import streamlit as st

from embedviz.tokenizer import MAX_CHARS
from embedviz.ui import cache, presenter, stages, state
from embedviz.ui.i18n import t
from embedviz.ui.pipeline_run import PipelineRun

LIVE_PAUSE = "250ms"


def sentence_box(*, compact: bool = False) -> None:
    """The sentence, committed after a pause in the typing (or Enter, or leaving the box)."""
    st.text_input(
        t("app.sentence"),
        key="text",
        live=LIVE_PAUSE,
        help=t("app.sentence_help_live", max_chars=MAX_CHARS),
        label_visibility="collapsed" if compact else "visible",
    )
    if not state.fits_in_link(st.session_state["text"]):
        st.caption(t("app.not_in_link"))


def render(settings: state.Settings) -> None:
    """Draw the pipeline view for the page's settings."""
    if settings.presenter:
        render_slide(settings)
        return
    sentence_box()
    run = PipelineRun(settings, cache.run(settings))
    for stage in stages.STAGES if run.embedded else stages.STAGES[:1]:
        stage.draw()(run)


def render_slide(settings: state.Settings) -> None:
    """Presenter mode: the step bar with the sentence, then the current slide's stage alone (the tokens,
    which say why, when there is nothing else to show)."""
    with presenter.step_bar(settings.step):
        sentence_box(compact=True)
    run = PipelineRun(settings, cache.run(settings), slide=True)
    stage = stages.slides()[settings.step] if run.embedded else stages.STAGES[0]
    stage.draw()(run)
