"""Rows drawn from bookmarks (embedviz.rows) against the seed's code itself: ``torch.manual_seed(seed)``,
``nn.Embedding(n_vocab, dim)``, ``nn.Embedding(context_length, dim)``, built whole here; every row
must be equal bit for bit (``torch.equal``), for odd and even sizes, tiny and GPT-2-sized tables."""

from __future__ import annotations

import itertools
import threading

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from test_embeddings import SEED_TABLE  # the seed document's 6 x 3 table, typed in

from embedviz.budget import charged_bytes
from embedviz.embeddings import EmbeddingSpec, embed, embed_tokens
from embedviz.neighbours import streamed_neighbours
from embedviz.rows import BLOCK, MAX_BOOKMARKS, chunk_bounds, seeded_rows
from embedviz.tokenizer import tokenize

GPT2_VOCAB = 50_257


def seed_code(seed: int, n_vocab: int, dim: int, context_length: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The seed document's code, written out: both tables, whole."""
    torch.manual_seed(seed)
    tok = torch.nn.Embedding(n_vocab, dim)
    pos = torch.nn.Embedding(context_length, dim)
    return tok.weight.detach(), pos.weight.detach()


def streamed_whole(seed: int, n_vocab: int, dim: int, context_length: int) -> tuple[torch.Tensor, ...]:
    """Both tables put together from the bookmarks' chunks, and the same rows asked for by id."""
    rows = seeded_rows(n_vocab, dim, seed, context_length)
    tokens = torch.cat([chunk.clone() for _, chunk in rows.tokens.chunks()])
    positions = torch.cat([chunk.clone() for _, chunk in rows.positions.chunks()])
    return tokens, positions, rows.token_rows(range(n_vocab)), rows.position_rows(context_length)


def assert_same_tables(seed: int, n_vocab: int, dim: int, context_length: int) -> None:
    tok, pos = seed_code(seed, n_vocab, dim, context_length)
    tokens, positions, token_rows, position_rows = streamed_whole(seed, n_vocab, dim, context_length)
    assert torch.equal(tokens, tok) and torch.equal(token_rows, tok)
    assert torch.equal(positions, pos) and torch.equal(position_rows, pos)


def test_seed_documents_6x3_table() -> None:
    rows = seeded_rows(6, 3, 123, 4)
    got = [[round(float(v), 4) for v in row] for row in rows.token_rows(range(6)).tolist()]
    assert got == SEED_TABLE
    assert_same_tables(123, 6, 3, 4)


@pytest.mark.parametrize(
    ("n_vocab", "dim", "context_length"),
    [
        (1, 1, 1),  # one float each: torch's path for fewer than 16 numbers
        (5, 3, 1),  # 15 then 3 floats
        (16, 1, 16),
        (17, 1, 17),  # one float past a block: torch draws the last 16 again
        (33, 1, 2),
        (7, 2048, 5),
        (1000, 7, 31),
        (4099, 1, 3),  # several chunks of whole rows at dim 1
        (70_001, 1, 9),  # the remainder (1 float) joins the chunk before it
        (GPT2_VOCAB, 1, 1024),
        (GPT2_VOCAB, 3, 1024),
        (GPT2_VOCAB, 7, 8192),
        (GPT2_VOCAB, 13, 1),
    ],
)
def test_every_row_equals_the_seed_code(n_vocab: int, dim: int, context_length: int) -> None:
    assert_same_tables(123, n_vocab, dim, context_length)


@pytest.mark.parametrize(("dim", "context_length"), [(256, 1024), (768, 4), (2048, 8192)])
def test_gpt2_sized_tables_row_by_row(dim: int, context_length: int) -> None:
    """Large tables: a sample of rows from every part of the token table (first, last, chunk edges),
    every position row, and the table put together from the chunks."""
    seed = 2**32 - 1 if dim == 768 else 7
    tok, pos = seed_code(seed, GPT2_VOCAB, dim, context_length)
    rows = seeded_rows(GPT2_VOCAB, dim, seed, context_length)
    edges = [b + d for b in rows.tokens.bounds[1:-1] for d in (-1, 0)]
    ids = [0, 1, 3797, 50_256, 50_255, 3797, *edges[:40]]
    assert torch.equal(rows.token_rows(ids), tok[ids])
    assert torch.equal(rows.position_rows(context_length), pos)
    if dim == 256:
        assert torch.equal(torch.cat([chunk.clone() for _, chunk in rows.tokens.chunks()]), tok)


@settings(max_examples=40, deadline=None)
@given(
    n_vocab=st.integers(1, 3000),
    dim=st.integers(1, 64),
    context_length=st.integers(1, 300),
    seed=st.integers(0, 2**32 - 1),
)
def test_any_small_setting_equals_the_seed_code(
    n_vocab: int, dim: int, context_length: int, seed: int
) -> None:
    assert_same_tables(seed, n_vocab, dim, context_length)


@settings(max_examples=8, deadline=None)
@given(
    dim=st.integers(1, 2048),
    context_length=st.integers(1, 8192),
    seed=st.integers(0, 2**32 - 1),
    ids=st.lists(st.integers(0, GPT2_VOCAB - 1), max_size=30),
    n_positions=st.integers(0, 64),
)
def test_any_gpt2_setting_gives_the_seed_codes_rows(
    dim: int, context_length: int, seed: int, ids: list[int], n_positions: int
) -> None:
    tok, pos = seed_code(seed, GPT2_VOCAB, dim, context_length)
    rows = seeded_rows(GPT2_VOCAB, dim, seed, context_length)
    n_positions = min(n_positions, context_length)
    assert torch.equal(rows.token_rows(ids), tok[ids])
    assert torch.equal(rows.position_rows(n_positions), pos[:n_positions])


@settings(max_examples=200, deadline=None)
@given(n_rows=st.integers(0, 200_000), dim=st.integers(1, 2048))
def test_chunks_follow_torchs_blocks(n_rows: int, dim: int) -> None:
    bounds = chunk_bounds(n_rows, dim)
    sizes = [(b - a) * dim for a, b in itertools.pairwise(bounds)]
    assert bounds[0] == 0 and bounds[-1] == n_rows and all(s > 0 for s in sizes)
    assert all(s % BLOCK == 0 for s in sizes[:-1])
    assert not sizes or sizes[-1] >= BLOCK or len(sizes) == 1
    assert len(sizes) <= MAX_BOOKMARKS


def test_the_global_generator_is_left_alone() -> None:
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    seeded_rows(1000, 8, 123, 10).token_rows([1, 2])
    assert torch.equal(torch.rand(3), expected)


def test_rows_asked_again_are_the_same_and_repeats_are_allowed() -> None:
    tok, _ = seed_code(3, 5000, 40, 8)
    rows = seeded_rows(5000, 40, 3, 8)
    ids = [4999, 7, 7, 0, 2500]
    assert torch.equal(rows.token_rows(ids), tok[ids])
    assert torch.equal(rows.token_rows(ids[::-1]), tok[ids[::-1]])  # from the kept rows this time
    with pytest.raises(IndexError):
        rows.token_rows([5000])


def test_the_state_after_the_token_table_is_where_the_position_table_starts() -> None:
    torch.manual_seed(11)
    torch.nn.Embedding(300, 5)
    expected = torch.get_rng_state()
    assert torch.equal(seeded_rows(300, 5, 11, 7).rng_state_after_tokens, expected)


def test_visitors_drawing_at_once_get_the_seed_codes_rows() -> None:
    settings_ = [(seed, dim) for seed in (1, 2, 3) for dim in (5, 64)]
    expected = {s: seed_code(s[0], 4000, s[1], 16)[0][[0, 1999, 3999]] for s in settings_}
    got: dict[tuple[int, int], torch.Tensor] = {}

    def draw(seed: int, dim: int) -> None:
        got[(seed, dim)] = seeded_rows(4000, dim, seed, 16).token_rows([0, 1999, 3999])

    threads = [threading.Thread(target=draw, args=s) for s in settings_ * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(torch.equal(got[s], expected[s]) for s in settings_)


@pytest.mark.parametrize("positional", ["learned", "sinusoidal", "none"])
@pytest.mark.parametrize(
    ("seed", "dim", "context_length"), [(123, 3, 6), (0, 7, 8192), (2**32 - 1, 256, 1024)]
)
def test_a_sentence_from_rows_equals_the_seed_code(
    positional: str, seed: int, dim: int, context_length: int
) -> None:
    """The pipeline's result from bookmarks: token rows and learned positions as the seed's code gives
    them; the fixed modes as :func:`embed` gives them from whole tables (checked against the formula
    in test_embeddings)."""
    text = "the cat sat on the mat"
    spec = EmbeddingSpec("gpt2", dim, seed, context_length, positional)
    tokens = tokenize(text, "gpt2")
    result = embed_tokens(text, tokens, spec, seeded_rows(GPT2_VOCAB, dim, seed, context_length))
    tok, pos = seed_code(seed, GPT2_VOCAB, dim, context_length)
    ids = [t.id for t in tokens]
    assert torch.equal(result.token_vectors, tok[ids])
    if positional == "learned":
        assert torch.equal(result.position_vectors, pos[: len(ids)])
    else:
        whole = embed(text, dim=dim, seed=seed, context_length=context_length, positional=positional)
        assert torch.equal(result.position_vectors, whole.position_vectors)
    assert torch.equal(result.input_embeddings, result.token_vectors + result.position_vectors)


def test_streaming_keeps_no_table_in_memory() -> None:
    """Three GPT-2-sized tables at dim 768 (154 MB each) streamed on visitors' threads, their rows
    picked and their neighbours found: the process keeps their bookmarks, not the tables."""
    kept = []

    def visit(seed: int) -> None:
        rows = seeded_rows(GPT2_VOCAB, 768, seed, 1024)
        rows.token_rows([1169, 3797, 3332, 319, 262, 2603])
        streamed_neighbours(rows.tokens.chunks(), rows.token_rows([3797])[0], 3797, 50)
        kept.append(rows)

    visit(0)  # the first one settles the allocator's thresholds
    before = charged_bytes(file_allowance=0)
    for seed in (1, 2, 3):
        thread = threading.Thread(target=visit, args=(seed,))
        thread.start()
        thread.join()
    assert charged_bytes(file_allowance=0) - before < 40 * 2**20
    assert all(rows.nbytes < 2 * 2**20 for rows in kept)
