"""View "batches": the seed's batch scenario, live. A long text is cut into windows of ``max_length``
tokens, ``stride`` tokens apart; ``batch_size`` windows make a batch of ids ``(8, 4)``, the token table
turns it into ``(8, 4, 256)``, and the position block ``(4, 256)`` is added to every sample.

Sections: the windows in the text (highlighted excerpt and a token index ruler), ``inputs`` and ``targets``
as grids of ids, the 3D tensor, the broadcast addition, and the seed's code with the current values.
Everything expensive is cached: the story, the token records (:func:`cache.tokens_of`), the batch
order and the embedding tables (:func:`cache.tables_of`). User text is escaped before it becomes HTML.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st
import torch
from pandas.io.formats.style import Styler
from streamlit.delta_generator import DeltaGenerator

from embedviz import windows
from embedviz.dataloader import window_starts
from embedviz.embeddings import position_vectors
from embedviz.errors import EmbedvizError, TextTooShortForWindowError
from embedviz.figures import batches as batch_figures
from embedviz.figures.batches import Stack
from embedviz.figures.style import COLORS, PALETTE
from embedviz.tokenizer import MAX_CHARS, Token, get_encoding
from embedviz.ui import cache
from embedviz.ui.error_text import error_text
from embedviz.ui.i18n import t
from embedviz.ui.sections.vectors import FIRST_DIMS, four_decimals, numbers_table
from embedviz.ui.state import BATCH_SOURCES, RULES, Settings

#: Light versions of the window colours, for backgrounds behind dark text (readable on a projector).
TINTS = tuple(batch_figures.tint(color, 0.72) for color in PALETTE)
#: The id grids are coloured by sample up to this many cells.
MAX_STYLED_CELLS = 1024
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
class Batch:
    """What the page shows for the current settings: the text's tokens, every window start, and the
    current batch (its number, its windows' starts, and its ``inputs``/``targets`` tensors)."""

    tokens: list[Token]
    starts: range
    n_batches: int
    index: int
    batch_starts: list[int]
    inputs: torch.Tensor
    targets: torch.Tensor


# ------------------------------------------------------------------------------------------------------
# Controls
# ------------------------------------------------------------------------------------------------------


def source_text(settings: Settings) -> str | None:
    """Choose the text: the story (with its source) or the user's own; None after saying what is missing."""
    st.segmented_control(
        t("batches.source"),
        BATCH_SOURCES,
        key="batch_source",
        required=True,
        format_func=lambda source: t(f"batches.source.{source}"),
    )
    if settings.batch_source == "verdict":
        st.caption(t("batches.verdict"))
        return cache.verdict()
    st.text_area(
        t("batches.own"), key="batch_text", height=140, help=t("batches.own_help", max_chars=MAX_CHARS)
    )
    text = settings.batch_text
    if not text.strip():
        st.info(t("batches.own_empty"))
        return None
    if len(text) > MAX_CHARS:
        st.error(t("batches.too_long", chars=len(text), max_chars=MAX_CHARS))
        return None
    return text


def window_controls() -> DeltaGenerator:
    """Batch size, max length, stride and shuffle; returns the column left for the batch number."""
    size, length, stride, shuffle, batch = st.columns(5, vertical_alignment="bottom")
    size.number_input(
        t("batches.batch_size"),
        *RULES["batch_size"],
        step=1,
        key="batch_size",
        help=t("batches.batch_size_help"),
    )
    length.number_input(
        t("batches.max_length"),
        *RULES["max_length"],
        step=1,
        key="max_length",
        help=t("batches.max_length_help"),
    )
    stride.number_input(
        t("batches.stride"), *RULES["stride"], step=1, key="stride", help=t("batches.stride_help")
    )
    shuffle.toggle(t("batches.shuffle"), key="shuffle", help=t("batches.shuffle_help"))
    return batch


def batch_picker(column: DeltaGenerator, n_batches: int) -> int:
    """The batch number, clamped to the batches there are (a shorter text or a bigger batch has fewer)."""
    last = n_batches - 1
    if st.session_state.get("batch", 0) > last:
        st.session_state["batch"] = last
    return int(
        column.number_input(
            t("batches.batch"), 0, last, step=1, key="batch", help=t("batches.batch_help", last=last)
        )
    )


def make_batch(text: str, settings: Settings, batch_column: DeltaGenerator) -> Batch | None:
    """Tokenize, slide the windows, pick the batch; None after explaining why there is no batch."""
    try:
        tokens = cache.tokens_of(text, settings.encoding)
    except EmbedvizError as error:
        st.error(error_text(error))
        return None
    try:
        starts = window_starts(len(tokens), settings.max_length, settings.stride)
    except TextTooShortForWindowError as short:  # the loader refuses it: say so with its numbers
        st.info(t("batches.too_short", tokens=short.n_tokens, needed=short.max_length + 1))
        return None
    order = cache.order_of(len(starts), settings.batch_size, settings.shuffle, settings.seed)
    if not order:
        st.info(t("batches.too_few_windows", windows=len(starts), batch_size=settings.batch_size))
        return None
    index = batch_picker(batch_column, len(order))
    batch_starts = [starts[w] for w in order[index]]
    ids = [token.id for token in tokens]
    inputs, targets = windows.batch_tensors(ids, batch_starts, settings.max_length)
    return Batch(tokens, starts, len(order), index, batch_starts, inputs, targets)


def describe_batch(batch: Batch, settings: Settings) -> None:
    """Tokens -> windows -> batches, and which windows this batch holds."""
    dropped = len(batch.starts) - batch.n_batches * settings.batch_size
    counts = t(
        "batches.counts",
        tokens=len(batch.tokens),
        windows=len(batch.starts),
        stride=settings.stride,
        batches=batch.n_batches,
        batch_size=settings.batch_size,
    )
    st.markdown(f"**{counts}**" + (t("batches.dropped", dropped=dropped) if dropped else "."))
    numbers = [start // settings.stride for start in batch.batch_starts]
    if settings.shuffle:
        shown = ", ".join(str(w) for w in numbers[:16]) + (", …" if len(numbers) > 16 else "")
        st.caption(t("batches.shuffled", seed=settings.seed, batch=batch.index, windows=shown))
    else:
        st.caption(t("batches.in_order", batch=batch.index, first=numbers[0], last=numbers[-1]))


# ------------------------------------------------------------------------------------------------------
# 1 The windows in the text
# ------------------------------------------------------------------------------------------------------


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


def token_span(
    text: str, token: Token, index: int, rows: Sequence[int], lanes: Sequence[int], skipped: bool
) -> str:
    """One token of the excerpt as HTML: in its windows' colours, grey and struck through when no window
    holds it, plain when only windows of other batches do. ``text`` is the token's escaped text."""
    title = t("batches.token_title", index=index, id=token.id)
    if rows:
        title += " · " + t("batches.in_windows", rows=", ".join(map(str, rows)))
    title = html.escape(title)
    if skipped:
        return f'<span class="skip" title="{title}">{text}</span>'
    if not rows:
        return f'<span title="{title}">{text}</span>'
    return (
        f'<span class="win" style="background:{window_background(rows, lanes)}" title="{title}">{text}</span>'
    )


def excerpt_html(text: str, batch: Batch, max_length: int) -> tuple[str, int | None]:
    """The text around the batch's windows, each window in its sample's colour and numbered where it
    starts; returns the HTML and, if the excerpt was cut, how many tokens it shows."""
    segments, cut = windows.excerpt_segments(batch.batch_starts, max_length, len(batch.tokens))
    rows = windows.rows_of_tokens(batch.batch_starts, max_length)
    row_of_start = {start: row for row, start in enumerate(batch.batch_starts)}
    n_lanes = min(windows.windows_per_token(max_length, batch.starts.step), MAX_LANES)
    lane_of_row = [(start // batch.starts.step) % n_lanes for start in batch.batch_starts]
    parts, previous_end, shown = [], 0, 0
    for segment in segments:
        if segment.start > previous_end:
            n = segment.start - previous_end
            parts.append(f'<span class="cut"> {html.escape(t("batches.skipped", n=n))} </span>')
        shown_from = batch.tokens[segment.start].start
        for index in segment:
            token = batch.tokens[index]
            if index in row_of_start:
                row = row_of_start[index]
                parts.append(
                    f'<span class="mark" style="background:{PALETTE[row % len(PALETTE)]}">{row}</span>'
                )
            skipped = not windows.in_some_window(index, batch.starts, max_length)
            piece = html.escape(text[max(token.start, shown_from) : token.end])
            in_rows = rows.get(index, [])
            lanes = [lane_of_row[row] for row in in_rows]
            parts.append(token_span(piece, token, index, in_rows, lanes, skipped))
            shown_from = token.end
        previous_end, shown = segment.stop, shown + len(segment)
    if previous_end < len(batch.tokens):
        n = len(batch.tokens) - previous_end
        parts.append(f'<span class="cut"> {html.escape(t("batches.skipped", n=n))}</span>')
    box = f'<div class="ev-batch" style="--lanes:{LANE_PX * n_lanes}px">{"".join(parts)}</div>'
    return TEXT_STYLE + box, shown if cut else None


def render_windows(text: str, batch: Batch, settings: Settings) -> None:
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
            per_token=per_token,
        )
    )
    markup, cut_at = excerpt_html(text, batch, settings.max_length)
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
    st.plotly_chart(figure, key="batch-ruler", config={"displaylogo": False})


# ------------------------------------------------------------------------------------------------------
# 2 inputs and targets
# ------------------------------------------------------------------------------------------------------


def ids_frame(ids: torch.Tensor, batch: Batch, offset: int) -> pd.DataFrame | Styler:
    """A tensor of ids as a table: one row per sample, one column per position, cells "id · token",
    each row in its sample's colour (up to MAX_STYLED_CELLS cells: styling is slow, and a bigger grid is
    read by scrolling, not by colour). ``offset`` is 0 for inputs, 1 for targets."""
    rows = ids.tolist()
    cells = [
        [f"{token_id} · {batch.tokens[start + offset + j].display}" for j, token_id in enumerate(row)]
        for row, start in zip(rows, batch.batch_starts, strict=True)
    ]
    frame = pd.DataFrame(cells, columns=[str(j) for j in range(ids.shape[1])])
    frame.index.name = t("batches.ids.sample")
    if ids.numel() > MAX_STYLED_CELLS:
        return frame
    return frame.style.apply(
        lambda row: [f"background-color: {TINTS[row.name % len(TINTS)]}"] * len(row), axis=1
    )


def render_ids(batch: Batch) -> None:
    """Section 2: the two tensors of ids, side by side (stacked on a phone)."""
    st.header(t("batches.ids.title"), anchor="batch-ids")
    st.markdown(t("batches.ids.intro"))
    for column, name, ids, offset in zip(
        st.columns(2), ("inputs", "targets"), (batch.inputs, batch.targets), (0, 1), strict=True
    ):
        column.markdown(f"**`{name}`** · `{tuple(ids.shape)}`")
        column.dataframe(ids_frame(ids, batch, offset), key=f"batch-{name}")


# ------------------------------------------------------------------------------------------------------
# 3/4 Token embeddings, position embeddings and broadcasting
# ------------------------------------------------------------------------------------------------------


def shapes_text(shapes: dict[str, tuple[int, ...]]) -> str:
    """The shapes, right-aligned so that the trailing dimensions line up as broadcasting lines them up."""
    width = max(len(str(shape)) for shape in shapes.values())
    return "\n".join(f"{name:<17} {shape!s:>{width}}" for name, shape in shapes.items())


def picture_texts() -> dict[str, str]:
    """The axis texts of the tensor pictures, in the page's language."""
    return {key: t(f"batches.picture.{key}") for key in ("batch", "copies", "positions", "dim")}


def draw_stack(container: DeltaGenerator, stack: Stack, key: str) -> None:
    """One tensor picture (static: nothing to zoom or hover)."""
    container.plotly_chart(
        batch_figures.stack_figure(stack, picture_texts()),
        key=key,
        config={"displaylogo": False, "staticPlot": True},
    )


def render_embeddings(batch: Batch, settings: Settings, shapes: dict[str, tuple[int, ...]]) -> None:
    """Section 3: (batch, max_length) ids -> (batch, max_length, dim) vectors: a picture and the shapes."""
    st.header(t("batches.embed.title"), anchor="batch-embeddings")
    n_vocab = get_encoding(settings.encoding).n_vocab
    st.markdown(t("batches.embed.intro", n_vocab=n_vocab, dim=settings.dim, seed=settings.seed))
    first_sample = [batch.tokens[batch.batch_starts[0] + j].display for j in range(settings.max_length)]
    shape = shapes["token_embeddings"]
    picture, numbers = st.columns([3, 2], vertical_alignment="center")
    draw_stack(
        picture, Stack(f"token_embeddings {shape}", shape, COLORS["token"], first_sample), "batch-tensor"
    )
    picture.caption(t("batches.picture.caption", dim=settings.dim))
    numbers.markdown(f"**{t('batches.shapes')}**")
    numbers.code(shapes_text(shapes), language=None)


def render_positions(batch: Batch, settings: Settings, shapes: dict[str, tuple[int, ...]]) -> None:
    """Section 4: the (max_length, dim) position block added to every sample of the batch."""
    st.header(t("batches.pos.title"), anchor="batch-positions")
    st.markdown(
        t(
            "batches.pos.intro",
            max_length=settings.max_length,
            dim=settings.dim,
            batch_size=settings.batch_size,
        )
    )
    last = settings.max_length - 1
    st.caption(t(f"batches.pos.{settings.positional}", last=last, context_length=settings.context_length))
    positions = [f"p{j}" for j in range(settings.max_length)]
    stacks = [
        Stack("token_embeddings", shapes["token_embeddings"], COLORS["token"]),
        Stack(
            "pos_embeddings", shapes["pos_embeddings"], COLORS["position"], positions, settings.batch_size - 1
        ),
        Stack("input_embeddings", shapes["input_embeddings"], COLORS["input"]),
    ]
    columns = st.columns([6, 1, 6, 1, 6], vertical_alignment="center")
    for i, stack in enumerate(stacks):
        draw_stack(columns[2 * i], stack, f"batch-{stack.name}")
    for column, operator in zip(columns[1::2], ("+", "="), strict=True):
        column.markdown(
            f"<div style='font-size:3rem;text-align:center'>{operator}</div>", unsafe_allow_html=True
        )
    render_numbers(batch, settings)


def render_numbers(batch: Batch, settings: Settings) -> None:
    """The real numbers of sample 0, from the page's cached tables: the main view's numbers."""
    token_table, position_table = cache.tables_of(settings.spec)
    with torch.no_grad():
        values = token_table.layer(batch.inputs[0]) + position_vectors(
            settings.positional, settings.max_length, position_table
        )
    labels = [f"{j}: {batch.tokens[batch.batch_starts[0] + j].display}" for j in range(settings.max_length)]
    with st.expander(t("batches.numbers")):
        st.caption(t("batches.numbers_caption", shown=min(FIRST_DIMS, settings.dim), dim=settings.dim))
        frame = numbers_table(values.numpy(), labels, all_dims=False)
        st.dataframe(frame, hide_index=True, key="batch-numbers", column_config=four_decimals(frame))


# ------------------------------------------------------------------------------------------------------
# 5 The code
# ------------------------------------------------------------------------------------------------------


def seeds_loader(settings: Settings) -> bool:
    """True if the seed's own ``create_dataloader_v1`` gives the page's batches: GPT-2, in order. Else
    the code builds the dataset with the page's encoding and a ``DataLoader`` with a seeded generator."""
    return settings.encoding == "gpt2" and not settings.shuffle


def loader_code(settings: Settings, batch_index: int) -> list[str]:
    """The lines that make ``inputs, targets`` of batch ``batch_index``."""
    s = settings
    if seeds_loader(s):
        lines = [
            "dataloader = create_dataloader_v1(",
            f"    raw_text, batch_size={s.batch_size}, max_length=max_length,",
            f"    stride={s.stride}, shuffle=False",
            ")",
        ]
    else:
        lines = [
            f'dataset = GPTDatasetV1(raw_text, get_encoding("{s.encoding}"), max_length, stride={s.stride})',
            "dataloader = DataLoader(",
            f"    dataset, batch_size={s.batch_size}, shuffle={s.shuffle}, drop_last=True,",
            f"    generator=torch.Generator().manual_seed({s.seed}),",
            ")",
        ]
    lines.append("data_iter = iter(dataloader)")
    if batch_index:
        lines.append(f"for _ in range({batch_index + 1}):  # batch {batch_index}")
        lines.append("    inputs, targets = next(data_iter)")
    else:
        lines.append("inputs, targets = next(data_iter)")
    return lines


def position_code(settings: Settings) -> str:
    """The line that makes ``pos_embeddings`` in the page's positional mode."""
    return {
        "learned": "pos_embeddings = pos_embedding_layer(torch.arange(max_length))",
        "sinusoidal": "pos_embeddings = sinusoidal_positions(max_length, output_dim)",
        "none": "pos_embeddings = torch.zeros(max_length, output_dim)",
    }[settings.positional]


def seed_code(settings: Settings, batch_index: int, shapes: dict[str, tuple[int, ...]]) -> str:
    """The seed's code example with the current values, runnable from the repository's folder."""
    s = settings
    imports = ["import torch"]
    if not seeds_loader(s):
        imports.append("from torch.utils.data import DataLoader")
    imports.append("")
    imports.append(
        "from embedviz.dataloader import create_dataloader_v1"
        if seeds_loader(s)
        else "from embedviz.dataloader import GPTDatasetV1"
    )
    if s.positional == "sinusoidal":
        imports.append("from embedviz.embeddings import sinusoidal_positions")
    if not seeds_loader(s):
        imports.append("from embedviz.tokenizer import get_encoding")
    path = '"embedviz/assets/the-verdict.txt"' if s.batch_source == "verdict" else '"my_text.txt"'
    comment = "" if s.batch_source == "verdict" else f"  # {t('batches.code.own_file')}"
    tables = [
        f"vocab_size = {get_encoding(s.encoding).n_vocab}",
        f"output_dim = {s.dim}",
        f"torch.manual_seed({s.seed})",
        "token_embedding_layer = torch.nn.Embedding(vocab_size, output_dim)",
    ]
    if s.positional == "learned":
        tables += [
            f"context_length = {s.context_length}",
            f"# {t('batches.code.pos_order')}",
            "pos_embedding_layer = torch.nn.Embedding(context_length, output_dim)",
        ]
    shape = {name: f"  # torch.Size({list(value)})" for name, value in shapes.items()}
    code = [
        *imports,
        "",
        f'with open({path}, encoding="utf-8") as f:{comment}',
        "    raw_text = f.read()",
        "",
        *tables,
        "",
        f"max_length = {s.max_length}",
        *loader_code(s, batch_index),
        "print(inputs.shape)" + shape["inputs"],
        "",
        "token_embeddings = token_embedding_layer(inputs)",
        "print(token_embeddings.shape)" + shape["token_embeddings"],
        "",
        position_code(s),
        "print(pos_embeddings.shape)" + shape["pos_embeddings"],
        "",
        "input_embeddings = token_embeddings + pos_embeddings",
        "print(input_embeddings.shape)" + shape["input_embeddings"],
    ]
    return "\n".join(code)


def render_code(settings: Settings, batch: Batch, shapes: dict[str, tuple[int, ...]]) -> None:
    """Section 5: the seed's code with the current values."""
    st.header(t("batches.code.title"), anchor="batch-code")
    st.markdown(t("batches.code.intro"))
    st.code(seed_code(settings, batch.index, shapes), language="python")


# ------------------------------------------------------------------------------------------------------
# The view
# ------------------------------------------------------------------------------------------------------


def render(settings: Settings) -> None:
    """Draw the batches view."""
    st.header(t("batches.title"), anchor="batches")
    st.markdown(t("batches.intro"))
    text = source_text(settings)
    batch_column = window_controls()
    if text is None:
        return
    batch = make_batch(text, settings, batch_column)
    if batch is None:
        return
    describe_batch(batch, settings)
    render_windows(text, batch, settings)
    render_ids(batch)
    if settings.positional == "learned" and settings.max_length > settings.context_length:
        st.error(
            t(
                "batches.no_positions",
                max_length=settings.max_length,
                context_length=settings.context_length,
                last=settings.max_length - 1,
            )
        )
        return
    try:
        cache.tables_of(settings.spec)
    except EmbedvizError as error:
        st.error(error_text(error))
        return
    shapes = windows.embedded_shapes(batch.inputs, settings.dim)
    render_embeddings(batch, settings, shapes)
    render_positions(batch, settings, shapes)
    render_code(settings, batch, shapes)
