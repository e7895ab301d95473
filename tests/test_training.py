"""The tiny GPT of "watch them learn", against independent computations: step 0 against the seed's plain
PyTorch code written out here, the shared tables against their fingerprints, the animation's fixed axes
against a numpy SVD, and nearest neighbours against a brute-force loop with Python's ``math``.

Small dims, short texts and few steps keep this file fast."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from embedviz import EmbedvizError, SettingError, TooManyTokensError
from embedviz.embeddings import EmbeddingSpec, build_position_table, build_token_table, table_fingerprint
from embedviz.neighbours import nearest_neighbours
from embedviz.rows import seeded_rows
from embedviz.training import (
    MAX_WIDTH,
    StepInfo,
    TrainConfig,
    TrainingTextTooShortError,
    animation_frames,
    train,
)

N_VOCAB = 50257
DIM, SEED, CONTEXT = 16, 7, 64
SENTENCE = "I had always thought Jack Gisburn rather a cheap zebra"


@pytest.fixture(scope="module")
def text(verdict_text: str) -> str:
    return verdict_text[:3000]  # ~700 tokens: about 20 windows of 32


@pytest.fixture(scope="module")
def sentence_ids(plain_gpt2) -> list[int]:
    return plain_gpt2.encode(SENTENCE)


@pytest.fixture(scope="module")
def config() -> TrainConfig:
    return TrainConfig(
        spec=EmbeddingSpec(dim=DIM, seed=SEED, context_length=CONTEXT),
        steps=30,
        snapshot_every=10,
        batch_size=4,
    )


@pytest.fixture(scope="module")
def result(config: TrainConfig, sentence_ids: list[int], text: str):
    return train(config, sentence_ids, text)


def test_step_0_is_the_seeds_random_tables(result, sentence_ids: list[int]) -> None:
    torch.manual_seed(SEED)
    token_embedding_layer = torch.nn.Embedding(N_VOCAB, DIM)
    pos_embedding_layer = torch.nn.Embedding(CONTEXT, DIM)
    with torch.no_grad():
        token_vectors = token_embedding_layer(torch.tensor(sentence_ids))
        position_vectors = pos_embedding_layer(torch.arange(len(sentence_ids)))
    first = result.snapshots[0]
    assert first.step == 0
    assert torch.equal(first.token_vectors, token_vectors)
    assert torch.equal(first.position_vectors, position_vectors)
    assert torch.equal(first.input_embeddings, token_vectors + position_vectors)


def test_training_lowers_the_loss_and_moves_only_tokens_of_the_text(
    result, sentence_ids: list[int], text: str, plain_gpt2
) -> None:
    assert len(result.losses) == 30 and not result.stopped_early
    assert (
        math.log(len(result.trained_ids)) - 1.0 < result.losses[0] < math.log(len(result.trained_ids)) + 1.0
    )
    assert sum(result.losses[-5:]) / 5 < result.losses[0] - 0.5
    assert result.trained_ids == sorted(set(plain_gpt2.encode(text)))
    first, last = result.snapshots[0], result.snapshots[-1]
    assert [s.step for s in result.snapshots] == [0, 10, 20, 30]
    in_text = set(result.trained_ids)
    moved = [
        not torch.equal(first.token_vectors[row], last.token_vectors[row]) for row in range(len(sentence_ids))
    ]
    assert sum(moved) >= len(sentence_ids) - 3
    for token_id, token_moved in zip(sentence_ids, moved, strict=True):
        if token_id not in in_text:  # never read in training: never changed
            assert not token_moved, plain_gpt2.decode([token_id])
    assert plain_gpt2.encode(" zebra")[0] not in in_text  # so at least one token must stay put
    assert not torch.equal(first.position_vectors, last.position_vectors)
    assert torch.equal(last.input_embeddings, last.token_vectors + last.position_vectors)


def test_positions_beyond_the_window_are_never_trained(sentence_ids: list[int], text: str) -> None:
    short = TrainConfig(
        spec=EmbeddingSpec(dim=DIM, seed=SEED, context_length=CONTEXT), max_length=4, stride=4, steps=3
    )
    result = train(short, sentence_ids, text)
    first, last = result.snapshots[0], result.snapshots[-1]
    assert not torch.equal(first.position_vectors[:4], last.position_vectors[:4])
    assert torch.equal(first.position_vectors[4:], last.position_vectors[4:])


def test_shared_tables_and_global_rng_are_untouched(
    config: TrainConfig, sentence_ids: list[int], text: str, result
) -> None:
    token_table = build_token_table(N_VOCAB, DIM, SEED)
    position_table = build_position_table(token_table, CONTEXT)
    before = table_fingerprint(token_table.layer), table_fingerprint(position_table)
    torch.manual_seed(999)
    rng_before = torch.get_rng_state()
    with_tables = train(config, sentence_ids, text, tables=(token_table, position_table))
    assert torch.equal(torch.get_rng_state(), rng_before)
    assert (table_fingerprint(token_table.layer), table_fingerprint(position_table)) == before
    # Passing the cached tables or letting train build them gives the same run, to the last bit.
    assert with_tables.losses == result.losses
    assert torch.equal(with_tables.snapshots[-1].input_embeddings, result.snapshots[-1].input_embeddings)
    # The full trained table: the seeded table with exactly the text's rows replaced.
    table = with_tables.token_table()
    assert table_fingerprint(token_table.layer) == before[0]
    changed = (table != token_table.layer.weight).any(dim=1).nonzero().flatten().tolist()
    assert set(changed) <= set(with_tables.trained_ids)
    assert len(changed) > 0.5 * len(with_tables.trained_ids)
    assert torch.equal(table[with_tables.trained_ids], with_tables.trained_rows)


def test_deterministic_for_a_seed_and_different_for_another(
    config: TrainConfig, sentence_ids: list[int], text: str, result
) -> None:
    again = train(config, sentence_ids, text)
    assert again.losses == result.losses
    assert all(
        torch.equal(a.input_embeddings, b.input_embeddings)
        for a, b in zip(again.snapshots, result.snapshots, strict=True)
    )
    other = train(
        TrainConfig(spec=EmbeddingSpec(dim=DIM, seed=SEED + 1, context_length=CONTEXT), steps=3),
        sentence_ids,
        text,
    )
    assert other.losses != result.losses[:3]


def test_on_step_reports_every_step_and_can_stop(
    config: TrainConfig, sentence_ids: list[int], text: str
) -> None:
    seen: list[StepInfo] = []

    def on_step(info: StepInfo) -> bool:
        seen.append(info)
        return info.step < 13

    result = train(config, sentence_ids, text, on_step=on_step)
    assert [info.step for info in seen] == list(range(14))
    assert seen[0].loss is None and seen[0].snapshot is not None
    assert [info.step for info in seen if info.snapshot is not None] == [0, 10]
    assert [info.loss for info in seen[1:]] == result.losses
    assert result.stopped_early and result.steps_done == 13
    assert [s.step for s in result.snapshots] == [0, 10, 13]  # the state at the stop is kept


def test_wide_tables_are_projected_down(sentence_ids: list[int], text: str) -> None:
    wide = TrainConfig(
        spec=EmbeddingSpec(dim=MAX_WIDTH + 44, seed=SEED, context_length=CONTEXT), steps=2, n_heads=3
    )
    result = train(wide, sentence_ids, text)
    assert wide.width == MAX_WIDTH and wide.heads == 1  # gcd(256, 3)
    assert result.snapshots[-1].token_vectors.shape == (len(sentence_ids), MAX_WIDTH + 44)
    assert result.steps_done == 2


def test_bad_input_raises_embedviz_errors(sentence_ids: list[int], text: str) -> None:
    with pytest.raises(TrainingTextTooShortError, match="at least 33"):
        train(
            TrainConfig(spec=EmbeddingSpec(dim=DIM, context_length=CONTEXT), steps=1),
            sentence_ids,
            "too short a story",
        )
    with pytest.raises(SettingError, match="steps"):
        train(TrainConfig(spec=EmbeddingSpec(dim=DIM, context_length=CONTEXT), steps=-1), sentence_ids, text)
    with pytest.raises(SettingError, match="max_length"):
        train(TrainConfig(spec=EmbeddingSpec(dim=DIM, context_length=16), steps=1), sentence_ids, text)
    with pytest.raises(SettingError, match="GPT-2 ids"):
        train(TrainConfig(spec=EmbeddingSpec(dim=DIM, context_length=CONTEXT), steps=1), [N_VOCAB], text)
    with pytest.raises(TooManyTokensError):
        train(
            TrainConfig(spec=EmbeddingSpec(dim=DIM, context_length=CONTEXT), steps=1),
            [1] * (CONTEXT + 1),
            text,
        )
    assert issubclass(TrainingTextTooShortError, EmbedvizError)


def test_animation_shares_one_pca_over_all_frames(result) -> None:
    frames = animation_frames(result.snapshots)
    assert len(frames) == len(result.snapshots)
    stacked = np.concatenate(
        [
            torch.cat([s.token_vectors, s.position_vectors, s.input_embeddings]).double().numpy()
            for s in result.snapshots
        ]
    )
    centred = stacked - stacked.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    expected = centred @ vt[:3].T
    n = len(result.sentence_ids)
    for i, frame in enumerate(frames):
        got = np.concatenate([frame.token_points, frame.position_points, frame.input_points])
        want = expected[3 * n * i : 3 * n * (i + 1)]
        np.testing.assert_allclose(np.abs(got), np.abs(want), atol=1e-6)  # each axis up to its sign
    assert animation_frames([]) == []


def _brute_force_neighbours(
    table: torch.Tensor, token_id: int, k: int, ids: list[int]
) -> list[tuple[int, float]]:
    rows = table.tolist()

    def cosine(a: list[float], b: list[float]) -> float:
        dot = sum(x * y for x, y in zip(a, b, strict=True))
        return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))

    scored = [(i, cosine(rows[token_id], rows[i])) for i in ids if i != token_id]
    return sorted(scored, key=lambda pair: -pair[1])[:k]


def test_nearest_neighbours_match_brute_force() -> None:
    table = torch.randn(40, 6, generator=torch.Generator().manual_seed(0))
    for token_id in (0, 17, 39):
        got = nearest_neighbours(table, token_id, 5)
        want = _brute_force_neighbours(table, token_id, 5, list(range(40)))
        assert [i for i, _ in got] == [i for i, _ in want]
        assert [s for _, s in got] == pytest.approx([s for _, s in want], abs=1e-6)
    candidates = [3, 5, 8, 13, 21, 17]
    got = nearest_neighbours(table, 17, 10, candidates=candidates)
    assert [i for i, _ in got] == [i for i, _ in _brute_force_neighbours(table, 17, 10, candidates)]
    assert len(got) == 5  # the token itself is never its own neighbour
    with pytest.raises(SettingError):
        nearest_neighbours(table, 40, 3)
    with pytest.raises(SettingError):
        nearest_neighbours(table, 0, 0)


def test_nearest_neighbours_after_training_use_the_trained_table(result) -> None:
    table = result.token_table()
    token_id = result.trained_ids[5]
    got = nearest_neighbours(table, token_id, 3, candidates=result.trained_ids)
    want = _brute_force_neighbours(table, token_id, 3, result.trained_ids)
    assert [i for i, _ in got] == [i for i, _ in want]


def test_training_from_streamed_rows_is_the_same_run(
    config: TrainConfig, result, sentence_ids: list[int], text: str
) -> None:
    """A run given the setting's rows (bookmarks, no whole table) instead of whole tables: the same
    losses, the same snapshots and the same trained rows, bit for bit."""
    streamed = train(config, sentence_ids, text, tables=seeded_rows(N_VOCAB, DIM, SEED, CONTEXT))
    assert streamed.losses == result.losses
    assert streamed.trained_ids == result.trained_ids
    assert torch.equal(streamed.trained_rows, result.trained_rows)
    for mine, theirs in zip(streamed.snapshots, result.snapshots, strict=True):
        assert mine.step == theirs.step
        assert torch.equal(mine.token_vectors, theirs.token_vectors)
        assert torch.equal(mine.position_vectors, theirs.position_vectors)
