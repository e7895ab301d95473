"""Batches, section 1: the windows in the text.

Which case the settings make (windows that overlap, touch or leave gaps), the text with the batch's
windows in their samples' colours (HTML from :mod:`embedviz.ui.batch_html`, user text escaped there),
and a ruler of token indices with one bar per window.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from embedviz import windows
from embedviz.figures import batches as batch_figures
from embedviz.figures.style import PALETTE
from embedviz.ui.batch_html import ExcerptTexts, excerpt_html
from embedviz.ui.i18n import localized, t, t_plural
from embedviz.ui.sections.batch_loader import Batch
from embedviz.ui.state import Settings


def token_title(index: int, token_id: int, rows: Sequence[int]) -> str:
    """A token's tooltip: its index in the text, its id, and the batch rows whose windows hold it."""
    title = t("batches.token_title", index=index, id=token_id)
    if rows:
        title += " · " + t("batches.in_windows", rows=", ".join(map(str, rows)))
    return title


def excerpt_texts() -> ExcerptTexts:
    """The excerpt's words in the page's language."""
    return ExcerptTexts(token_title=token_title, skipped=lambda n: t("batches.skipped", n=n))


def render(batch: Batch, settings: Settings) -> None:
    """Section 1: which case we are in, the highlighted excerpt and the token index ruler."""
    st.header(t("batches.text.title"), anchor="batch-windows")
    case, amount = windows.window_case(settings.max_length, settings.stride)
    per_token = windows.windows_per_token(settings.max_length, settings.stride)
    st.markdown(
        t(
            f"batches.case.{case}",
            stride=settings.stride,
            max_length=settings.max_length,
            amount=amount,
            tokens=t_plural("count.token", amount),
            per_token=per_token,
        )
    )
    markup, cut_at = excerpt_html(
        batch.text, batch.tokens, batch.starts, batch.batch_starts, settings.max_length, excerpt_texts()
    )
    st.html(markup)
    st.caption(t("batches.legend"))
    if cut_at is not None:
        st.caption(t("batches.excerpt_cut", shown=cut_at))
    st.subheader(t("batches.ruler"))
    low = min(batch.batch_starts)
    high = max(batch.batch_starts) + settings.max_length
    labels = (
        {i: batch.tokens[i].display for i in range(low, high)}
        if high - low <= batch_figures.MAX_RULER_LABELS
        else {}
    )
    names = {key: t(f"batches.ruler.{key}") for key in ("axis", "sample", "tokens")}
    figure = batch_figures.ruler_figure(batch.batch_starts, settings.max_length, PALETTE, labels, names)
    st.plotly_chart(localized(figure), key="batch-ruler", config={"displaylogo": False})
