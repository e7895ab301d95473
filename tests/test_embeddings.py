"""Stages 2-4 (token vectors, position vectors, their sum) against independent computations: the 6 x 3
table printed in the seed document (typed in by hand), the seed's plain PyTorch code written out here
(``torch.manual_seed``; ``nn.Embedding(50257, dim)``; ``nn.Embedding(context_length, dim)``), the
sinusoidal formula evaluated with Python's ``math``, and byte counts done by hand for the memory budget."""

from __future__ import annotations

import math
import threading
from types import SimpleNamespace

import pytest
import torch

import embedviz.embeddings as embeddings_module
from embedviz import (
    MemoryBudgetError,
    SettingError,
    TooManyTokensError,
    embed,
    encode,
    sinusoidal_positions,
)
from embedviz.embeddings import (
    EmbeddingSpec,
    _notebook_tables,
    build_position_table,
    build_token_table,
    check_settings,
    table_fingerprint,
)

# The seed document's output of torch.manual_seed(123); torch.nn.Embedding(6, 3).weight
SEED_TABLE = [
    [0.3374, -0.1778, -0.1690],
    [0.9178, 1.5810, 1.3010],
    [1.2753, -0.2010, -0.1606],
    [-0.4015, 0.9666, -1.1481],
    [-1.1589, 0.3255, -0.6315],
    [-2.8400, -0.7849, -1.4096],
]
BOOK_SENTENCE = "Hello, do you like tea? <|endoftext|> In the sunlit terraces of someunknownPlace."
CAT = "the cat sat on the mat"


def _round4_equal(actual: torch.Tensor, expected: list[list[float]]) -> None:
    got = [[round(float(value), 4) for value in row] for row in actual.tolist()]
    assert got == expected


def test_seed_documents_6x3_table() -> None:
    table = build_token_table(6, 3, 123)
    _round4_equal(table.layer.weight, SEED_TABLE)


def test_seed_documents_lookup_of_token_3() -> None:
    table = build_token_table(6, 3, 123)
    _round4_equal(table.layer(torch.tensor([3])), [[-0.4015, 0.9666, -1.1481]])


def _plain_torch(ids: list[int], seed: int, dim: int, context_length: int) -> tuple[torch.Tensor, ...]:
    """The seed document's code, written out."""
    torch.manual_seed(seed)
    token_embedding_layer = torch.nn.Embedding(50257, dim)
    pos_embedding_layer = torch.nn.Embedding(context_length, dim)
    with torch.no_grad():
        token_embeddings = token_embedding_layer(torch.tensor(ids))
        pos_embeddings = pos_embedding_layer(torch.arange(len(ids)))
    return token_embeddings, pos_embeddings, token_embeddings + pos_embeddings


@pytest.mark.parametrize(
    ("text", "seed", "dim", "context_length"),
    [
        (CAT, 123, 3, 6),
        (BOOK_SENTENCE, 0, 5, 20),
        (BOOK_SENTENCE, 123, 16, 1024),
        (CAT, 2**32 - 1, 7, 8192),
        (BOOK_SENTENCE, 123, 256, 1024),
        ("the cat sat on", 42, 256, 4),  # exactly full: 4 tokens, 4 positions
    ],
)
def test_embed_matches_plain_torch(text: str, seed: int, dim: int, context_length: int) -> None:
    result = embed(text, dim=dim, seed=seed, context_length=context_length)
    token, position, combined = _plain_torch(result.token_ids, seed, dim, context_length)
    assert result.token_ids == encode(text)
    assert torch.equal(result.token_vectors, token)
    assert torch.equal(result.position_vectors, position)
    assert torch.equal(result.input_embeddings, combined)
    assert result.input_embeddings.dtype == torch.float32


def _sinusoid_by_hand(n_positions: int, dim: int) -> list[list[float]]:
    table = []
    for p in range(n_positions):
        row = []
        for j in range(dim):
            two_i = j - j % 2
            angle = p / 10000 ** (two_i / dim)
            row.append(math.sin(angle) if j % 2 == 0 else math.cos(angle))
        table.append(row)
    return table


@pytest.mark.parametrize("dim", [1, 2, 3, 8, 17, 64])
def test_sinusoidal_formula(dim: int) -> None:
    expected = torch.tensor(_sinusoid_by_hand(50, dim), dtype=torch.float64)
    actual = sinusoidal_positions(50, dim)
    assert actual.shape == (50, dim) and actual.dtype == torch.float32
    assert torch.allclose(actual.double(), expected, atol=1e-6, rtol=0)


def test_embed_sinusoidal_uses_the_formula() -> None:
    result = embed(BOOK_SENTENCE, dim=9, positional="sinusoidal")
    expected = torch.tensor(_sinusoid_by_hand(result.n_tokens, 9), dtype=torch.float64)
    assert torch.allclose(result.position_vectors.double(), expected, atol=1e-6, rtol=0)
    token, _, _ = _plain_torch(result.token_ids, 123, 9, 1024)
    assert torch.equal(result.token_vectors, token)


def test_no_positions_is_a_bag_of_words() -> None:
    result = embed(CAT, dim=8, positional="none")
    assert torch.equal(result.position_vectors, torch.zeros(6, 8))
    assert torch.equal(result.input_embeddings, result.token_vectors)
    # " a" at positions 1 and 2: one point without positions, two points with learned positions
    repeated = embed("a a a", dim=8, positional="none")
    assert repeated.token_ids[1] == repeated.token_ids[2]
    assert torch.equal(repeated.input_embeddings[1], repeated.input_embeddings[2])
    learned = embed("a a a", dim=8, positional="learned")
    assert not torch.equal(learned.input_embeddings[1], learned.input_embeddings[2])


@pytest.mark.parametrize("positional", ["learned", "sinusoidal", "none"])
def test_input_is_exactly_token_plus_position(positional: str) -> None:
    result = embed(BOOK_SENTENCE, dim=12, seed=7, positional=positional)
    assert torch.equal(result.input_embeddings, result.token_vectors + result.position_vectors)
    assert result.token_vectors.shape == result.position_vectors.shape == (20, 12)


def test_global_rng_state_untouched() -> None:
    torch.manual_seed(2024)
    before = torch.get_rng_state()
    expected_draw = torch.rand(5)
    torch.set_rng_state(before)
    embed(CAT, dim=6, seed=987_654, context_length=33)  # settings no other test uses: tables are built
    embed(CAT, dim=6, seed=987_654, context_length=33, positional="sinusoidal")
    assert torch.equal(torch.get_rng_state(), before)
    assert torch.equal(torch.rand(5), expected_draw)


def test_too_many_tokens() -> None:
    with pytest.raises(TooManyTokensError) as caught:
        embed(BOOK_SENTENCE, dim=4, context_length=5)
    assert "20 tokens" in str(caught.value)
    assert (caught.value.n_tokens, caught.value.context_length) == (20, 5)
    assert embed(BOOK_SENTENCE, dim=4, context_length=20).n_tokens == 20  # exactly full is fine


@pytest.mark.parametrize(
    "settings",
    [
        {"dim": 0},
        {"dim": 2049},
        {"dim": -3},
        {"dim": True},
        {"dim": 8.0},
        {"context_length": 0},
        {"context_length": 8193},
        {"context_length": False},
        {"seed": -1},
        {"seed": 2**32},
        {"seed": True},
        {"positional": "rotary"},
        {"positional": ""},
    ],
)
def test_settings_out_of_range(settings: dict[str, object]) -> None:
    with pytest.raises(SettingError):
        embed(CAT, **settings)  # type: ignore[arg-type]


def test_memory_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    # o200k_base has 200,019 ids; a stand-in with that size, so nothing is downloaded.
    monkeypatch.setattr(
        embeddings_module, "get_encoding", lambda name="gpt2": SimpleNamespace(n_vocab=200019)
    )
    needed_gb = (200019 + 1024) * 2048 * 4 / 1e9  # float32 token table + position table
    with pytest.raises(MemoryBudgetError, match="GB") as caught:
        check_settings("o200k_base", 2048, 123, 1024, "learned")
    assert f"{needed_gb:.2f} GB" in str(caught.value)
    with pytest.raises(MemoryBudgetError, match="GB"):
        embed("hi", encoding="o200k_base", dim=2048)
    # 512 MiB / ((200,019 + 1,024) * 4 bytes) = 667 dims fit, 668 do not
    assert check_settings("o200k_base", 667, 123, 1024, "learned") == 200019
    with pytest.raises(MemoryBudgetError):
        check_settings("o200k_base", 668, 123, 1024, "learned")


def test_gpt2_at_max_dim_is_within_budget() -> None:
    assert (50257 + 1024) * 2048 * 4 <= 512 * 2**20
    assert check_settings("gpt2", 2048, 123, 1024, "learned") == 50257


@pytest.mark.parametrize("positional", ["learned", "sinusoidal", "none"])
def test_empty_text(positional: str) -> None:
    result = embed("", dim=10, positional=positional)
    assert result.n_tokens == 0 and result.token_ids == []
    for tensor in (result.token_vectors, result.position_vectors, result.input_embeddings):
        assert tensor.shape == (0, 10)


def test_tables_built_in_parallel_threads() -> None:
    seeds = [11, 22, 33, 44]
    results: dict[int, tuple[torch.Tensor, torch.Tensor]] = {}
    barrier = threading.Barrier(len(seeds))

    def build(seed: int) -> None:
        barrier.wait()
        token_table = build_token_table(50257, 32, seed)
        results[seed] = (token_table.layer.weight, build_position_table(token_table, 64).weight)

    threads = [threading.Thread(target=build, args=(seed,)) for seed in seeds]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for seed in seeds:
        torch.manual_seed(seed)
        token = torch.nn.Embedding(50257, 32).weight.detach()
        position = torch.nn.Embedding(64, 32).weight.detach()
        assert torch.equal(results[seed][0], token)
        assert torch.equal(results[seed][1], position)


def test_embed_does_not_change_cached_tables() -> None:
    token_table, position_table = _notebook_tables(EmbeddingSpec(dim=24, seed=5), 50257)  # what embed() uses
    before = (table_fingerprint(token_table.layer), table_fingerprint(position_table))
    first = embed(BOOK_SENTENCE, dim=24, seed=5)
    expected = first.input_embeddings.clone()
    for tensor in (first.token_vectors, first.position_vectors, first.input_embeddings):
        tensor.add_(1000.0)  # a caller scribbling on its result must not reach the shared tables
    after = (table_fingerprint(token_table.layer), table_fingerprint(position_table))
    assert before == after
    assert torch.equal(embed(BOOK_SENTENCE, dim=24, seed=5).input_embeddings, expected)


def test_spec_check_is_check_settings_and_refuses_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    assert EmbeddingSpec().check() == 50257 == check_settings("gpt2", 256, 123, 1024, "learned")
    assert EmbeddingSpec() == EmbeddingSpec("gpt2", 256, 123, 1024, "learned")  # the seed's example
    with pytest.raises(SettingError, match="dim must be a whole number from 1 to 2,048"):
        EmbeddingSpec(dim=0).check()
    with pytest.raises(SettingError, match="Unknown positional mode"):
        EmbeddingSpec(positional="rotary").check()
    monkeypatch.setattr(embeddings_module, "MAX_TABLE_BYTES", 2**20)
    with pytest.raises(MemoryBudgetError, match="Choose at most 5 dimensions"):  # 1 MiB / (51,281 x 4 B)
        EmbeddingSpec(dim=6).check()


def test_embed_tokens_with_built_tables_is_embed() -> None:
    spec = EmbeddingSpec(dim=12, seed=9, context_length=32, positional="sinusoidal")
    tables = embeddings_module.build_tables(spec, spec.check())
    tokens = embeddings_module.tokenize(BOOK_SENTENCE, "gpt2")
    low = embeddings_module.embed_tokens(BOOK_SENTENCE, tokens, spec, tables)
    high = embed(BOOK_SENTENCE, dim=12, seed=9, context_length=32, positional="sinusoidal")
    assert low.spec == high.spec == spec
    assert torch.equal(low.input_embeddings, high.input_embeddings)
    torch.manual_seed(9)
    plain = torch.nn.Embedding(50257, 12).weight.detach()
    assert torch.equal(low.token_vectors, plain[[t.id for t in tokens]])
    with pytest.raises(TooManyTokensError):
        embeddings_module.embed_tokens(BOOK_SENTENCE, tokens, EmbeddingSpec(context_length=2), tables)
