"""The nearest neighbours stage: the vocabulary tokens whose vectors point most like the selected token's.

For the token chosen under the input embeddings, the ``k`` rows of the token table that point in the most
similar direction (cosine similarity), found by :func:`embedviz.neighbours.nearest_neighbours` with one
matrix-vector product over all 50,257 rows. Before training the table is random, so the neighbours are
arbitrary and their cosines small: the section says why.

The search runs once per (table, token id) in :func:`embedviz.ui.cache.neighbours_of`: a warm rerun or
a move of the k slider costs nothing.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from embedviz.embeddings import EmbeddingResult
from embedviz.tokenizer import display_text, get_encoding
from embedviz.ui import cache
from embedviz.ui.i18n import md_literal, t, t_plural
from embedviz.ui.lazy import on_demand
from embedviz.ui.pipeline_run import PipelineRun
from embedviz.ui.stages import heading, number
from embedviz.ui.state import RULES, Settings
from embedviz.ui.tables import decimal_columns

K_RANGE = RULES["k"]


def token_text(encoding: str, token_id: int) -> str:
    """A vocabulary token made visible (␣ for a space, <F0 9F> for byte fragments)."""
    try:
        return display_text(get_encoding(encoding).decode_single_token_bytes(token_id))
    except KeyError:  # ids that some encodings leave unused
        return t("nb.unused")


def neighbours_frame(encoding: str, neighbours: list[tuple[int, float]]) -> pd.DataFrame:
    """Rank, token text, id and cosine of each neighbour, best first."""
    return pd.DataFrame(
        {
            t("nb.col.rank"): range(1, len(neighbours) + 1),
            t("nb.col.token"): [token_text(encoding, token_id) for token_id, _ in neighbours],
            t("nb.col.id"): [token_id for token_id, _ in neighbours],
            t("nb.col.cosine"): [round(similarity, 4) for _, similarity in neighbours],
        }
    )


def neighbours_table(where, encoding: str, neighbours: list[tuple[int, float]], key: str) -> None:
    """The neighbours as a table in ``where``: rank, token, id and cosine (4 places, in the page's
    number format)."""
    frame, config = decimal_columns(neighbours_frame(encoding, neighbours), columns=[t("nb.col.cosine")])
    where.dataframe(
        frame,
        hide_index=True,
        key=key,
        column_config={t("nb.col.rank"): st.column_config.NumberColumn(width="small"), **config},
    )


def selected_index(settings: Settings, result: EmbeddingResult) -> int:
    """The token chosen under the input embeddings, as that section shows it (a stale index out of range
    is 0 there)."""
    index = st.session_state.get("token", settings.token)
    return index if 0 <= index < result.n_tokens else 0


def render(run: PipelineRun) -> None:
    """Draw the nearest neighbours of the selected token (searched only while the section is open)."""
    settings, result = run.settings, run.result
    st.header(heading("neighbours"), anchor="neighbours")
    token = result.tokens[selected_index(settings, result)]
    st.markdown(t("nb.intro", token=md_literal(token.display), id=token.id, section=number("input")))
    section = on_demand(t("nb.show"), key="open-neighbours", icon=":material/hub:")
    if section is None:  # closed: no search over the vocabulary on this rerun
        return
    left, right = section.columns([3, 2], gap="large")
    k = left.slider(t("nb.k"), *K_RANGE, key="k")
    neighbours = cache.neighbours_of(settings.spec, token.id)[:k]
    neighbours_table(left, settings.encoding, neighbours, "neighbours")
    others = get_encoding(settings.encoding).n_vocab - 1
    right.info(random_text(result.dim, others), icon=":material/casino:")


#: From this many dimensions on, random vectors are "almost at right angles": their cosines spread by
#: 1/√dim <= 0.18 around 0 (an angle of 90° ± 10°). Below it the sentence says the opposite.
MANY_DIMS = 32


def random_text(dim: int, others: int) -> str:
    """Why an untrained table's neighbours are random, true for ``dim``: at 1 dimension every cosine is
    ±1; with few dimensions chance neighbours point almost the same way; with many they are almost at
    right angles."""
    if dim == 1:
        return t("nb.random.dim1")
    key = "nb.random" if dim >= MANY_DIMS else "nb.random.few"
    return t(key, dim=dim, dims=t_plural("count.dimension", dim), spread=1 / math.sqrt(dim), others=others)
