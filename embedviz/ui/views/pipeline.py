"""View "pipeline": the seed document's pipeline, one section per stage.

Sections 1-5 in the seed's order (tokens, token vectors, position vectors, their sum, the 3D view); in
presenter mode only up to the current step. Then the extras: nearest neighbours and "reproduce and export".
"""

from __future__ import annotations

import streamlit as st

from embedviz.tokenizer import MAX_CHARS
from embedviz.ui import cache, presenter, state
from embedviz.ui.i18n import t
from embedviz.ui.sections import neighbours, reproduce, space3d, tokens, vectors


def render(settings: state.Settings) -> None:
    """Draw the pipeline view for the page's settings."""
    shown = presenter.STAGES.index("space") if not settings.presenter else settings.step
    if settings.presenter:
        presenter.step_bar(settings.step)
    st.text_area(t("app.sentence"), key="text", height=90, help=t("app.sentence_help", max_chars=MAX_CHARS))
    if not state.fits_in_link(settings.text):
        st.caption(t("app.not_in_link"))
    outcome = cache.run(settings)
    tokens.render(
        settings.text, outcome.tokens, settings.encoding, outcome.error if outcome.tokens is None else None
    )
    if outcome.tokens is not None and outcome.error:
        st.error(outcome.error)
    if outcome.result is None or not outcome.result.n_tokens or shown < 1:
        return
    result = outcome.result
    if not settings.presenter:
        vectors.show_all_dims_toggle()
    vectors.render_token(result, settings.all_dims)
    if shown >= 2:
        vectors.render_position(result, settings.all_dims)
    if shown >= 3:
        vectors.render_sum(result, settings.all_dims)
    if shown >= 4:
        projection = cache.projection_of(settings.spec, settings.text, settings.fit)
        scale = presenter.MARKER_SCALE if settings.presenter else 1.0
        space3d.render(result, projection, settings.camera, scale)
    if not settings.presenter:
        neighbours.render(settings, result)
        reproduce.render(settings, result)
