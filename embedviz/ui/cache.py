"""Every cache of the page, in one module: what is built once and shared by all visitors.

Streamlit reruns the whole script on every click, and every visitor shares one server. So the expensive
things are built once and shared: the embedding tables (``st.cache_resource``, a few at a time, never
modified), the token records of a text and the 3D projection (``st.cache_data``), nearest neighbours,
the batch order, the seed's toy table, GPT-2's loaded tables and finished training runs. A warm rerun
with the same sentence and settings builds no table, tokenizes nothing and fits no PCA.

Every ``st.cache_*`` of the app is here; views and sections call these functions and cache nothing
themselves.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Generic, TypeVar

import plotly.graph_objects as go
import streamlit as st
import torch
from sklearn.decomposition import PCA

from embedviz import windows
from embedviz.budget import MemoryBudget, resident_bytes
from embedviz.dataloader import load_verdict
from embedviz.embeddings import (
    EmbeddingResult,
    EmbeddingSpec,
    TokenTable,
    build_position_table,
    build_token_table,
    embed_tokens,
    position_vectors,
    table_bytes,
)
from embedviz.errors import EmbedvizError, MemoryBudgetExceeded
from embedviz.neighbours import nearest_neighbours
from embedviz.pretrained import LoadedGpt2, PositionCurve, curve_of
from embedviz.projection import Projection, fit_reference, project
from embedviz.tokenizer import Token, tokenize
from embedviz.train_queue import TrainQueue
from embedviz.ui.budget_text import refusal_text, refused
from embedviz.ui.i18n import language
from embedviz.ui.state import DEFAULTS, RULES, Settings

#: Token tables up to this size (GPT-2 up to 333 dims) are "small": three are kept, and one larger table,
#: besides the default setting's own. Worst case 52 MB + 3 x 64 MiB + 1 x 412 MB (GPT-2 at 2048 dims):
#: fifty visitors trying dims can't exhaust memory (and the memory budget has the last word).
SMALL_TABLE_BYTES = 64 * 2**20
#: Nearest neighbours are kept for the most the k slider offers, so moving it only shows more or fewer.
NEIGHBOURS_KEPT = RULES["k"][1]

K = TypeVar("K")
V = TypeVar("V")


@st.cache_resource(show_spinner=False)
def memory_budget() -> MemoryBudget:
    """The server's one memory budget (:mod:`embedviz.budget`): every large allocation reserves its bytes
    here first. Its limit is ``EMBEDVIZ_MEMORY_LIMIT_MB``, else the container's or the machine's memory.

    When a request does not fit, caches give way before it is refused, cheapest to rebuild first: built
    figures and projections, GPT-2's loaded tables, the reference PCA, then the tables of one setting
    after another, least recently used first, then all tables (a setting in use is drawn again on its
    next rerun) but the default setting's, which the whole class opens: they never give way.
    Made on the first large request, so the resident memory then (the process with its modules, no
    table yet) is its ``floor``: a request that would not fit even above it is refused at once, and
    the caches of everyone else stay in place (a ``?dim=2048`` link on a small server empties nothing)."""
    budget = MemoryBudget.from_environment(floor=resident_bytes())
    budget.add_evictor("built figures and projections", _evict_figures)
    budget.add_evictor("GPT-2's tables", _evict_gpt2)
    budget.add_evictor("reference PCA", lambda: reference_pca.clear())
    for _ in range(LRU_EVICTIONS):
        budget.add_evictor("the least recently used tables", _evict_least_recently_used)
    budget.add_evictor("token and position tables", _evict_all_but_default)
    return budget


def _evict_figures() -> None:
    animations().clear()
    projection_of.clear()
    random_side.clear()
    random_curve.clear()


def _evict_gpt2() -> None:
    gpt2_tables().clear()
    gpt2_neighbours.clear()


def _drawn_token_table(n_vocab: int, dim: int, seed: int, context_length: int) -> TokenTable:
    """Every token table of the app is drawn here, the one large allocation a visitor can ask for, after
    the memory budget agreed: it reserves the token table and the position table that is drawn right
    after it (``context_length`` rows), so a refusal can say which dim would fit. Only a cache miss
    gets here; a refusal raises MemoryBudgetExceeded, which Streamlit does not cache."""
    needed = table_bytes(n_vocab, dim, context_length)
    with memory_budget().reserve(needed, f"dim {dim:,}", table=(n_vocab, context_length)):
        return build_token_table(n_vocab, dim, seed)


# ``_context_length`` starts with "_": Streamlit leaves it out of the key (it only sizes the reservation).
@st.cache_resource(max_entries=3, show_spinner="Building the token embedding table…")
def _small_token_table(n_vocab: int, dim: int, seed: int, _context_length: int = 0) -> TokenTable:
    return _drawn_token_table(n_vocab, dim, seed, _context_length)


@st.cache_resource(max_entries=1, show_spinner="Building the token embedding table…")
def _large_token_table(n_vocab: int, dim: int, seed: int, _context_length: int = 0) -> TokenTable:
    _large_token_table.clear()  # let go of the previous large table before drawing the next one
    return _drawn_token_table(n_vocab, dim, seed, _context_length)


@st.cache_resource(max_entries=1, show_spinner="Building the token embedding table…")
def _default_token_table(n_vocab: int, dim: int, seed: int, _context_length: int = 0) -> TokenTable:
    return _drawn_token_table(n_vocab, dim, seed, _context_length)


def token_table(n_vocab: int, dim: int, seed: int, context_length: int = 0) -> TokenTable:
    """The seeded token table, built once and shared by every visitor; never modify it. Keyed by what
    it depends on only, so specs that differ in context length or positional mode share one table
    (``context_length`` only sizes the budget's reservation on a miss). The default setting's table
    has a cache of its own: other settings never push it out (see :func:`_evict_least_recently_used`)."""
    if (n_vocab, dim, seed) == _default_key()[:3]:
        cache = _default_token_table
    elif n_vocab * dim * 4 <= SMALL_TABLE_BYTES:
        cache = _small_token_table
    else:
        cache = _large_token_table
    return cache(n_vocab, dim, seed, context_length)


def position_table(n_vocab: int, dim: int, seed: int, context_length: int) -> torch.nn.Embedding:
    """The learned position table drawn right after :func:`token_table` (reserved on a miss); the
    default setting's has a cache of its own, like its token table."""
    default = (n_vocab, dim, seed, context_length) == _default_key()
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
        return build_position_table(tokens, context_length)


def clear_tables() -> None:
    """Forget every cached token and position table, the default setting's too (tests)."""
    _small_token_table.clear()
    _large_token_table.clear()
    _default_token_table.clear()
    _position_table.clear()
    _default_position_table.clear()
    with _last_used_lock:
        _last_used.clear()


#: When each setting's pair of tables, (n_vocab, dim, seed, context_length), was last asked for.
_last_used: dict[tuple[int, int, int, int], float] = {}
_last_used_lock = threading.Lock()
#: Settings whose tables the budget lets go one by one, least recently used first, before all of them.
LRU_EVICTIONS = 6


def _note_use(key: tuple[int, int, int, int]) -> None:
    with _last_used_lock:
        _last_used[key] = time.monotonic()


@functools.cache
def _default_key() -> tuple[int, int, int, int]:
    """The key of the default setting's tables (the page every student opens first)."""
    spec = DEFAULTS.spec
    return (spec.check(), spec.dim, spec.seed, spec.context_length)


def _evict_least_recently_used() -> None:
    """Let go of the position table of the setting used longest ago, and of its token table unless
    another context length still uses it. The default setting's tables are never let go: the whole
    class opens them, and a server short of memory refusing to rebuild them would refuse everybody
    (measured: 60 students, 690 MB, one Train press evicted them and 96 default pages were refused)."""
    pinned = _default_key()
    with _last_used_lock:
        candidates = [key for key in _last_used if key != pinned]
        if not candidates:
            return
        key = min(candidates, key=_last_used.__getitem__)
        del _last_used[key]
        shared = any(other[:3] == key[:3] for other in _last_used)
    _forget(key, shared)


def _evict_all_but_default() -> None:
    """The budget's last evictor: every setting's tables but the default one's."""
    while _last_used.keys() - {_default_key()}:
        _evict_least_recently_used()


def _forget(key: tuple[int, int, int, int], shared: bool) -> None:
    """Clear the cached position table of ``key``, and its token table unless ``shared``."""
    n_vocab, dim, seed, context_length = key
    _position_table.clear(n_vocab, dim, seed, context_length)
    if not shared:  # (never the default table: it is not in the evictors' reach)
        small = n_vocab * dim * 4 <= SMALL_TABLE_BYTES
        (_small_token_table if small else _large_token_table).clear(n_vocab, dim, seed)


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
    _note_use((n_vocab, spec.dim, spec.seed, spec.context_length))
    return tables


def embedding_of(spec: EmbeddingSpec, text: str) -> EmbeddingResult:
    """The pipeline's result for ``text`` with the cached tables and token records."""
    tables = tables_of(spec)
    return embed_tokens(text, tokens_of(text, spec.encoding), spec, tables)


@st.cache_resource(max_entries=2, show_spinner="Fitting the fixed reference axes…")
def reference_pca(spec: EmbeddingSpec) -> PCA | None:
    """PCA fitted on a fixed sample of the token table plus the position table of the spec's mode:
    fitted once per spec."""
    tokens, positions = tables_of(spec)
    table = position_vectors(spec.positional, spec.context_length, positions)
    return fit_reference(tokens.layer.weight, table)


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
        return Outcome(None, None, str(error))
    try:
        return Outcome(tokens, embedding_of(settings.spec, settings.text), None)
    except EmbedvizError as error:
        return Outcome(tokens, None, str(error))


# ---------------------------------------------------------------------------------------------------------
# Views' caches: neighbours, batches, the seed's toy table, GPT-2 and training
# ---------------------------------------------------------------------------------------------------------


@st.cache_data(max_entries=64, show_spinner=False)
def neighbours_of(spec: EmbeddingSpec, token_id: int) -> list[tuple[int, float]]:
    """The NEIGHBOURS_KEPT (50) nearest neighbours of ``token_id`` in the (cached) token table of
    ``spec``. Always the most, so that moving the k slider only shows more or fewer rows."""
    table = tables_of(spec)[0].layer.weight
    return nearest_neighbours(table, token_id, NEIGHBOURS_KEPT)


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


#: What loading GPT-2 small's tables costs at its peak: wte + wpe as float32 ((50,257 + 1,024) x 768 x 4
#: bytes, 158 MB), twice: the file is memory-mapped (its pages count as resident) while they are copied.
GPT2_LOAD_BYTES = 2 * (50_257 + 1_024) * 768 * 4


def reserved(
    nbytes: int, what: str, lang: str | None = None, budget: MemoryBudget | None = None
) -> ExitStack:
    """``nbytes`` of the memory budget, held until the returned context ends: ``with reserved(...):``
    around a large allocation that is not a table (GPT-2's tables, a download). A refusal raises
    :class:`~embedviz.ui.budget_text.Refused` (an EmbedvizError in the visitor's language, or ``lang``)
    at once, before anything is allocated."""
    held = ExitStack()
    try:
        held.enter_context((budget or memory_budget()).reserve(nbytes, what))
    except MemoryBudgetExceeded as error:
        raise refused(error, lang=lang) from None
    return held


def refusal_for(nbytes: int, what: str) -> str | None:
    """The visitor's message if ``nbytes`` could not be had now even with every cache empty (what
    others reserved and the process itself hold stay), else None: a download button is then disabled
    and says why, before anyone clicks (a refused click only gets Streamlit's "Failed to generate
    file")."""
    budget = memory_budget()
    room = budget.limit - budget.margin - budget.floor - budget.reserved
    if nbytes <= room:
        return None
    available = min(room, budget.available())
    return refusal_text(MemoryBudgetExceeded(what, nbytes, available, budget.limit), language())


def budgeted(build: Callable[[], bytes], nbytes: int, what: str) -> Callable[[], bytes]:
    """``build`` (a download, run on click on a thread without a Streamlit session) that first reserves
    ``nbytes`` of the memory budget. Budget and language are taken now, in the page's run; a refusal
    raises Refused in the visitor's language (Streamlit then says the file could not be made)."""
    budget, lang = memory_budget(), language()

    def budgeted_build() -> bytes:
        with reserved(nbytes, what, lang, budget):
            return build()

    return budgeted_build


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
    return curve_of(tables_of(spec)[1].weight)


@st.cache_data(max_entries=8, show_spinner=False)
def random_side(spec: EmbeddingSpec, text: str) -> tuple[EmbeddingResult, Projection]:
    """The sentence with random tables of GPT-2's size, and its 3D projection. Kept, so that a warm rerun
    does not touch the 768-dim table (the pipeline keeps one large table: with a large page dim too, the
    two would push each other out on every rerun)."""
    return embedding_of(spec, text), projection_of(spec, text, "sentence")


# Built animations and GPT-2's loaded tables are kept in a Registry held by
# st.cache_resource, not in an st.cache_* function of their own: a value enters only when it is complete
# (a run that was stopped half-way must not be shared), and it is produced by long code that draws
# progress on the page while it runs. A cached function can only keep its own return value.
class Registry(Generic[K, V]):
    """A small dict shared by the server's threads that keeps only its ``max_entries`` newest values
    (the oldest is dropped first). Unlike a cached function, it is filled from outside, only when a
    value is complete (a finished training run, a loaded file)."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
            return self._items.get(key)

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


@st.cache_resource(show_spinner=False, on_release=lambda queue: queue.close())
def train_queue() -> TrainQueue:
    """The server's one line of training runs (:mod:`embedviz.train_queue`): as many at once as cores
        (``EMBEDVIZ_TRAINING_WORKERS``), each reserving its memory in :func:`memory_budget`, the 8 newest
        results kept, one torch thread per worker (two threads per run cost 10x the CPU under load). Clearing
    the cache closes it (its workers end)."""
    return TrainQueue(budget=memory_budget(), keep=8, worker_setup=lambda: torch.set_num_threads(1))
