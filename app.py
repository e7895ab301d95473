"""embedviz: see how a language model turns a sentence into vectors.

Run with ``streamlit run app.py``. The page follows the seed document's pipeline, one section per stage:
tokens, token embeddings, position embeddings, their sum, and the 3D view.
"""

import streamlit as st

from embedviz.tokenizer import MAX_CHARS
from embedviz.ui import controls, pipeline, space3d, state, tokens, vectors
from embedviz.ui.i18n import t

st.set_page_config(page_title="embedviz", page_icon="🧮", layout="wide")
settings, notices = state.load()
controls.sidebar()

st.title(t("app.title"))
st.markdown(t("app.subtitle"))
for notice in notices:
    st.warning(t("app.notice", notice=notice), icon="⚠️")
st.text_area(t("app.sentence"), key="text", height=90, help=t("app.sentence_help", max_chars=MAX_CHARS))

outcome = pipeline.run(settings)
tokens.render(
    settings.text, outcome.tokens, settings.encoding, outcome.error if outcome.tokens is None else None
)
if outcome.tokens is not None and outcome.error:
    st.error(outcome.error)
elif outcome.result is not None and outcome.result.n_tokens:
    vectors.show_all_dims_toggle()
    vectors.render_token(outcome.result, settings.all_dims)
    vectors.render_position(outcome.result, settings.all_dims)
    vectors.render_sum(outcome.result, settings.all_dims)
    projection = pipeline.projection_of(pipeline.model_settings(settings))
    space3d.render(outcome.result, projection, settings.camera)

state.save()
