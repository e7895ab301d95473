"""The batches view's text excerpt as HTML: every window of the batch in its sample's colour.

A window is a run of ``max_length`` tokens. Each token of the excerpt is one ``<span>``: on its window's
light colour with one coloured underline per window that holds it (overlapping windows, ``stride <
max_length``, show as parallel lines in separate lanes, and their fills are striped), grey and struck
through when no window of the data loader holds it (a gap, ``stride > max_length``), plain when only
windows of other batches do. A small numbered mark shows where each window of the batch starts.

Pure functions of their arguments, no Streamlit: the texts in the page's language come in as
:class:`ExcerptTexts`. The text is anybody's, so every piece of it, and every title, is escaped with
:func:`html.escape` before it becomes HTML.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from embedviz import windows
from embedviz.figures import batches as batch_figures
from embedviz.figures.style import PALETTE
from embedviz.tokenizer import Token

#: Light versions of the window colours, for backgrounds behind dark text (readable on a projector).
TINTS = tuple(batch_figures.tint(color, 0.72) for color in PALETTE)
#: Overlapping windows are underlined in up to this many parallel lanes, LANE_PX pixels apart.
MAX_LANES, LANE_PX = 3, 5
TEXT_STYLE = """<style>
.ev-batch{font-family:Georgia,'Times New Roman',serif;font-size:1.15rem;line-height:2.2;white-space:pre-wrap;
  border:1px solid #e2e8f0;border-radius:8px;padding:10px 14px;max-height:460px;overflow-y:auto;}
.ev-batch .win{padding-bottom:var(--lanes,5px);}
.ev-batch .skip{color:#64748b;text-decoration:line-through;}
.ev-batch .mark{display:inline-block;min-width:1.3em;margin-right:2px;padding:0 4px;border-radius:4px;
  color:#fff;font:700 0.72em/1.5 'Source Sans Pro',Arial,sans-serif;text-align:center;vertical-align:super;}
.ev-batch .cut{color:#64748b;font:italic 0.85em 'Source Sans Pro',Arial,sans-serif;}
</style>"""


@dataclass(frozen=True)
class ExcerptTexts:
    """The excerpt's words in the page's language: a token's tooltip (its index in the text, its id and
    the batch rows whose windows hold it) and the note for ``n`` tokens left out of the excerpt."""

    token_title: Callable[[int, int, Sequence[int]], str]
    skipped: Callable[[int], str]


def window_background(rows: Sequence[int], lanes: Sequence[int]) -> str:
    """CSS background of a token in the windows of ``rows``: one coloured underline per window, in its
    lane (neighbouring windows use different lanes, so overlapping windows show as parallel lines), on
    the window's light colour, striped with the next window's where two overlap."""
    lines = [
        f"linear-gradient({PALETTE[row % len(PALETTE)]},{PALETTE[row % len(PALETTE)]}) "
        f"left calc(100% - {LANE_PX * lane}px) / 100% {LANE_PX - 1}px no-repeat"
        for row, lane in zip(rows, lanes, strict=True)
    ]
    first, last = TINTS[rows[0] % len(TINTS)], TINTS[rows[-1] % len(TINTS)]
    fill = f"repeating-linear-gradient(135deg,{first} 0 7px,{last} 7px 14px)"
    return ",".join([*lines, fill if len(rows) > 1 else f"linear-gradient({first},{first})"])


def token_span(text: str, title: str, rows: Sequence[int], lanes: Sequence[int], skipped: bool) -> str:
    """One token of the excerpt as HTML: in its windows' colours, grey and struck through when no window
    holds it, plain when only windows of other batches do. ``text`` is the token's escaped text; the
    ``title`` is escaped here."""
    title = html.escape(title)
    if skipped:
        return f'<span class="skip" title="{title}">{text}</span>'
    if not rows:
        return f'<span title="{title}">{text}</span>'
    return (
        f'<span class="win" style="background:{window_background(rows, lanes)}" title="{title}">{text}</span>'
    )


def excerpt_html(
    text: str,
    tokens: Sequence[Token],
    starts: range,
    batch_starts: Sequence[int],
    max_length: int,
    texts: ExcerptTexts,
) -> tuple[str, int | None]:
    """The text around the batch's windows (``batch_starts``, out of every window start ``starts``),
    each window in its sample's colour and numbered where it starts; returns the HTML (with its CSS) and,
    if the excerpt was cut, how many tokens it shows."""
    segments, cut = windows.excerpt_segments(batch_starts, max_length, len(tokens))
    rows = windows.rows_of_tokens(batch_starts, max_length)
    row_of_start = {start: row for row, start in enumerate(batch_starts)}
    n_lanes = min(windows.windows_per_token(max_length, starts.step), MAX_LANES)
    lane_of_row = [(start // starts.step) % n_lanes for start in batch_starts]
    parts, previous_end, shown = [], 0, 0
    for segment in segments:
        if segment.start > previous_end:
            n = segment.start - previous_end
            parts.append(f'<span class="cut"> {html.escape(texts.skipped(n))} </span>')
        shown_from = tokens[segment.start].start
        for index in segment:
            token = tokens[index]
            if index in row_of_start:
                row = row_of_start[index]
                parts.append(
                    f'<span class="mark" style="background:{PALETTE[row % len(PALETTE)]}">{row}</span>'
                )
            skipped = not windows.in_some_window(index, starts, max_length)
            piece = html.escape(text[max(token.start, shown_from) : token.end])
            in_rows = rows.get(index, [])
            lanes = [lane_of_row[row] for row in in_rows]
            title = texts.token_title(index, token.id, in_rows)
            parts.append(token_span(piece, title, in_rows, lanes, skipped))
            shown_from = token.end
        previous_end, shown = segment.stop, shown + len(segment)
    if previous_end < len(tokens):
        n = len(tokens) - previous_end
        parts.append(f'<span class="cut"> {html.escape(texts.skipped(n))}</span>')
    box = f'<div class="ev-batch" style="--lanes:{LANE_PX * n_lanes}px">{"".join(parts)}</div>'
    return TEXT_STYLE + box, shown if cut else None
