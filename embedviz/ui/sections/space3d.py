"""The 3D view stage: token vectors, position vectors and input embeddings in one 3D PCA space (Plotly)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import streamlit as st

from embedviz.embeddings import EmbeddingResult
from embedviz.figures.space import MAX_LABELLED_TOKENS, space_figure, space_figure_dict
from embedviz.figures.spec import FigureDict
from embedviz.figures.style import CAMERAS
from embedviz.projection import N_COMPONENTS, Projection
from embedviz.ui.chart_text import describe, space_text
from embedviz.ui.i18n import md_literal, percent, t, t_plural
from embedviz.ui.pipeline_run import PipelineRun
from embedviz.ui.plotly_host import plotly_host, space_point_ids, with_point_ids
from embedviz.ui.presenter import MARKER_SCALE
from embedviz.ui.stages import heading
from embedviz.ui.state import FITS

HOVER_VALUES = 3
CHART_KEY = "space3d"


def legend_names() -> dict[str, str]:
    """Legend and hover words of the 3D view, in the current language."""
    names = {kind: t(f"space.legend.{kind}") for kind in ("token", "position", "input", "arrow")}
    names["pos"] = t("space.pos")
    names["id"] = t("tokens.id")
    return names


def axis_titles(ratio: Sequence[float]) -> list[str]:
    """The 3D axes' titles with the share of the variance each keeps (``ratio``), as the page writes
    percentages: "PC1 (18.5%)", „PC1 (18,5 %)“."""
    return [f"PC{i + 1} ({percent(float(r))})" for i, r in enumerate(ratio)]


def figure_for(
    result: EmbeddingResult,
    projection: Projection,
    camera: str,
    marker_scale: float = 1.0,
    names: dict[str, str] | None = None,
    height: int | None = 640,
    *,
    as_dict: bool = False,
):
    """The 3D figure for a result (a ``go.Figure``, or with ``as_dict`` the figure dict the page sends).
    Pass ``names`` (from :func:`legend_names`) to build it outside a Streamlit run, e.g. when a download
    button asks for the file."""
    first = {
        "token": result.token_vectors[:, :HOVER_VALUES].numpy(),
        "position": result.position_vectors[:, :HOVER_VALUES].numpy(),
        "input": result.input_embeddings[:, :HOVER_VALUES].numpy(),
    }
    build = space_figure_dict if as_dict else space_figure
    return build(
        projection,
        [token.display for token in result.tokens],
        result.token_ids,
        first,
        names or legend_names(),
        camera=camera,
        marker_scale=marker_scale,
        height=height,
        axis_titles=axis_titles(projection.explained_variance_ratio),
    )


def render(run: PipelineRun) -> None:
    """Draw the 3D view: 640 px high on the page; on a slide, bigger points in a chart as high as the
    presenter's CSS makes its box."""
    result, projection, camera = run.result, run.projection, run.settings.camera
    st.header(heading("space"), anchor="space")
    st.markdown(t("space.intro", dim=result.dim))
    left, right = st.columns(2)
    left.radio(t("space.fit"), FITS, key="fit", horizontal=True, format_func=lambda f: t(f"space.fit.{f}"))
    right.segmented_control(
        t("space.camera"),
        list(CAMERAS),
        key="camera",
        required=True,
        format_func=lambda c: t(f"space.camera.{c}"),
        wrap=True,  # in a column Streamlit keeps one row that scrolls: on a phone "from the side" was cut
    )
    fit = st.session_state.get("fit", "sentence")
    describe(space_text(projection, result.n_tokens, result.dim, fit))

    plotly_host(
        lambda: space_figure_of(run), key=CHART_KEY, shared=(run.settings, run.slide), camera_revision=camera
    )
    st.caption(variance_text(projection, result, fit))
    exact = projection.points_share > 1 - 1e-9  # 3 or fewer directions: nothing is lost
    st.caption(t("space.reading.exact" if exact else "space.reading", dim=result.dim))
    if projection.n_real_components < N_COMPONENTS:
        st.info(
            t(
                "space.padded",
                directions=t_plural("count.direction", projection.n_real_components),
                padded=N_COMPONENTS - projection.n_real_components,
            )
        )
    counts = Counter(token.display for token in result.tokens)
    repeated = [f"{text} ×{count}" for text, count in counts.items() if count > 1]
    if repeated:
        key = "space.repeated.none" if result.positional == "none" else "space.repeated"
        st.caption(t(key, repeated=md_literal(", ".join(repeated[:5]))))
    if result.n_tokens > MAX_LABELLED_TOKENS:
        st.caption(t("space.unlabelled", max=MAX_LABELLED_TOKENS))


def space_figure_of(run: PipelineRun) -> FigureDict:
    """The 3D view's figure for ``run``: 640 px high on the page; on a slide, bigger points in a chart as
    high as the presenter's CSS makes its box. Each point carries its identity, so it glides."""
    result = run.result
    marker_scale, height = (MARKER_SCALE, None) if run.slide else (1.0, 640)
    drawn = figure_for(result, run.projection, run.settings.camera, marker_scale, height=height, as_dict=True)
    return with_point_ids(drawn, space_point_ids(result.token_ids))


def variance_text(projection: Projection, result: EmbeddingResult, fit: str) -> str:
    """How much of these points' variance the 3 axes keep; on reference axes also the reference's own
    share, which the axis titles show."""
    values = {
        "total": projection.points_share,
        "points": t_plural("count.point", 3 * result.n_tokens),
        "dims": t_plural("count.dimension", result.dim),
    }
    if fit == "reference":
        return t(
            "space.variance.reference", reference=float(projection.explained_variance_ratio.sum()), **values
        )
    return t("space.variance", **values)
