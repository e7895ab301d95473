"""The reproduce stage: the same numbers in plain Python, and downloads of the vectors and the 3D view.

The code block is generated for the current settings by :mod:`embedviz.codegen` (cheap: a few string
joins). The downloads are not (a CSV of 1,024 tokens at 768 dimensions is 29 MB, the standalone HTML
about 5 MB; timings in docs/performance.md). So every download button gets a *callable*: Streamlit
runs it only when someone clicks, on a thread of its own, and a warm rerun pays nothing for it. That
thread has no Streamlit session, so everything the callable needs (legend names in the current
language, the title) is looked up here first and captured.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from embedviz import export
from embedviz.codegen import python_source
from embedviz.embeddings import EmbeddingResult
from embedviz.projection import Projection
from embedviz.ui.i18n import t, t_plural
from embedviz.ui.lazy import on_demand
from embedviz.ui.pipeline_run import PipelineRun
from embedviz.ui.reservations import budgeted, refusal_for
from embedviz.ui.sections.space3d import figure_for, legend_names
from embedviz.ui.sections.vectors import FIRST_DIMS
from embedviz.ui.stages import heading, number

#: The HTML title quotes at most this many characters of the sentence.
TITLE_CHARS = 60


def render(run: PipelineRun) -> None:
    """Draw the code and the downloads (in a container with the CSS class ``st-key-reproduce``)."""
    settings, result = run.settings, run.result
    with st.container(key="reproduce"):
        st.header(heading("reproduce"), anchor="reproduce")
        shown = result.dim if settings.all_dims else min(FIRST_DIMS, result.dim)
        st.markdown(t_plural("repro.intro", result.dim, shown=shown))
        section = on_demand(t("repro.show"), key="open-reproduce", icon=":material/code:")
        if section is None:  # closed: no code generated, no download prepared on this rerun
            return
        with section:
            st.code(python_source(result.text, result.spec, shown_dims=shown), language="python")
            st.caption(t("repro.offline" if result.encoding == "gpt2" else "repro.download"))
            downloads(result, run.projection, settings.camera)


def file_stem(result: EmbeddingResult) -> str:
    """File name from the settings, never from user text: ``embedviz-gpt2-dim256-seed123-learned``."""
    return f"embedviz-{result.encoding}-dim{result.dim}-seed{result.seed}-{result.positional}"


#: The Embedding Projector refuses files of one-number vectors ("Found a vector with only one dimension?").
PROJECTOR_MIN_DIM = 2


@dataclass(frozen=True)
class Download:
    """One download button: its name in the UI strings, its file and how to build it."""

    name: str  # "csv" -> labels "export.csv" and "export.csv_help", widget key "export-csv"
    suffix: str  # appended to the file stem
    mime: str
    icon: str
    build: Callable[[], bytes]  # runs only on click, on a thread without a Streamlit session


def downloads(result: EmbeddingResult, projection: Projection, camera: str) -> None:
    """Three download buttons whose files are built on click (``data`` is a callable)."""
    st.subheader(t("export.title"), anchor="downloads")
    st.markdown(t("export.intro", rows=3 * result.n_tokens, n=result.n_tokens, dim=result.dim))
    stem, page = file_stem(result), html_maker(result, projection, camera)
    projector = Download(
        "projector",
        "-projector.zip",
        "application/zip",
        ":material/scatter_plot:",
        lambda: export.projector_zip(result),
    )
    buttons = (
        Download("csv", ".csv", "text/csv", ":material/table:", lambda: export.vectors_csv(result)),
        *((projector,) if result.dim >= PROJECTOR_MIN_DIM else ()),  # it refuses one-number vectors
        Download("html", "-3d.html", "text/html", ":material/view_in_ar:", page),
    )
    refusals: dict[str, None] = {}  # the memory budget's messages, each once
    for column, button in zip(st.columns(len(buttons)), buttons, strict=True):
        needed = export.peak_bytes(button.name, result.n_tokens, result.dim)
        refusal = refusal_for(needed, f"the {button.name} download")
        if refusal is not None:
            refusals[refusal] = None
        column.download_button(
            t(f"export.{button.name}"),
            data=budgeted(button.build, needed, f"the {button.name} download"),
            file_name=stem + button.suffix,
            mime=button.mime,
            key=f"export-{button.name}",
            help=t(f"export.{button.name}_help", last=result.dim - 1),
            on_click="ignore",  # downloading changes nothing on the page: no rerun
            icon=button.icon,
            width="stretch",
            disabled=refusal is not None,  # it could not be made now: the caption below says why
        )
    for refusal in refusals:
        st.caption(refusal)
    if result.dim < PROJECTOR_MIN_DIM:
        st.caption(t("export.projector_too_few_dims", min_dim=PROJECTOR_MIN_DIM))
    st.caption(t("export.png", section=number("space")))


def html_maker(result: EmbeddingResult, projection: Projection, camera: str) -> Callable[[], bytes]:
    """A no-argument function that builds the standalone HTML of the 3D view, texts already translated."""
    names = legend_names()  # translated now: the click runs outside the page's Streamlit run
    title = html_title(result)

    def build() -> bytes:
        figure = figure_for(result, projection, camera, names=names)
        return export.standalone_html(figure, title)

    return build


def html_title(result: EmbeddingResult) -> str:
    """The HTML page's figure title: the start of the sentence and the settings (plain text)."""
    sentence = export.one_line(result.text)
    if len(sentence) > TITLE_CHARS:
        sentence = sentence[: TITLE_CHARS - 1] + "…"
    return t(
        "export.html_title",
        sentence=sentence,
        n=result.n_tokens,
        dim=result.dim,
        seed=result.seed,
        positional=t(f"controls.positional.{result.positional}"),
    )
