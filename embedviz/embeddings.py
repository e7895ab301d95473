"""Stages 2-4: token ids -> token vectors, positions -> position vectors, and their sum.

An embedding layer is a lookup table: row ``i`` of ``torch.nn.Embedding(n_vocab, dim)`` is the vector of
token ``i``. Before training its values are random (normal, mean 0, std 1), and they are trainable
parameters. A token vector alone says nothing about *where* the token stands, so GPT adds a second table,
``torch.nn.Embedding(context_length, dim)``, with one learned vector per position 0, 1, 2, ... The model's
input is the sum: ``input_embeddings = token_vectors + position_vectors``.

The reproduction contract (every number embedviz shows follows it)::

    torch.manual_seed(seed)
    tok = torch.nn.Embedding(n_vocab, dim)
    pos = torch.nn.Embedding(context_length, dim)
    token_vectors = tok(torch.tensor(ids))
    position_vectors = pos(torch.arange(len(ids)))
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from embedviz.errors import MemoryBudgetError, SettingError, TooManyTokensError
from embedviz.positions import sinusoidal_positions
from embedviz.rows import SeededRows, seeded_generator
from embedviz.tokenizer import ENCODINGS, Token, get_encoding, tokenize

POSITIONAL_MODES: dict[str, str] = {
    "learned": "learned absolute positions, as in GPT (nn.Embedding(context_length, dim))",
    "sinusoidal": "fixed sine/cosine positions (Vaswani et al. 2017)",
    "none": "no position information (a bag of words)",
}
MAX_DIM = 2048
MAX_CONTEXT_LENGTH = 8192
MAX_SEED = 2**32 - 1
#: The largest pair of tables (token + position, float32) embedviz builds: 512 MiB.
MAX_TABLE_BYTES = 512 * 2**20

# torch.manual_seed sets a process-wide generator; code that draws from it (a training run's blocks) holds
# this lock, so that two visitors never interleave their draws. The tables themselves are drawn from a
# private generator in the same state (embedviz.rows.seeded_generator) and need no lock.
RNG_LOCK = threading.Lock()


def table_bytes(n_vocab: int, dim: int, context_length: int) -> int:
    """Bytes of a float32 token table plus position table."""
    return (n_vocab + context_length) * dim * 4


@dataclass(frozen=True)
class EmbeddingSpec:
    """The five settings that name a pair of seeded tables and how positions are added: the cache key of
    the page's tables and results, the tables of a training run, and the settings of generated code.

    ``EmbeddingSpec()`` is the seed's example: GPT-2's encoding, 256 dimensions, seed 123, 1,024 learned
    positions. Building one checks nothing (a link may carry any value); :meth:`check` does.
    """

    encoding: str = "gpt2"
    dim: int = 256
    seed: int = 123
    context_length: int = 1024
    positional: str = "learned"

    def check(self) -> int:
        """Raise a :class:`SettingError` or :class:`MemoryBudgetError` for settings embedviz refuses;
        return the encoding's vocabulary size otherwise."""
        if self.positional not in POSITIONAL_MODES:
            raise SettingError(
                f"Unknown positional mode {str(self.positional)[:40]!r}. "
                f"Choose one of: {', '.join(POSITIONAL_MODES)}.",
                key="error.positional",
                name=repr(str(self.positional)[:40]),
                choices=", ".join(POSITIONAL_MODES),
            )
        for name, value, low, high in (
            ("dim", self.dim, 1, MAX_DIM),
            ("context_length", self.context_length, 1, MAX_CONTEXT_LENGTH),
            ("seed", self.seed, 0, MAX_SEED),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise SettingError.out_of_range(name, value, low, high)
        n_vocab = get_encoding(self.encoding).n_vocab
        needed = table_bytes(n_vocab, self.dim, self.context_length)
        if needed > MAX_TABLE_BYTES:
            largest = MAX_TABLE_BYTES // ((n_vocab + self.context_length) * 4)
            raise MemoryBudgetError(
                f"{ENCODINGS[self.encoding].split(' (')[0]} at {self.dim:,} dimensions needs tables of "
                f"{needed / 1e9:.2f} GB ({n_vocab:,} + {self.context_length:,} rows x {self.dim:,} x 4 "
                f"bytes); the limit is {MAX_TABLE_BYTES / 2**20:.0f} MiB. Choose at most {largest:,} "
                f"dimensions for this encoding.",
                encoding=ENCODINGS[self.encoding].split(" (")[0],
                dim=self.dim,
                gigabytes=needed / 1e9,
                n_vocab=n_vocab,
                context_length=self.context_length,
                limit_mib=MAX_TABLE_BYTES / 2**20,
                largest=largest,
            )
        return n_vocab


def check_settings(encoding: str, dim: int, seed: int, context_length: int, positional: str) -> int:
    """``EmbeddingSpec(encoding, dim, seed, context_length, positional).check()``, for loose values."""
    return EmbeddingSpec(encoding, dim, seed, context_length, positional).check()


@dataclass(frozen=True)
class TokenTable:
    """A seeded token embedding layer, and the random generator's state right after it was drawn
    (the position table is drawn next, from exactly that state). Never modify ``layer``: it is shared."""

    layer: torch.nn.Embedding
    rng_state_after: torch.Tensor


def _drawn_layer(generator: torch.Generator, n_rows: int, dim: int) -> torch.nn.Embedding:
    """``torch.nn.Embedding(n_rows, dim)`` with its normal draws taken from ``generator``, frozen."""
    layer = torch.nn.Embedding(n_rows, dim, _weight=torch.empty(n_rows, dim).normal_(generator=generator))
    layer.requires_grad_(False)
    return layer


def build_token_table(n_vocab: int, dim: int, seed: int) -> TokenTable:
    """``torch.manual_seed(seed)`` then ``torch.nn.Embedding(n_vocab, dim)``, frozen (drawn from a private
    generator in the state ``torch.manual_seed(seed)`` gives: the same numbers, the global one untouched)."""
    generator = seeded_generator(seed)
    layer = _drawn_layer(generator, n_vocab, dim)
    return TokenTable(layer, generator.get_state())


def build_position_table(token_table: TokenTable, context_length: int) -> torch.nn.Embedding:
    """The learned position layer ``torch.nn.Embedding(context_length, dim)``, drawn right after the
    token table with the same seed, exactly as the seed document's code does."""
    generator = torch.Generator()
    generator.set_state(token_table.rng_state_after)
    return _drawn_layer(generator, context_length, token_table.layer.embedding_dim)


def build_tables(spec: EmbeddingSpec, n_vocab: int) -> tuple[TokenTable, torch.nn.Embedding]:
    """The token table and the position table of a checked ``spec`` (``n_vocab`` from ``spec.check()``),
    drawn in the seed's order. Builds every time: callers keep what they build (the app in
    :mod:`embedviz.ui.cache`, :func:`embed` in a small cache of its own)."""
    token_table = build_token_table(n_vocab, spec.dim, spec.seed)
    return token_table, build_position_table(token_table, spec.context_length)


@functools.lru_cache(maxsize=2)
def _notebook_tables(spec: EmbeddingSpec, n_vocab: int) -> tuple[TokenTable, torch.nn.Embedding]:
    """:func:`build_tables` for :func:`embed` (notebooks, scripts): the last two specs are kept. The app
    never calls it; its tables are in :mod:`embedviz.ui.cache`."""
    return build_tables(spec, n_vocab)


def position_vectors(positional: str, n_tokens: int, position_table: torch.nn.Embedding) -> torch.Tensor:
    """Position vectors for positions ``0..n_tokens-1`` in the given mode, shape ``(n_tokens, dim)``."""
    if positional == "learned":
        with torch.no_grad():
            return position_table(torch.arange(n_tokens))
    return fixed_position_vectors(positional, n_tokens, position_table.embedding_dim)


def fixed_position_vectors(positional: str, n_tokens: int, dim: int) -> torch.Tensor:
    """The modes that need no table: ``"sinusoidal"`` (:func:`sinusoidal_positions`), ``"none"`` (zeros)."""
    if positional == "sinusoidal":
        return sinusoidal_positions(n_tokens, dim)
    return torch.zeros(n_tokens, dim)


class HasSpec:
    """The five settings of a class's ``spec`` field, readable as its own attributes (``result.dim``)."""

    spec: EmbeddingSpec

    @property
    def encoding(self) -> str:
        return self.spec.encoding

    @property
    def dim(self) -> int:
        return self.spec.dim

    @property
    def seed(self) -> int:
        return self.spec.seed

    @property
    def context_length(self) -> int:
        return self.spec.context_length

    @property
    def positional(self) -> str:
        return self.spec.positional


@dataclass(frozen=True)
class EmbeddingResult(HasSpec):
    """Everything the pipeline computed for one text. The tensors are fresh copies, float32,
    shape ``(n_tokens, dim)``; ``input_embeddings == token_vectors + position_vectors`` exactly."""

    text: str
    spec: EmbeddingSpec  # the settings the result was computed with
    tokens: list[Token]
    token_vectors: torch.Tensor
    position_vectors: torch.Tensor
    input_embeddings: torch.Tensor

    @property
    def token_ids(self) -> list[int]:
        return [token.id for token in self.tokens]

    @property
    def n_tokens(self) -> int:
        return len(self.tokens)


def check_length(tokens: list[Token], spec: EmbeddingSpec) -> None:
    """Raise :class:`TooManyTokensError` if there are more tokens than position rows."""
    if len(tokens) > spec.context_length:
        raise TooManyTokensError(len(tokens), spec.context_length)


#: Where a result's rows come from: the two whole tables, or their rows drawn from bookmarks.
Tables = tuple[TokenTable, torch.nn.Embedding]


def token_rows_of(tables: Tables | SeededRows, ids: Sequence[int] | torch.Tensor) -> torch.Tensor:
    """``tok(torch.tensor(ids))`` of the seed's code: rows of the whole token table or drawn from its
    bookmarks (the same numbers), a new tensor of shape ``(len(ids), dim)``."""
    if isinstance(tables, SeededRows):
        return tables.token_rows(ids)
    with torch.no_grad():
        return tables[0].layer(torch.as_tensor(ids, dtype=torch.long))


def position_rows_of(tables: Tables | SeededRows, n_positions: int) -> torch.Tensor:
    """``pos(torch.arange(n_positions))`` of the seed's code: the learned position rows ``0..n-1``."""
    if isinstance(tables, SeededRows):
        return tables.position_rows(n_positions)
    return position_vectors("learned", n_positions, tables[1])


def first_positions(tables: Tables | SeededRows, spec: EmbeddingSpec, n_positions: int) -> torch.Tensor:
    """The position vectors of positions ``0..n-1`` in ``spec``'s mode: the learned table's first rows
    (whole or drawn from its bookmarks), else the fixed ones (:func:`fixed_position_vectors`)."""
    if spec.positional == "learned":
        return position_rows_of(tables, n_positions)
    return fixed_position_vectors(spec.positional, n_positions, spec.dim)


def rng_state_after_tokens(tables: Tables | SeededRows) -> torch.Tensor:
    """The generator's state right after the token table: where the position table's draws start."""
    return tables.rng_state_after_tokens if isinstance(tables, SeededRows) else tables[0].rng_state_after


def embed_tokens(
    text: str, tokens: list[Token], spec: EmbeddingSpec, tables: Tables | SeededRows
) -> EmbeddingResult:
    """The lookup and the sum for tokens of ``text``, with the tables of a checked ``spec``, whole or as
    :class:`~embedviz.rows.SeededRows` (the same numbers: only the rows are drawn).

    The layer under :func:`embed` for a caller that keeps its own tables and token records (the app's
    cache layer): it checks only the number of tokens, not the spec again.
    """
    check_length(tokens, spec)
    n_tokens = len(tokens)
    token_vectors = token_rows_of(tables, [t.id for t in tokens])
    positions = first_positions(tables, spec, n_tokens)
    return EmbeddingResult(
        text=text,
        spec=spec,
        tokens=tokens,
        token_vectors=token_vectors,
        position_vectors=positions,
        input_embeddings=token_vectors + positions,
    )


def embed(
    text: str,
    *,
    encoding: str = "gpt2",
    dim: int = 256,
    seed: int = 123,
    context_length: int = 1024,
    positional: str = "learned",
) -> EmbeddingResult:
    """Run the pipeline: tokenize ``text``, look up token vectors, add position vectors.

    An empty text gives a result with 0 tokens (tensors of shape ``(0, dim)``). Raises only
    :class:`~embedviz.errors.EmbedvizError` subclasses for bad input or settings. The tables of the
    last two settings are kept between calls.
    """
    spec = EmbeddingSpec(encoding, dim, seed, context_length, positional)
    n_vocab = spec.check()
    tokens = tokenize(text, encoding)
    check_length(tokens, spec)  # before building tables nobody will use
    return embed_tokens(text, tokens, spec, _notebook_tables(spec, n_vocab))


def table_fingerprint(layer: torch.nn.Embedding) -> str:
    """A short hash of a table's values, to prove that nothing changed a shared table."""
    return hashlib.sha256(layer.weight.detach().numpy().tobytes()).hexdigest()[:16]


__all__ = [
    "MAX_CONTEXT_LENGTH",
    "MAX_DIM",
    "MAX_SEED",
    "MAX_TABLE_BYTES",
    "POSITIONAL_MODES",
    "EmbeddingResult",
    "EmbeddingSpec",
    "Tables",
    "TokenTable",
    "build_position_table",
    "build_tables",
    "build_token_table",
    "check_length",
    "check_settings",
    "embed",
    "embed_tokens",
    "first_positions",
    "fixed_position_vectors",
    "position_rows_of",
    "position_vectors",
    "rng_state_after_tokens",
    "sinusoidal_positions",
    "table_fingerprint",
    "token_rows_of",
]
