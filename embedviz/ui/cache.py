"""Every cache of the page, in one module: what is built once and shared by all visitors.

Streamlit reruns the whole script on every click, and every visitor shares one server. So the expensive
things are built once and shared: the embedding tables (``st.cache_resource``, a few at a time, never
modified), the token records of a text and the 3D projection (``st.cache_data``), nearest neighbours,
the batch order, the seed's toy table, GPT-2's loaded tables and finished training runs. A warm rerun
with the same sentence and settings builds no table, tokenizes nothing and fits no PCA.

Every ``st.cache_*`` of the app is here; views and sections call these functions and cache nothing
themselves. How the caches share the server's memory is decided elsewhere, each in a module of its own:
which tables are kept and what gives way first (:mod:`embedviz.ui.memory_policy`), which setting's
tables were used longest ago (:mod:`embedviz.ui.table_lru`), and memory for allocations that are not
cached tables (:mod:`embedviz.ui.reservations`).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import TypeVar

import plotly.graph_objects as go
import streamlit as st
import torch
from sklearn.decomposition import PCA
from streamlit.runtime.scriptrunner import get_script_run_ctx

from embedviz import windows
from embedviz.budget import MemoryBudget, charged_bytes
from embedviz.dataloader import load_verdict
from embedviz.embeddings import (
    EmbeddingResult,
    EmbeddingSpec,
    Tables,
    TokenTable,
    build_position_table,
    build_token_table,
    embed_tokens,
    first_positions,
    position_rows_of,
    table_bytes,
)
from embedviz.errors import EmbedvizError, MemoryBudgetExceeded
from embedviz.neighbours import nearest_neighbours, streamed_neighbours
from embedviz.pretrained import LoadedGpt2, PositionCurve, curve_of
from embedviz.projection import Projection, fit_pca, fit_reference, project, reference_sample
from embedviz.rows import SeededRows, seeded_rows
from embedviz.tokenizer import Token, tokenize
from embedviz.train_queue import TrainQueue
from embedviz.ui import memory_policy
from embedviz.ui.budget_text import refused
from embedviz.ui.error_text import error_text
from embedviz.ui.i18n import t
from embedviz.ui.registry import Registry
from embedviz.ui.state import RULES, Settings
from embedviz.ui.table_lru import TableKey, recent_tables

#: Nearest neighbours are kept for the most the k slider offers, so moving it only shows more or fewer.
NEIGHBOURS_KEPT = RULES["k"][1]
#: Settings whose rows are kept as bookmarks (under 2 MB each: embedviz.rows).
ROWS_KEPT = 32
#: Free memory a page's whole tables must leave to the rest of the class (a training run, a PCA, the
#: figures of a rerun) to be drawn whole and kept; otherwise the page streams its rows.
KEEP_FREE_BYTES = 128 * 2**20


@st.cache_resource(show_spinner=False)
def memory_budget() -> MemoryBudget:
    """The server's one memory budget (:mod:`embedviz.budget`): every large allocation reserves its bytes
    here first. Its limit is ``EMBEDVIZ_MEMORY_LIMIT_MB``, else the container's or the machine's memory.
    When a request does not fit, the caches below give way in the order of :mod:`embedviz.ui.memory_policy`.

    Made on the first large request, so the resident memory then (the process with its modules, no
    table yet) is its ``floor``: a request that would not fit even above it is refused at once, and
    the caches of everyone else stay in place (a ``?dim=2048`` link on a small server empties nothing)."""
    budget = MemoryBudget.from_environment(floor=charged_bytes())
    caches = memory_policy.Caches(
        figures=(
            lambda: animations().clear(),
            lambda: shared_figures().clear(),
            projection_of.clear,
            random_side.clear,
            random_curve.clear,
            positions_part.clear,
        ),
        rows=(lambda: kept_rows().clear(),),
        gpt2=(lambda: gpt2_tables().clear(), gpt2_neighbours.clear),
        reference_pca=(_reference_pca.clear,),
        forget_tables=_forget,
    )
    return memory_policy.give_way(budget, caches, recent_tables)


#: Every whole table drawn and still alive, by key: a weak record, so a table a cache let go leaves it too.
_whole_token_tables: weakref.WeakValueDictionary[tuple[int, int, int], TokenTable] = (
    weakref.WeakValueDictionary()
)
_whole_position_tables: weakref.WeakValueDictionary[TableKey, torch.nn.Embedding] = (
    weakref.WeakValueDictionary()
)
#: Settings whose whole tables were drawn for their page once: when they are let go, the page streams.
_drawn_for_page: set[TableKey] = set()
DRAWN_FOR_PAGE_KEPT = 1024


def _drawn_token_table(n_vocab: int, dim: int, seed: int, context_length: int) -> TokenTable:
    """Every token table of the app is drawn here, the one large allocation a visitor can ask for, after
    the memory budget agreed: it reserves the token table and the position table that is drawn right
    after it (``context_length`` rows), so a refusal can say which dim would fit. Only a cache miss
    gets here; a refusal raises MemoryBudgetExceeded, which Streamlit does not cache."""
    needed = table_bytes(n_vocab, dim, context_length)
    with memory_budget().reserve(needed, f"dim {dim:,}", table=(n_vocab, context_length)):
        table = build_token_table(n_vocab, dim, seed)
    _whole_token_tables[(n_vocab, dim, seed)] = table
    return table


# ``_context_length`` starts with "_": Streamlit leaves it out of the key (it only sizes the reservation).
@st.cache_resource(max_entries=3, show_spinner=False)
def _small_token_table(n_vocab: int, dim: int, seed: int, _context_length: int = 0) -> TokenTable:
    return _drawn_token_table(n_vocab, dim, seed, _context_length)


@st.cache_resource(max_entries=1, show_spinner=False)
def _large_token_table(n_vocab: int, dim: int, seed: int, _context_length: int = 0) -> TokenTable:
    _large_token_table.clear()  # let go of the previous large table before drawing the next one
    return _drawn_token_table(n_vocab, dim, seed, _context_length)


@st.cache_resource(max_entries=1, show_spinner=False)
def _default_token_table(n_vocab: int, dim: int, seed: int, _context_length: int = 0) -> TokenTable:
    return _drawn_token_table(n_vocab, dim, seed, _context_length)


_TOKEN_TABLES = {"default": _default_token_table, "small": _small_token_table, "large": _large_token_table}


#: The token tables this process has built. A lookup of one of them is a cache hit unless the memory
#: policy dropped it since (then it is built again without a spinner): each spinner costs a timer thread
#: and a message to the browser on every run. Forgotten wholesale past MAX_BUILT settings.
_BUILT: set[tuple[str, int, int, int]] = set()
MAX_BUILT = 256


def token_table(n_vocab: int, dim: int, seed: int, context_length: int = 0) -> TokenTable:
    """The seeded token table, built once and shared by every visitor; never modify it. Keyed by what
    it depends on only, so specs that differ in context length or positional mode share one table
    (``context_length`` only sizes the budget's reservation on a miss). Which of three caches keeps it
    is :func:`embedviz.ui.memory_policy.token_table_kind`: the default setting's has its own."""
    kind = memory_policy.token_table_kind(n_vocab, dim, seed)
    cache = _TOKEN_TABLES[kind]
    if (kind, n_vocab, dim, seed) in _BUILT:  # a hit (rarely a rebuild): no spinner, no timer thread
        return cache(n_vocab, dim, seed, context_length)
    with spinner("spinner.token_table"):
        table = cache(n_vocab, dim, seed, context_length)
    if len(_BUILT) >= MAX_BUILT:
        _BUILT.clear()
    _BUILT.add((kind, n_vocab, dim, seed))
    return table


def spinner(key: str) -> AbstractContextManager:
    """A spinner with the UI text ``key`` in the visitor's language while a slow build runs; Streamlit
    shows it only after half a second, so a cache hit shows nothing. Outside a page run (a worker thread
    building a download) nothing is shown."""
    return st.spinner(t(key)) if get_script_run_ctx(suppress_warning=True) is not None else nullcontext()


def position_table(n_vocab: int, dim: int, seed: int, context_length: int) -> torch.nn.Embedding:
    """The learned position table drawn right after :func:`token_table` (reserved on a miss); the
    default setting's has a cache of its own, like its token table."""
    default = (n_vocab, dim, seed, context_length) == memory_policy.default_key()
    return (_default_position_table if default else _position_table)(n_vocab, dim, seed, context_length)


@st.cache_resource(max_entries=4, show_spinner=False)
def _position_table(n_vocab: int, dim: int, seed: int, context_length: int) -> torch.nn.Embedding:
    return _drawn_position_table(n_vocab, dim, seed, context_length)


@st.cache_resource(max_entries=1, show_spinner=False)
def _default_position_table(n_vocab: int, dim: int, seed: int, context_length: int) -> torch.nn.Embedding:
    return _drawn_position_table(n_vocab, dim, seed, context_length)


def _drawn_position_table(n_vocab: int, dim: int, seed: int, context_length: int) -> torch.nn.Embedding:
    tokens = token_table(n_vocab, dim, seed, context_length)
    needed = table_bytes(0, dim, context_length)
    with memory_budget().reserve(needed, f"dim {dim:,}", table=(n_vocab, context_length)):
        table = build_position_table(tokens, context_length)
    _whole_position_tables[(n_vocab, dim, seed, context_length)] = table
    return table


def _forget(key: TableKey, shared: bool) -> None:
    """Clear the cached position table of ``key``, and its token table unless ``shared``. Never the
    default setting's tables: the memory policy does not ask for them."""
    n_vocab, dim, seed, context_length = key
    _position_table.clear(n_vocab, dim, seed, context_length)
    if not shared:
        _TOKEN_TABLES[memory_policy.token_table_kind(n_vocab, dim, seed)].clear(n_vocab, dim, seed)


def clear_tables() -> None:
    """Forget every cached token and position table, the default setting's too (tests)."""
    for cache in _TOKEN_TABLES.values():
        cache.clear()
    _position_table.clear()
    _default_position_table.clear()
    recent_tables.clear()
    kept_rows().clear()
    _drawn_for_page.clear()


@st.cache_data(max_entries=256, show_spinner=False)
def tokens_of(text: str, encoding: str) -> list[Token]:
    """Token records of ``text`` (tokenized once per distinct text)."""
    return tokenize(text, encoding)


def tables_of(spec: EmbeddingSpec) -> tuple[TokenTable, torch.nn.Embedding]:
    """The (cached) token and position tables of ``spec``; raises EmbedvizError if it is refused.
    The one place the page checks a spec (``spec.check()``). A refusal of the memory budget comes in
    the visitor's language and says which dim would fit right now (:mod:`embedviz.ui.budget_text`)."""
    n_vocab = spec.check()
    try:
        tables = (
            token_table(n_vocab, spec.dim, spec.seed, spec.context_length),
            position_table(n_vocab, spec.dim, spec.seed, spec.context_length),
        )
    except MemoryBudgetExceeded as error:  # say what the pair needs, whichever of the two was refused
        needed = table_bytes(n_vocab, spec.dim, spec.context_length)
        pair = MemoryBudgetExceeded(error.what, needed, error.available, error.limit, error.largest_dim)
        raise refused(pair, dim=spec.dim) from None
    recent_tables.note_use((n_vocab, spec.dim, spec.seed, spec.context_length))
    return tables


@st.cache_resource(show_spinner=False)
def kept_rows() -> Registry[TableKey, SeededRows]:
    """Settings whose page streams its rows: their bookmarks (:mod:`embedviz.rows`), the newest kept."""
    return Registry(max_entries=ROWS_KEPT)


def page_tables(spec: EmbeddingSpec) -> Tables | SeededRows:
    """What the page of ``spec`` reads its rows from; the numbers are the same either way.

    * the default setting's whole tables, always resident (the whole class opens them);
    * another setting's whole tables while they are cached anyway (a training run or a view needed
      them); and drawn whole for its page once, when the budget has room for them and
      :data:`KEEP_FREE_BYTES` besides (they are the first tables to give way);
    * otherwise the setting's bookmarks: only the rows the page shows are drawn (a few hundred
      kilobytes instead of 53 MB at dim 256), so no visitor's page is refused for want of memory.
    Raises EmbedvizError for settings embedviz refuses (``spec.check()``)."""
    n_vocab = spec.check()
    key = (n_vocab, spec.dim, spec.seed, spec.context_length)
    if key == memory_policy.default_key():
        return tables_of(spec)
    tokens, positions = _whole_token_tables.get(key[:3]), _whole_position_tables.get(key)
    if tokens is not None and positions is not None:
        recent_tables.note_use(key)
        return tokens, positions
    rows = kept_rows().get(key)
    if rows is not None:
        return rows
    budget = memory_budget()
    if key not in _drawn_for_page and budget.available() >= table_bytes(*key[:2], key[3]) + KEEP_FREE_BYTES:
        if len(_drawn_for_page) >= DRAWN_FOR_PAGE_KEPT:  # links with ever new seeds: a bounded record
            _drawn_for_page.clear()
        _drawn_for_page.add(key)
        try:
            return tables_of(spec)
        except MemoryBudgetExceeded:  # another visitor took the room meanwhile
            pass
    with budget.transient(2 * 2**20):  # a chunk being drawn and the bookmarks
        rows = seeded_rows(*key)
    kept_rows().put(key, rows)
    return rows


def position_rows(spec: EmbeddingSpec, n: int) -> torch.Tensor:
    """The first ``n`` learned position rows of ``spec`` (all of them when ``n`` is larger), a new
    tensor, from the page's whole tables or its rows."""
    return position_rows_of(page_tables(spec), min(n, spec.context_length))


def embedding_of(spec: EmbeddingSpec, text: str) -> EmbeddingResult:
    """The pipeline's result for ``text`` with the page's tables or rows and cached token records."""
    return embed_tokens(text, tokens_of(text, spec.encoding), spec, page_tables(spec))


def learned_or_fixed_positions(spec: EmbeddingSpec, tables: Tables | SeededRows) -> torch.Tensor:
    """All ``spec.context_length`` position vectors of the spec's mode."""
    return first_positions(tables, spec, spec.context_length)


@st.cache_resource(max_entries=2, show_spinner=False)
def _reference_pca(spec: EmbeddingSpec) -> PCA | None:
    """PCA fitted on a fixed sample of the token table plus the position table of the spec's mode:
    fitted once per spec (from the page's whole tables or its rows: the same numbers)."""
    tables = page_tables(spec)
    positions = learned_or_fixed_positions(spec, tables)
    if not isinstance(tables, SeededRows):
        return fit_reference(tables[0].layer.weight, positions)
    sample = reference_sample(tables.tokens.n_rows)
    with memory_budget().transient(2 * (len(sample) + len(positions)) * spec.dim * 4):
        return fit_pca(torch.cat([tables.token_rows(sample), positions]).numpy())


def reference_pca(spec: EmbeddingSpec) -> PCA | None:
    """:func:`_reference_pca`, with a spinner in the visitor's language while it is fitted."""
    with spinner("spinner.reference"):
        return _reference_pca(spec)


@st.cache_data(max_entries=64, show_spinner=False)
def projection_of(spec: EmbeddingSpec, text: str, fit: str) -> Projection:
    """The sentence's 3D projection (``fit``: fitted on the sentence, or on the fixed reference)."""
    result = embedding_of(spec, text)
    pca = reference_pca(spec) if fit == "reference" else None
    return project(result.token_vectors, result.position_vectors, result.input_embeddings, pca=pca)


@dataclass(frozen=True)
class Outcome:
    """What the page can show for the current settings: the tokens (if the text could be tokenized),
    the embedding result (if the settings allow it) and the error message otherwise."""

    tokens: list[Token] | None
    result: EmbeddingResult | None
    error: str | None


def run(settings: Settings) -> Outcome:
    """Tokenize and embed the sentence; turn every expected problem into a message."""
    try:
        tokens = tokens_of(settings.text, settings.encoding)
    except EmbedvizError as error:
        return Outcome(None, None, error_text(error))
    try:
        return Outcome(tokens, embedding_of(settings.spec, settings.text), None)
    except EmbedvizError as error:
        return Outcome(tokens, None, error_text(error))


# ---------------------------------------------------------------------------------------------------------
# Views' caches: neighbours, batches, the seed's toy table, GPT-2 and training
# ---------------------------------------------------------------------------------------------------------


@st.cache_data(max_entries=64, show_spinner=False)
def neighbours_of(spec: EmbeddingSpec, token_id: int) -> list[tuple[int, float]]:
    """The NEIGHBOURS_KEPT (50) nearest neighbours of ``token_id`` in the (cached) token table of
    ``spec`` (held whole or streamed). Always the most, so that moving the k slider only shows more or
    fewer rows. No normalised
    copy of the table is kept: it would save little per new token (docs/performance.md), and at 768
    dimensions it would cost another 154 MB per cached table."""
    tables = page_tables(spec)
    if isinstance(tables, SeededRows):  # the table streamed once, chunk by chunk: the same neighbours
        query = tables.token_rows([token_id])[0]
        return streamed_neighbours(tables.tokens.chunks(), query, token_id, NEIGHBOURS_KEPT)
    return nearest_neighbours(tables[0].layer.weight, token_id, NEIGHBOURS_KEPT)


@st.cache_resource(max_entries=1, show_spinner=False)
def verdict() -> str:
    """The shipped story, read once per server."""
    return load_verdict()


@st.cache_data(max_entries=16, show_spinner=False)
def order_of(n_windows: int, batch_size: int, shuffle: bool, seed: int) -> list[list[int]]:
    """:func:`windows.batch_order`, once per setting (shuffling 25,000 windows is not free)."""
    return windows.batch_order(n_windows, batch_size, shuffle, seed)


@st.cache_resource(max_entries=1, show_spinner=False)
def toy_table(n_vocab: int, dim: int, seed: int) -> TokenTable:
    """The seed's small table (6 x 3, seed 123): ``torch.manual_seed(seed)`` then
    ``torch.nn.Embedding(n_vocab, dim)``."""
    return build_token_table(n_vocab, dim, seed)


#: Figures of the pipeline view kept as the JSON the browser receives: a state's five charts, for the few
#: latest states of a class (at most ~0.5 MB each: a 50-token heatmap at dim 768).
SHARED_FIGURES_KEPT = 40


@st.cache_resource(show_spinner=False)
def shared_figures() -> Registry[tuple, tuple[str, str]]:
    """The pipeline's charts as sent (figure JSON and camera revision), by chart, settings and language:
    sixty students following one teacher draw each of the teacher's states once, not sixty times."""
    return Registry(max_entries=SHARED_FIGURES_KEPT)


@st.cache_resource(show_spinner=False)
def animations() -> Registry[tuple, go.Figure]:
    """Built animation figures (slow to build: docs/performance.md), by run, camera and language."""
    return Registry(max_entries=4)


@st.cache_resource(show_spinner=False)
def gpt2_tables() -> Registry[tuple[str | None, str], LoadedGpt2]:
    """GPT-2's loaded tables, by (endpoint, cache folder): one at a time."""
    return Registry(max_entries=1)


@st.cache_resource(show_spinner=False)
def gpt2_lock() -> threading.Lock:
    """Held while GPT-2's tables load, so that two runs never load them at the same time."""
    return threading.Lock()


@st.cache_data(max_entries=64, show_spinner=False)
def gpt2_neighbours(
    source: tuple[str | None, str], token_id: int, _table: torch.Tensor
) -> list[tuple[int, float]]:
    """The NEIGHBOURS_KEPT nearest neighbours of ``token_id`` in GPT-2's ``wte`` (``_table``, loaded from
    ``source``; not hashed)."""
    return nearest_neighbours(_table, token_id, NEIGHBOURS_KEPT)


@st.cache_data(max_entries=2, show_spinner=False)
def random_curve(spec: EmbeddingSpec) -> PositionCurve:
    """The random position table of ``spec`` as a 3D curve."""
    return curve_of(position_rows(spec, spec.context_length))


@st.cache_data(max_entries=8, show_spinner=False)
def random_side(spec: EmbeddingSpec, text: str) -> tuple[EmbeddingResult, Projection]:
    """The sentence with random tables of GPT-2's size, and its 3D projection. Kept, so that a warm rerun
    does not touch the 768-dim table (the pipeline keeps one large table: with a large page dim too, the
    two would push each other out on every rerun)."""
    return embedding_of(spec, text), projection_of(spec, text, "sentence")


Drawn = TypeVar("Drawn")


@st.cache_resource(max_entries=24, show_spinner=False)
def positions_part(part: str, key: tuple, _build: Callable[[], Drawn]) -> Drawn:
    """What one part of the positions view draws (its figures, their texts and numbers), built by ``_build``
    once per ``key`` and shared by every visitor. ``key`` must name all that the drawing shows: the
    settings, the sentence and the page's language. Building the Plotly figures is most of that part's
    run; a warm rerun only sends them. Nobody modifies a drawing (the Plotly host only reads a figure). A
    few small figures per entry; they give way first when memory is short (the memory budget's figures)."""
    return _build()


@st.cache_resource(show_spinner=False, on_release=lambda queue: queue.close())
def train_queue() -> TrainQueue:
    """The server's one line of training runs (:mod:`embedviz.train_queue`): as many at once as cores
        (``EMBEDVIZ_TRAINING_WORKERS``), each reserving its memory in :func:`memory_budget`, the 8 newest
        results kept, one torch thread per worker (two threads per run cost 10x the CPU under load). Clearing
    the cache closes it (its workers end)."""
    return TrainQueue(budget=memory_budget(), keep=8, worker_setup=lambda: torch.set_num_threads(1))
