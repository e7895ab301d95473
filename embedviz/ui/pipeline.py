"""The page's cached view of the core pipeline.

Streamlit reruns the whole script on every click, and every visitor shares one server. So the expensive
things are built once and shared: the embedding tables (``st.cache_resource``, a few at a time, never
modified), the token records of a text and the 3D projection (``st.cache_data``). A warm rerun with the
same sentence and settings builds no table, tokenizes nothing and fits no PCA.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import streamlit as st
import torch
from sklearn.decomposition import PCA

from embedviz.embeddings import (
    EmbeddingResult,
    TokenTable,
    build_position_table,
    build_token_table,
    check_settings,
    embed,
    position_vectors,
)
from embedviz.errors import EmbedvizError
from embedviz.projection import Projection, fit_reference, project
from embedviz.tokenizer import Token, tokenize
from embedviz.ui.state import Settings

#: Token tables up to this size (GPT-2 up to 333 dims) are "small": three are kept, and one larger table.
#: Worst case 3 x 64 MiB + 1 x 412 MB (GPT-2 at 2048 dims): fifty visitors trying dims can't exhaust memory.
SMALL_TABLE_BYTES = 64 * 2**20


@st.cache_resource(max_entries=3, show_spinner="Building the token embedding table…")
def _small_token_table(n_vocab: int, dim: int, seed: int) -> TokenTable:
    return build_token_table(n_vocab, dim, seed)


@st.cache_resource(max_entries=1, show_spinner="Building the token embedding table…")
def _large_token_table(n_vocab: int, dim: int, seed: int) -> TokenTable:
    _large_token_table.clear()  # let go of the previous large table before drawing the next one
    return build_token_table(n_vocab, dim, seed)


def token_table(n_vocab: int, dim: int, seed: int) -> TokenTable:
    """The seeded token table, built once and shared by every visitor; never modify it."""
    cache = _small_token_table if n_vocab * dim * 4 <= SMALL_TABLE_BYTES else _large_token_table
    return cache(n_vocab, dim, seed)


def _clear_token_tables() -> None:
    _small_token_table.clear()
    _large_token_table.clear()


token_table.clear = _clear_token_tables  # like the st.cache_resource functions it stands for


@st.cache_resource(max_entries=4, show_spinner=False)
def position_table(n_vocab: int, dim: int, seed: int, context_length: int) -> torch.nn.Embedding:
    """The learned position table drawn right after :func:`token_table`."""
    return build_position_table(token_table(n_vocab, dim, seed), context_length)


@st.cache_data(max_entries=256, show_spinner=False)
def tokens_of(text: str, encoding: str) -> list[Token]:
    """Token records of ``text`` (tokenized once per distinct text)."""
    return tokenize(text, encoding)


def tables_of(settings: Settings) -> tuple[TokenTable, torch.nn.Embedding]:
    """The (cached) token and position tables for the settings; raises EmbedvizError if refused."""
    n_vocab = check_settings(
        settings.encoding, settings.dim, settings.seed, settings.context_length, settings.positional
    )
    return (
        token_table(n_vocab, settings.dim, settings.seed),
        position_table(n_vocab, settings.dim, settings.seed, settings.context_length),
    )


def embedding_of(settings: Settings, text: str | None = None) -> EmbeddingResult:
    """The pipeline's result for ``text`` (default: the sentence) with the page's settings."""
    text = settings.text if text is None else text
    return embed(
        text,
        encoding=settings.encoding,
        dim=settings.dim,
        seed=settings.seed,
        context_length=settings.context_length,
        positional=settings.positional,
        tables=tables_of(settings),
        tokens=tokens_of(text, settings.encoding),
    )


@st.cache_resource(max_entries=2, show_spinner="Fitting the fixed reference axes…")
def reference_pca(settings: Settings) -> PCA | None:
    """PCA fitted on a fixed sample of the token table plus the position table of the current mode.
    Called with :func:`table_settings`, so it is fitted once per table."""
    tokens, positions = tables_of(settings)
    table = position_vectors(settings.positional, settings.context_length, positions)
    return fit_reference(tokens.layer.weight, table)


@st.cache_data(max_entries=64, show_spinner=False)
def projection_of(settings: Settings) -> Projection:
    """The sentence's 3D projection (fitted on the sentence, or on the fixed reference).
    Called with :func:`model_settings`, so that unrelated controls do not miss the cache."""
    result = embedding_of(settings)
    pca = reference_pca(table_settings(settings)) if settings.fit == "reference" else None
    return project(result.token_vectors, result.position_vectors, result.input_embeddings, pca=pca)


def table_settings(settings: Settings) -> Settings:
    """Only the settings the tables depend on (the rest at their defaults): a cache key."""
    return Settings(
        encoding=settings.encoding,
        dim=settings.dim,
        seed=settings.seed,
        context_length=settings.context_length,
        positional=settings.positional,
    )


def model_settings(settings: Settings) -> Settings:
    """Only the settings the sentence's numbers depend on (the rest at their defaults): a cache key."""
    return replace(table_settings(settings), text=settings.text, fit=settings.fit)


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
        return Outcome(tokens, embedding_of(settings), None)
    except EmbedvizError as error:
        return Outcome(tokens, None, str(error))
