"""The tokens stage: the sentence as coloured token chips, with ids, counts and bytes on hover.

The chips are HTML built here, and every piece of user text in them goes through ``html.escape``: a
sentence like ``<img src=x onerror=alert(1)>`` is shown as text, never run.
"""

from __future__ import annotations

import html

import streamlit as st

from embedviz.errors import EmbedvizError
from embedviz.figures.style import PALETTE
from embedviz.tokenizer import ENCODINGS, Token, get_encoding
from embedviz.ui.i18n import t, t_plural
from embedviz.ui.lazy import on_demand
from embedviz.ui.pipeline_run import PipelineRun
from embedviz.ui.stages import heading

MAX_CHIPS = 400
CHIP_STYLE = (
    "display:inline-flex;flex-direction:column;align-items:center;margin:3px 2px;padding:4px 8px 2px;"
    "border-radius:6px;color:#fff;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:1.05em;"
    "line-height:1.25;white-space:pre;"
)
ID_OPACITY = 1.0  # was 0.92: the ids are small, so no see-through (WCAG AA contrast, issue 16)
ID_STYLE = f"font-size:0.7em;opacity:{ID_OPACITY};font-family:Source Sans Pro,Arial,sans-serif;"


def colour_of(tokens: list[Token]) -> dict[int, str]:
    """One palette colour per distinct token id, in order of first appearance."""
    colours: dict[int, str] = {}
    for token in tokens:
        colours.setdefault(token.id, PALETTE[len(colours) % len(PALETTE)])
    return colours


def chip(token: Token, position: int, colour: str) -> str:
    """One token as an HTML chip: its visible text, its id below, its bytes as a tooltip."""
    title = f"#{position} · {t('tokens.id')} {token.id} · {t('tokens.bytes')}: {token.bytes.hex(' ').upper()}"
    style = CHIP_STYLE + f"background:{colour};"
    if token.is_special:
        style += "background:#0f172a;outline:2px dashed #f59e0b;outline-offset:-4px;"
    if token.is_fragment:
        style += "font-style:italic;"
    return (
        f'<span class="ev-chip" data-token-id="{token.id}" data-position="{position}" '
        f'title="{html.escape(title)}" style="{style}">{html.escape(token.display)}'
        f'<span style="{ID_STYLE}">{token.id}</span></span>'
    )


def chips_html(tokens: list[Token], limit: int = MAX_CHIPS, colours: dict[int, str] | None = None) -> str:
    """The chips of ``tokens`` in one row; ``colours`` (id -> colour) lets two rows share colours."""
    colours = colours or colour_of(tokens)
    spans = "".join(chip(token, i, colours[token.id]) for i, token in enumerate(tokens[:limit]))
    return f'<div class="ev-chips" style="line-height:2.2;">{spans}</div>'


def encoding_name(encoding: str) -> str:
    """The encoding as the intro names it: "GPT-2", or the tiktoken name with its model, e.g.
    "cl100k_base (GPT-3.5/GPT-4)"."""
    name, _, described = ENCODINGS[encoding].partition(" (")
    model = described.split(",")[0].split(";")[0]
    return "GPT-2" if encoding == "gpt2" else f"{name} ({model})"


def render(run: PipelineRun) -> None:
    """Draw the tokens stage, then the error that stops the pipeline after it (too many tokens for the
    context, a table too big), if any. It is drawn on every slide when there is nothing else to show."""
    outcome, settings = run.outcome, run.settings
    chips_section(
        settings.text, outcome.tokens, settings.encoding, outcome.error if outcome.tokens is None else None
    )
    if outcome.tokens is not None and outcome.error:
        st.error(outcome.error)


def chips_section(text: str, tokens: list[Token] | None, encoding: str, error: str | None) -> None:
    """The heading, the counts and the chips; ``error`` (why the text has no tokens) instead of them."""
    st.header(heading("tokens"), anchor="tokens")
    try:
        n_vocab = get_encoding(encoding).n_vocab
    except EmbedvizError:  # the encoding could not be loaded: the error below says why
        n_vocab = None
    if n_vocab is not None:
        st.markdown(t("tokens.intro", encoding=encoding_name(encoding), n_vocab=n_vocab))
    if tokens is None:
        st.error(error)
        return
    counts = t(
        "tokens.counts",
        chars=t_plural("count.character", len(text)),
        tokens=t_plural("count.token", len(tokens)),
    )
    st.markdown(f"**{counts}**")
    if not tokens:
        st.info(t("app.empty"))
        return
    st.html(chips_html(tokens))
    if len(tokens) > MAX_CHIPS:
        st.caption(t("tokens.too_many_chips", shown=MAX_CHIPS, total=len(tokens)))
    st.caption(t("tokens.legend"))
    ids = on_demand(t("tokens.ids"), key="open-ids")  # built when opened (it has a copy button)
    if ids is not None:
        ids.code(str([token.id for token in tokens]), language=None, wrap_lines=True)
