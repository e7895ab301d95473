"""One memory budget for the whole server process.

Every visitor of a Streamlit app shares one Python process, so memory is one budget: thirty students each
asking for a large table, or pressing Train at once, must not push the process over its container's limit
(on Streamlit Community Cloud the app is then killed and restarted for everybody). So every large
allocation asks first::

    with budget.reserve(table_bytes(n_vocab, dim, context_length), "GPT-2 tables at dim 2,048"):
        table = build_token_table(...)          # while it is built, its bytes are counted as reserved

How a request is judged
-----------------------
* **limit**: ``EMBEDVIZ_MEMORY_LIMIT_MB`` when set (a bad value is ignored with a warning), else the
  container's limit (cgroup v2 ``memory.max``, cgroup v1 ``memory.limit_in_bytes``; "max" or a huge
  number means none), else the machine's ``MemTotal`` (the smallest of these when several apply).
* **used**: what the kernel charges the process that it cannot take back (:func:`charged_bytes`: its
  anonymous memory, ``RssAnon + RssShmem`` of ``/proc/self/status``, plus an allowance for the pages of
  mapped files the app keeps hot), plus what others have reserved and not yet released (their
  allocation may not have happened yet). The rest of the resident set, library code the app does not
  run, is file-backed: under a container's limit the kernel drops those pages before it kills anything,
  so counting them (total RSS) would refuse requests that fit.
* **margin**: kept free for the short-lived allocations nobody reserves; larger ones reserve their
  bytes for as long as they live (:meth:`MemoryBudget.transient`).
* **floor** (optional): resident memory no evictor can free (the process with its modules loaded). A
  request larger than ``limit - margin - floor - reserved`` cannot fit whatever gives way: it is
  refused at once and every cache stays.

A request fits when ``used + needed <= limit - margin``. If it does not, the registered *evictors*
(callables that free a cache, e.g. the tables of other settings) are asked one after another, until it
fits; only then is it refused with :class:`~embedviz.errors.MemoryBudgetExceeded`, whose fields let the
page say what would fit right now (:func:`largest_dim`).

A reservation counts until it is released (end of the ``with`` block): hold it while the memory is being
allocated (a table) or for as long as it is in use (a training run). Meanwhile the bytes already
allocated count twice (RSS and reserved): the budget errs on the safe side.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import os
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from embedviz.embeddings import MAX_DIM, table_bytes
from embedviz.errors import MemoryBudgetExceeded

if TYPE_CHECKING:
    from embedviz.training import TrainConfig

LIMIT_VARIABLE = "EMBEDVIZ_MEMORY_LIMIT_MB"
#: Kept free for allocations nobody reserves (figures, PCA, a rerun's temporaries).
DEFAULT_MARGIN_BYTES = 64 * 2**20
#: A cgroup v1 limit at or above this means "no limit" (the kernel writes 2**63 - 4096 rounded to pages).
UNLIMITED_V1 = 2**60
#: What the first training run of a process costs once on top of its own memory (torch's autograd,
#: optimizer and kernels load lazily): measured 118-123 MiB, see :func:`training_bytes`.
FIRST_RUN_EXTRA_BYTES = 128 * 2**20

#: File-backed pages (the code of torch, Python, Streamlit, NumPy; the shipped token ranks) a server keeps
#: using while it serves a class: under a cgroup limit the kernel can reclaim every other file page
#: without the server slowing down. Measured in docs/capacity.md.
HOT_FILE_BYTES = 64 * 2**20

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sources:
    """Where the limit and the resident memory are read (tests point these at temporary files)."""

    cgroup_v2: Path = Path("/sys/fs/cgroup/memory.max")
    cgroup_v1: Path = Path("/sys/fs/cgroup/memory/memory.limit_in_bytes")
    meminfo: Path = Path("/proc/meminfo")
    statm: Path = Path("/proc/self/statm")
    status: Path = Path("/proc/self/status")
    own_groups: Path = Path("/proc/self/cgroup")
    cgroup_v1_root: Path = Path("/sys/fs/cgroup/memory")


@dataclass(frozen=True)
class Limit:
    """A memory limit in bytes and where it came from (for the page's "about" and the benchmarks)."""

    bytes: int
    source: str


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except OSError:
        return None


def _env_limit(environ: Mapping[str, str]) -> int | None:
    raw = environ.get(LIMIT_VARIABLE)
    if raw is None or not raw.strip():
        return None
    try:
        megabytes = float(raw)
    except ValueError:
        megabytes = float("nan")
    if not 16 <= megabytes <= 2**30:  # also False for nan and inf
        warnings.warn(
            f"{LIMIT_VARIABLE}={raw[:40]!r} is not a number of megabytes from 16 to 2**30; ignored, "
            "the limit comes from the container or the machine.",
            stacklevel=3,
        )
        return None
    return int(megabytes * 2**20)


def _meminfo_total(path: Path) -> int | None:
    for line in (_read(path) or "").splitlines():
        name, _, rest = line.partition(":")
        if name == "MemTotal":
            parts = rest.split()
            if parts and parts[0].isdigit():
                return int(parts[0]) * 1024  # the kernel writes kB (KiB)
    return None


def _number(text: str | None) -> int | None:
    return int(text) if text is not None and text.isdigit() else None


def _own_v1_limit_file(sources: Sources) -> Path | None:
    """``memory.limit_in_bytes`` of the process's own v1 memory group (``N:memory:/path`` in
    ``/proc/self/cgroup``), when the mount shows more than the process's group (a child group)."""
    for line in (_read(sources.own_groups) or "").splitlines():
        parts = line.split(":", 2)
        if len(parts) == 3 and "memory" in parts[1].split(",") and parts[2].strip("/"):
            return sources.cgroup_v1_root / parts[2].strip("/") / "memory.limit_in_bytes"
    return None


def read_limit(environ: Mapping[str, str] | None = None, sources: Sources = Sources()) -> Limit:
    """The process's memory limit: the variable, else the smallest of the container's and the machine's."""
    environ = os.environ if environ is None else environ
    from_env = _env_limit(environ)
    if from_env is not None:
        return Limit(from_env, LIMIT_VARIABLE)
    found: list[Limit] = []
    v2 = _number(_read(sources.cgroup_v2))  # "max": no limit
    if v2:
        found.append(Limit(v2, f"cgroup v2 {sources.cgroup_v2}"))
    for path in (sources.cgroup_v1, _own_v1_limit_file(sources)):
        v1 = _number(_read(path)) if path else None
        if v1 and v1 < UNLIMITED_V1:
            found.append(Limit(v1, f"cgroup v1 {path}"))
    total = _meminfo_total(sources.meminfo)
    if total:
        found.append(Limit(total, f"MemTotal of {sources.meminfo}"))
    if not found:
        raise RuntimeError("No memory limit found: set EMBEDVIZ_MEMORY_LIMIT_MB.")
    return min(found, key=lambda limit: limit.bytes)


def resident_bytes(statm: Path = Sources.statm) -> int:
    """The process's resident set size (RSS) now, from ``/proc/self/statm`` (its second field, in pages)."""
    text = _read(statm)
    if text is None:
        return 0  # no /proc (not Linux): the budget then counts reservations only
    return int(text.split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _status_kib(text: str, *names: str) -> int | None:
    """The sum of ``names`` in a ``/proc/PID/status`` text (kB, i.e. KiB), None if one is missing."""
    values = {}
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        if name in names and rest.split() and rest.split()[0].isdigit():
            values[name] = int(rest.split()[0])
    return sum(values.values()) if len(values) == len(names) else None


def charged_bytes(
    status: Path = Sources.status, statm: Path = Sources.statm, file_allowance: int | None = None
) -> int:
    """What the kernel charges the process and cannot reclaim: anonymous memory (``RssAnon`` +
    ``RssShmem``, ``/proc/self/status``) plus ``file_allowance`` (default :data:`HOT_FILE_BYTES`) for the
    pages of mapped files the app keeps using. Without those fields (an old kernel): the whole RSS."""
    kib = _status_kib(_read(status) or "", "RssAnon", "RssShmem")
    if kib is None:
        return resident_bytes(statm)
    return kib * 1024 + (HOT_FILE_BYTES if file_allowance is None else file_allowance)


def release_freed_memory() -> None:
    """Collect garbage and hand freed heap pages back to the system (glibc ``malloc_trim``), so that RSS
    drops after a cache let go of its tensors."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to hand back
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def largest_dim(n_vocab: int, context_length: int, available: int) -> int:
    """The largest dim whose token + position tables (float32) fit in ``available`` bytes (at most
    MAX_DIM; 0 when not even dim 1 fits)."""
    per_dim = table_bytes(n_vocab, 1, context_length)
    return max(0, min(MAX_DIM, available // per_dim))


def tiny_gpt_parameters(config: TrainConfig, n_text_tokens: int) -> int:
    """How many numbers :class:`~embedviz.training.TinyGPT` trains: compact token rows, position rows,
    the projection down to the block's width (dims above it), per block 12 w² + 13 w (attention's
    in/out projections, the 4x MLP, two LayerNorms), the final LayerNorm, the output head."""
    dim, width = config.dim, config.width
    block = 12 * width * width + 13 * width
    return (
        n_text_tokens * dim
        + config.max_length * dim
        + (dim * width if width < dim else 0)
        + config.n_blocks * block
        + 2 * width
        + width * n_text_tokens
    )


def training_bytes(
    config: TrainConfig, n_text_tokens: int, n_sentence_tokens: int = 64, *, first_run: bool = False
) -> int:
    """Estimated peak memory of one :func:`embedviz.training.train` run, in bytes (float32).

    * parameters of :class:`~embedviz.training.TinyGPT` (compact token rows, position rows, the
      projection down to the block's width, the blocks, the final norm, the output head), four times:
      the values, their gradients and Adam's two moving averages;
    * activations of one batch: the logits and their softmax and gradient (``n_text_tokens`` per
      position), about 30 numbers of width per position inside a block, the attention weights;
    * the snapshots (three vectors per sentence token each) and the id map (``n_vocab`` int64).

    Calibration (dim 256, 150 steps, 1,416 text tokens, one thread; peak RSS sampled every 2 ms): a
    run grows RSS by 15-21 MiB at its peak; this estimate says 44 MB, so it errs on the safe side.
    The first run in a process also loads torch's autograd and kernels: +118 MiB once
    (``first_run``: 138 MiB measured in all)."""
    dim, width, length, batch = config.dim, config.width, config.max_length, config.batch_size
    params = tiny_gpt_parameters(config, n_text_tokens)
    activations = batch * length * (3 * n_text_tokens + 30 * width * config.n_blocks + 2 * dim)
    activations += batch * config.heads * length * length * 3 * config.n_blocks
    n_snapshots = config.steps // config.snapshot_every + 2
    snapshots = n_snapshots * 3 * n_sentence_tokens * dim
    ids = 50_257 * 2  # int64 GPT-2 id -> compact id map, in float32 units
    total = 4 * (4 * params + activations + snapshots + ids)
    return total + (FIRST_RUN_EXTRA_BYTES if first_run else 0)


class MemoryBudget:
    """The server's memory budget: :meth:`reserve` before a large allocation. Thread-safe."""

    def __init__(
        self,
        limit: int,
        *,
        margin: int = DEFAULT_MARGIN_BYTES,
        rss: Callable[[], int] = charged_bytes,
        release: Callable[[], None] = release_freed_memory,
        source: str = "given",
        floor: int = 0,
    ) -> None:
        """``floor``: resident bytes no evictor can free (e.g. the process with its modules loaded). A
        request larger than ``limit - margin - floor - reserved`` is judged without asking the
        evictors, so no cache is emptied in vain (0: always ask them when short)."""
        self.limit = limit
        self.source = source
        self.margin = margin
        self.floor = floor
        self._rss = rss
        self._release = release
        self._reserved = 0
        self._evictors: list[tuple[str, Callable[[], object]]] = []
        self._lock = threading.RLock()

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str] | None = None, sources: Sources = Sources(), **options: object
    ) -> MemoryBudget:
        """A budget with the limit of :func:`read_limit` and the charge of :func:`charged_bytes` read
        from ``sources.status``."""
        limit = read_limit(environ, sources)
        rss = lambda: charged_bytes(sources.status, sources.statm)  # noqa: E731
        return cls(limit.bytes, rss=rss, source=limit.source, **options)  # type: ignore[arg-type]

    @property
    def reserved(self) -> int:
        """Bytes reserved and not yet released."""
        return self._reserved

    def used(self) -> int:
        """Resident memory plus reservations."""
        return self._rss() + self._reserved

    def available(self) -> int:
        """Bytes a new request could have right now without asking any cache to give way (may be < 0)."""
        return self.limit - self.margin - self.used()

    def add_evictor(self, name: str, evict: Callable[[], object]) -> None:
        """Register a callable that frees a cache. Evictors are asked in the order they were added, and
        must not reserve memory themselves."""
        with self._lock:
            self._evictors.append((name, evict))

    def _make_room(self, needed: int) -> int:
        """Ask evictors, in order, until ``needed`` bytes are available; return what is available."""
        available = self.available()
        for name, evict in self._evictors:
            if available >= needed:
                break
            log.info("memory budget: %s gives way (%d bytes short)", name, needed - available)
            evict()
            self._release()
            available = self.available()
        return available

    def _room_for(self, nbytes: int) -> int:
        """Bytes available for ``nbytes`` once caches gave way; they are asked only when emptying all of
        them could make room (above ``floor``), so that a hopeless request empties nothing."""
        if nbytes > self.limit - self.margin - self.floor - self._reserved:
            return self.available()
        return self._make_room(nbytes)

    @contextmanager
    def _held(self, nbytes: int) -> Iterator[int]:
        """Count ``nbytes`` (already granted under the lock) as reserved until the block ends."""
        try:
            yield nbytes
        finally:
            with self._lock:
                self._reserved -= nbytes

    def transient(self, nbytes: int) -> contextlib.AbstractContextManager[int]:
        """Count ``nbytes`` as reserved for the ``with`` block without ever refusing: a short-lived
        allocation the page cannot do without (a PCA, a figure's JSON, messages queued for browsers).
        Caches give way first if it does not fit, and other requests meanwhile see it."""
        nbytes = max(0, nbytes)
        with self._lock:
            self._room_for(nbytes)
            self._reserved += nbytes
        return self._held(nbytes)

    def reserve(
        self, nbytes: int, what: str, *, table: tuple[int, int] | None = None
    ) -> contextlib.AbstractContextManager[int]:
        """Reserve ``nbytes`` for the ``with`` block, after caches gave way if needed.

        Raises :class:`MemoryBudgetExceeded` when it still does not fit; with ``table=(n_vocab,
        context_length)`` its ``largest_dim`` says which dim would fit instead."""
        if nbytes < 0:
            raise ValueError(f"cannot reserve {nbytes} bytes")
        with self._lock:
            available = self._room_for(nbytes)
            if nbytes > available:
                largest = largest_dim(*table, available) if table else None
                raise MemoryBudgetExceeded(what, nbytes, available, self.limit, largest)
            self._reserved += nbytes
        return self._held(nbytes)


__all__ = [
    "DEFAULT_MARGIN_BYTES",
    "FIRST_RUN_EXTRA_BYTES",
    "HOT_FILE_BYTES",
    "LIMIT_VARIABLE",
    "Limit",
    "MemoryBudget",
    "Sources",
    "charged_bytes",
    "largest_dim",
    "read_limit",
    "release_freed_memory",
    "resident_bytes",
    "tiny_gpt_parameters",
    "training_bytes",
]
