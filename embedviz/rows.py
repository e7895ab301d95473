"""Rows, not tables: the seed's token and position rows, drawn without building the tables.

The seed's code draws two tables from one random stream::

    torch.manual_seed(seed)
    tok = torch.nn.Embedding(n_vocab, dim)          # n_vocab * dim normal draws, row after row
    pos = torch.nn.Embedding(context_length, dim)   # the next context_length * dim draws

A page shows a few of those rows (the sentence's tokens, its positions), yet the whole token table of GPT-2
is 50,257 rows: 53 MB at ``dim`` 256, 154 MB at 768. The rows can be had without keeping the table,
because of how torch fills a tensor with normal numbers: in blocks of 16 (16 uniform draws turned into 16
normal ones), and, when the size is not a multiple of 16, by drawing the last 16 once more. So filling a
table in *chunks* whose sizes are multiples of 16, the last chunk carrying the remainder and at least 16
long, consumes the stream exactly as one fill does, and gives the same numbers bit for bit.

:func:`bookmark` streams a table once, chunk by chunk, and keeps only a *bookmark* per chunk: the
generator's state where the chunk starts (5 KB). Any row can then be drawn again by restoring the
bookmark of its chunk and drawing that one chunk (:meth:`Bookmarks.rows`), and the whole table can be
read again chunk by chunk without ever holding it (:meth:`Bookmarks.chunks`, for nearest neighbours).
:class:`SeededRows` holds the bookmarks of a setting's two tables: the position table's stream starts
where the token table's ends, as in the seed's code.

Every draw uses a private ``torch.Generator`` seeded like ``torch.manual_seed(seed)`` (the same
Mersenne Twister, the same numbers), so visitors drawing rows at the same moment never share a stream
and need no lock.
"""

from __future__ import annotations

import bisect
import itertools
import math
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import torch

#: torch turns uniform draws into normal ones 16 at a time (``normal_fill`` in ATen).
BLOCK = 16
#: A chunk holds at least this many floats (256 KiB): drawing one costs well under a millisecond per 16k.
MIN_CHUNK_FLOATS = 2**16
#: At most this many bookmarks per table (5 KB each): larger tables get larger chunks.
MAX_BOOKMARKS = 128
#: Rows already drawn that a table keeps, in bytes: typing adds a token or two per edit, and only
#: their chunks are drawn again.
ROW_MEMO_BYTES = 2**19


def chunk_bounds(n_rows: int, dim: int) -> tuple[int, ...]:
    """Where the chunks of an ``(n_rows, dim)`` table start, as row numbers, and ``n_rows`` at the end.

    Every chunk but the last holds a multiple of 16 floats; the last holds the remainder and at least
    16 floats (or the whole table, when it has fewer than 16). Chunks hold whole rows, so a row belongs
    to one chunk."""
    total = n_rows * dim
    if total < BLOCK:
        return (0, n_rows) if n_rows else (0,)
    step = BLOCK // math.gcd(dim, BLOCK)  # the fewest rows whose floats are a multiple of 16
    target = max(MIN_CHUNK_FLOATS, -(-total // MAX_BOOKMARKS))
    rows = -(-target // (dim * step)) * step  # at least target floats, whole rows, whole blocks
    starts = list(range(0, n_rows, rows))
    if (n_rows - starts[-1]) * dim < BLOCK and len(starts) > 1:
        starts.pop()  # a short last chunk joins the one before it
    return (*starts, n_rows)


def seeded_generator(seed: int) -> torch.Generator:
    """A private generator in the state ``torch.manual_seed(seed)`` puts the global one in."""
    return torch.Generator().manual_seed(seed)


def _draw(generator: torch.Generator, n_rows: int, dim: int, buffer: torch.Tensor) -> torch.Tensor:
    """``n_rows`` rows of normal numbers in the front of ``buffer``, as one ``normal_`` call on an
    ``(n_rows, dim)`` tensor (a view fills exactly as a fresh tensor of that size would)."""
    return buffer[: n_rows * dim].view(n_rows, dim).normal_(generator=generator)


def _largest_chunk(bounds: tuple[int, ...], dim: int) -> int:
    return max((stop - start for start, stop in itertools.pairwise(bounds)), default=0) * dim


# Memory: a chunk is drawn into one buffer per call, allocated before anything that is kept (the
# bookmarks, the picked rows). Allocating a fresh chunk for every step while small kept objects are
# allocated in between leaves the freed chunks as holes the C heap cannot give back: measured, a
# GPT-2-sized table at dim 768 streamed that way kept 147 MB resident, the size of the table.


@dataclass
class Bookmarks:
    """One table of the seed's stream, as bookmarks: the generator's state at the start of each chunk
    (``states[i]``; ``bounds[i]`` is the chunk's first row) and after the table. The rows themselves are
    drawn when asked for; a few recent ones are kept (:data:`ROW_MEMO_BYTES`). Thread-safe."""

    n_rows: int
    dim: int
    bounds: tuple[int, ...]
    states: torch.Tensor  # (n_chunks, state size) uint8: torch.Generator.get_state() of each chunk
    state_after: torch.Tensor
    _memo: OrderedDict[int, torch.Tensor] = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def chunk(self, index: int, buffer: torch.Tensor | None = None) -> torch.Tensor:
        """Chunk ``index`` drawn again: rows ``bounds[index]`` to ``bounds[index + 1] - 1`` (into the
        front of ``buffer`` when given)."""
        n_rows = self.bounds[index + 1] - self.bounds[index]
        generator = torch.Generator()
        generator.set_state(self.states[index].clone())
        return _draw(
            generator, n_rows, self.dim, torch.empty(n_rows * self.dim) if buffer is None else buffer
        )

    def chunks(self) -> Iterator[tuple[int, torch.Tensor]]:
        """The whole table, chunk by chunk, as ``(first row, rows)``: one chunk in memory at a time. Each
        chunk is drawn into the same buffer: it is valid until the next one is asked for."""
        buffer = torch.empty(_largest_chunk(self.bounds, self.dim))
        for index in range(len(self.states)):
            yield self.bounds[index], self.chunk(index, buffer)

    def rows(self, ids: Sequence[int] | torch.Tensor) -> torch.Tensor:
        """Rows ``ids`` of the table (any order, repeats allowed), shape ``(len(ids), dim)``: only the
        chunks that hold rows not drawn lately are drawn."""
        wanted = [int(i) for i in ids]
        if any(not 0 <= i < self.n_rows for i in wanted):
            raise IndexError(f"row ids must be from 0 to {self.n_rows - 1}")
        out = torch.empty(len(wanted), self.dim)
        with self._lock:  # rows kept from earlier draws (another visitor may drop them meanwhile)
            found = {i: self._memo[i] for i in wanted if i in self._memo}
            for i in found:
                self._memo.move_to_end(i)
        missing = sorted(set(wanted) - found.keys())
        picked = torch.empty(len(missing), self.dim)  # before the chunk buffer: see "Memory" above
        if missing:
            buffer = torch.empty(_largest_chunk(self.bounds, self.dim))
            for index in sorted({self._chunk_of(i) for i in missing}):
                start, chunk = self.bounds[index], self.chunk(index, buffer)
                for place, i in enumerate(missing):
                    if self._chunk_of(i) == index:
                        picked[place] = chunk[i - start]
            del buffer
        found.update({i: picked[place] for place, i in enumerate(missing)})
        keep = self._memo_rows()
        if missing:  # kept: a copy of at most the memo's size (a view would pin all that was picked)
            kept = picked[-keep:].clone()
            with self._lock:
                self._remember({i: kept[place] for place, i in enumerate(missing[-keep:])})
        for place, i in enumerate(wanted):
            out[place] = found[i]
        return out

    def _chunk_of(self, row: int) -> int:
        return bisect.bisect_right(self.bounds, row) - 1

    def _memo_rows(self) -> int:
        return max(1, ROW_MEMO_BYTES // (4 * self.dim))

    def _remember(self, rows: dict[int, torch.Tensor]) -> None:
        self._memo.update(rows)
        while len(self._memo) > self._memo_rows():
            self._memo.popitem(last=False)

    @property
    def nbytes(self) -> int:
        """Memory the bookmarks and the kept rows hold."""
        return self.states.numel() + self.state_after.numel() + 4 * self.dim * len(self._memo)


def bookmark(generator: torch.Generator, n_rows: int, dim: int) -> Bookmarks:
    """Stream an ``(n_rows, dim)`` table from ``generator`` chunk by chunk, keeping a bookmark per chunk
    and no rows; ``generator`` is left where the table's draws end (where the next table starts)."""
    bounds = chunk_bounds(n_rows, dim)
    state_size = generator.get_state().numel()
    states = torch.empty(len(bounds) - 1, state_size, dtype=torch.uint8)  # before the buffer: "Memory"
    buffer = torch.empty(_largest_chunk(bounds, dim))
    for index, (start, stop) in enumerate(itertools.pairwise(bounds)):
        states[index] = generator.get_state()
        _draw(generator, stop - start, dim, buffer)
    del buffer
    return Bookmarks(n_rows, dim, bounds, states, generator.get_state())


@dataclass(frozen=True)
class SeededRows:
    """The token table and the position table of one setting, as bookmarks in the seed's stream:
    ``torch.manual_seed(seed)``, ``nn.Embedding(n_vocab, dim)``, ``nn.Embedding(context_length, dim)``."""

    tokens: Bookmarks
    positions: Bookmarks

    def token_rows(self, ids: Sequence[int] | torch.Tensor) -> torch.Tensor:
        """``tok(torch.tensor(ids))`` of the seed's code, without the table."""
        return self.tokens.rows(ids)

    def position_rows(self, n_positions: int) -> torch.Tensor:
        """``pos(torch.arange(n_positions))`` of the seed's code, without the table."""
        return self.positions.rows(range(n_positions))

    @property
    def rng_state_after_tokens(self) -> torch.Tensor:
        """The generator's state right after the token table (where the position table starts), in the
        format of ``torch.get_rng_state()``."""
        return self.positions.states[0].clone() if len(self.positions.states) else self.positions.state_after

    @property
    def nbytes(self) -> int:
        return self.tokens.nbytes + self.positions.nbytes


def seeded_rows(n_vocab: int, dim: int, seed: int, context_length: int) -> SeededRows:
    """Stream both tables of a setting once and keep their bookmarks: the cost of drawing the tables,
    the memory of a few hundred kilobytes."""
    generator = seeded_generator(seed)
    tokens = bookmark(generator, n_vocab, dim)
    return SeededRows(tokens, bookmark(generator, context_length, dim))


__all__ = [
    "BLOCK",
    "Bookmarks",
    "SeededRows",
    "bookmark",
    "chunk_bounds",
    "seeded_generator",
    "seeded_rows",
]
