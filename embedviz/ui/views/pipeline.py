"""View "pipeline": the seed document's pipeline, one section per stage.

Normally all five sections in the seed's order (tokens, token vectors, position vectors, their sum, the 3D
view), then the extras: nearest neighbours and "reproduce and export". In presenter mode a slide: the step
bar, the sentence in one line, and the current stage alone (see :mod:`embedviz.ui.presenter`).

The sentence box is a one-line ``st.text_input`` with ``live=``: it commits after a short pause in the
typing, so the tokens and the 3D view follow the typing without Enter. Streamlit 1.67's ``st.text_area``
has no ``live=``. The pause, :data:`LIVE_PAUSE`, was measured (issue 13): 250 ms commits about once per
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
from embedviz.ui import cache, presenter, state
from embedviz.ui.i18n import t
from embedviz.ui.sections import neighbours, reproduce, space3d, tokens, vectors

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


def tokens_section(settings: state.Settings, outcome: cache.Outcome) -> None:
    """Section 1, and the error that stops the pipeline (too long, too many tokens), if any."""
    tokens.render(
        settings.text, outcome.tokens, settings.encoding, outcome.error if outcome.tokens is None else None
    )
    if outcome.tokens is not None and outcome.error:
        st.error(outcome.error)


def render(settings: state.Settings) -> None:
    """Draw the pipeline view for the page's settings."""
    if settings.presenter:
        render_slide(settings)
        return
    sentence_box()
    outcome = cache.run(settings)
    tokens_section(settings, outcome)
    if outcome.result is None or not outcome.result.n_tokens:
        return
    result = outcome.result
    vectors.show_all_dims_toggle()
    vectors.render_token(result, settings.all_dims)
    vectors.render_position(result, settings.all_dims)
    vectors.render_sum(result, settings.all_dims)
    space3d.render(result, cache.projection_of(settings.spec, settings.text, settings.fit), settings.camera)
    neighbours.render(settings, result)
    reproduce.render(settings, result)


def render_slide(settings: state.Settings) -> None:
    """Presenter mode: the step bar with the sentence, then the current stage alone."""
    with presenter.step_bar(settings.step):
        sentence_box(compact=True)
    outcome = cache.run(settings)
    stage = presenter.STAGES[settings.step]
    if stage == "tokens" or outcome.result is None or not outcome.result.n_tokens:
        tokens_section(settings, outcome)  # also, on any slide, why there is nothing else to show
        return
    result = outcome.result
    if stage == "token":
        vectors.render_token(result, settings.all_dims)
    elif stage == "position":
        vectors.render_position(result, settings.all_dims)
    elif stage == "input":
        vectors.render_sum(result, settings.all_dims)
    else:
        projection = cache.projection_of(settings.spec, settings.text, settings.fit)
        space3d.render(result, projection, settings.camera, presenter.MARKER_SCALE, height=None)
