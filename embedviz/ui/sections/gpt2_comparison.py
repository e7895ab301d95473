"""Training & GPT-2, section 2: GPT-2's trained embeddings next to random ones.

With ``tables=gpt2``, GPT-2 small's ``wte`` and ``wpe`` are read once per server
(:mod:`embedviz.ui.gpt2_loading`) and shown beside random tables of the same size drawn with the page's
seed: the sentence in 3D, the selected token's nearest neighbours, and the curve the position vectors
make.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from embedviz.embeddings import EmbeddingResult
from embedviz.errors import EmbedvizError
from embedviz.figures.training import curve_figure
from embedviz.pretrained import LoadedGpt2, PositionCurve, gpt2_source, pretrained_result
from embedviz.projection import Projection, project
from embedviz.ui import cache
from embedviz.ui.error_text import error_text
from embedviz.ui.gpt2_loading import load_gpt2
from embedviz.ui.i18n import t
from embedviz.ui.plotly_host import plotly_host, space_point_ids, with_point_ids
from embedviz.ui.sections import space3d
from embedviz.ui.sections.train_run import neighbours_table, quoted
from embedviz.ui.sections.train_sentence import train_spec
from embedviz.ui.state import TABLES, Settings


def render(settings: Settings, sentence: EmbeddingResult, index: int) -> None:
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


def compare(settings: Settings, sentence: EmbeddingResult, loaded: LoadedGpt2, index: int) -> None:
    """Random tables of GPT-2's size (the page's seed) left, GPT-2's trained tables right."""
    positions = loaded.embeddings.position_embeddings.shape[0]
    random_spec = replace(train_spec(settings), dim=loaded.width, context_length=positions)
    try:
        random, random_projection = cache.random_side(random_spec, settings.text)
    except EmbedvizError as error:
        st.error(error_text(error))
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
    figure = curve_figure(
        curve,
        {"name": title, "position": t("space.pos")},
        camera=settings.camera,
        axis_titles=space3d.axis_titles(curve.ratio),
    )
    plotly_host(figure, key=f"gpt2_curve_{name}")  # the host fits its camera and text to a phone
    st.caption(t(f"gpt2.curve.{name}"))
