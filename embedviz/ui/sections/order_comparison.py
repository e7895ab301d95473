"""Word order, the comparison: one 3D plot of both sentences and their cosine similarities.

One PCA is fitted on both sentences' token and input embeddings, so their points share one space. The
table pairs each token of sentence A with the same token in sentence B and gives the cosine of their
token vectors (the same id looks up the same row) and of their input vectors (where position vectors
are added, a token at another position gets another input vector); one mean sums it up for the whole
sentences.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from embedviz.compare import mean_cosine, pair_positions, same_bag, shared_projections
from embedviz.cosine import cosine
from embedviz.embeddings import EmbeddingResult
from embedviz.figures.word_order import NAMES, compare_figure
from embedviz.ui.i18n import md_literal, number, t
from embedviz.ui.plotly_host import plotly_host
from embedviz.ui.sections import space3d
from embedviz.ui.sections.order_sentences import Pair
from embedviz.ui.state import Settings
from embedviz.ui.tables import decimal_columns


def cosine_frame(a: EmbeddingResult, b: EmbeddingResult) -> pd.DataFrame:
    """One row per paired token: text, cosine of the token and of the input vectors, both positions, id
    (the cosines first, so that a phone shows them without scrolling sideways)."""
    rows = [
        {
            t("order.col.token"): a.tokens[i].display,
            t("order.col.token_cos"): float(cosine(a.token_vectors[i], b.token_vectors[j])),
            t("order.col.input_cos"): float(cosine(a.input_embeddings[i], b.input_embeddings[j])),
            t("order.col.pos_a"): i,
            t("order.col.pos_b"): j,
            t("order.col.id"): a.token_ids[i],
        }
        for i, j in pair_positions(a.token_ids, b.token_ids)
    ]
    return pd.DataFrame(rows)


def _shown(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, object]]:
    """Cosines with 4 decimals in the page's number format, positions and ids narrow."""
    cosines = [t(f"order.col.{name}") for name in ("token_cos", "input_cos")]
    frame, config = decimal_columns(frame, columns=cosines)
    for name in ("pos_a", "pos_b", "id"):
        config[t(f"order.col.{name}")] = st.column_config.NumberColumn(width="small")
    return frame, config


def render(pair: Pair, settings: Settings) -> None:
    """The 3D plot and the cosine table."""
    if settings.positional == "none" and same_bag(pair.a, pair.b):
        st.info(t("order.same_bag", a=md_literal(settings.compare_a), b=md_literal(settings.compare_b)))
    st.subheader(t("order.plot.title"))
    st.markdown(t("order.plot.intro"))
    plotly_host(figure_of(pair), key="order-3d")  # the host fits its camera and text to a phone
    st.subheader(t("order.table.title"))
    st.markdown(t("order.table.intro"))
    frame = cosine_frame(pair.a, pair.b)
    if frame.empty:
        st.info(t("order.no_pairs"))
    else:
        frame, config = _shown(frame)
        st.dataframe(frame, hide_index=True, key="order-cosines", column_config=config)
    st.metric(t("order.mean"), number(mean_cosine(pair.a, pair.b), 4, grouped=False))
    if same_bag(pair.a, pair.b) and pair.a.token_ids != pair.b.token_ids and settings.positional != "none":
        st.caption(t("order.mean_same"))


def figure_of(pair: Pair) -> go.Figure:
    """The shared 3D figure of the pair, with the legend and hover texts in the page's language."""
    texts = {"pos": t("order.pos")}
    for name in NAMES:
        for kind in ("token", "input", "arrow"):
            texts[f"{kind}.{name}"] = t(f"order.legend.{kind}", name=name)
    projections = shared_projections(pair.a, pair.b)
    titles = space3d.axis_titles(projections[0].explained_variance_ratio)
    return compare_figure(pair.a, pair.b, projections, texts, axis_titles=titles)
