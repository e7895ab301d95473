"""embedviz: see how a language model turns a sentence into vectors.

Run with ``streamlit run app.py``. The main view follows the seed document's pipeline, one section per
stage: tokens, token embeddings, position embeddings, their sum, and the 3D view. Other views hold the
seed's worked examples, batches, word order and training.
"""

import os

# Before torch is imported: idle OpenMP threads sleep instead of spinning. On a 2-core box shared by many
# visitors, spinning threads made training 6x slower (67 s -> 10 s measured, docs/performance.md).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import streamlit as st

from embedviz.tokenizer import MAX_CHARS
from embedviz.ui import (
    batches,
    controls,
    neighbours,
    pipeline,
    presenter,
    reproduce,
    space3d,
    state,
    tokens,
    toy,
    train,
    vectors,
    word_order,
)
from embedviz.ui.i18n import md_code, t
from embedviz.ui.startup import tune_process

tune_process()  # once per server process: see embedviz/ui/startup.py


def pipeline_view(settings: state.Settings) -> None:
    """Sections 1-5 in the seed's order (in presenter mode, up to the current step), then extras."""
    shown = presenter.STAGES.index("space") if not settings.presenter else settings.step
    if settings.presenter:
        presenter.step_bar(settings.step)
    st.text_area(t("app.sentence"), key="text", height=90, help=t("app.sentence_help", max_chars=MAX_CHARS))
    if not state.fits_in_link(settings.text):
        st.caption(t("app.not_in_link"))
    outcome = pipeline.run(settings)
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
        projection = pipeline.projection_of(pipeline.model_settings(settings))
        scale = presenter.MARKER_SCALE if settings.presenter else 1.0
        space3d.render(result, projection, settings.camera, scale)
    if not settings.presenter:
        neighbours.render(settings, result)
        reproduce.render(settings, result)


st.set_page_config(page_title="embedviz", page_icon="🧮", layout="wide")
settings, notices = state.load()
controls.sidebar(settings.presenter)
if settings.presenter:
    presenter.apply_style()
st.title(t("app.title"))
st.markdown(t("app.subtitle"))
for notice in notices:
    st.warning(t("app.notice", notice=md_code(notice)), icon="⚠️")  # a link is untrusted text
st.segmented_control(
    t("view.label"), state.VIEWS, key="view", required=True, format_func=lambda v: t(f"view.{v}")
)
{
    "pipeline": pipeline_view,
    "seed": toy.render,
    "batches": batches.render,
    "order": word_order.render,
    "train": train.render,
}[settings.view](settings)
state.save()
