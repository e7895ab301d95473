"""The class board's space and counts, checked against plain tiktoken, torch and scikit-learn."""

from __future__ import annotations

import json

import numpy as np
import tiktoken
import torch
from sklearn.decomposition import PCA

from embedviz.board import board_space, most_tokens, with_and_without_space
from embedviz.embeddings import EmbeddingSpec, embed
from embedviz.figures.board import board_figure
from embedviz.rooms import Entry
from embedviz.tokenizer import tokenize

SPEC = EmbeddingSpec("gpt2", 16, 123, 32, "learned")
WORDS = ["Katze", " Katze", "Donaudampfschifffahrt", "Die Katze saß"]


def _embedded() -> list:
    entries = [Entry(i, text, f"s{i}") for i, text in enumerate(WORDS)]
    return [(entry, embed(entry.text, dim=16, seed=123, context_length=32)) for entry in entries]


def test_one_pca_over_every_token_of_every_entry(plain_gpt2: tiktoken.Encoding) -> None:
    space = board_space(_embedded())
    ids = [plain_gpt2.encode(text) for text in WORDS]
    torch.manual_seed(123)
    token_table = torch.nn.Embedding(50257, 16)
    position_table = torch.nn.Embedding(32, 16)
    with torch.no_grad():
        rows = [token_table(torch.tensor(i)) + position_table(torch.arange(len(i))) for i in ids]
    points = torch.cat(rows).numpy().astype(np.float64)
    assert [t.id for t in space.tokens] == [i for entry in ids for i in entry]
    assert space.positions == [p for entry in ids for p in range(len(entry))]
    expected = PCA(n_components=3, svd_solver="full").fit(points)
    np.testing.assert_allclose(space.ratio, expected.explained_variance_ratio_, rtol=1e-6)
    # PCA axes are defined up to sign: compare the distances between points, which do not depend on it.
    mine = np.linalg.norm(space.coords[:, None] - space.coords[None], axis=-1)
    theirs_3d = expected.transform(points)
    theirs = np.linalg.norm(theirs_3d[:, None] - theirs_3d[None], axis=-1)
    np.testing.assert_allclose(mine, theirs, atol=1e-6)


def test_an_empty_board_and_a_single_token_make_no_error() -> None:
    assert board_space([]).coords.shape == (0, 3)
    one = [(Entry(0, "a", "s"), embed("a", dim=16, seed=123, context_length=32))]
    assert board_space(one).coords.shape == (1, 3)


def test_most_tokens_and_the_leading_space(plain_gpt2: tiktoken.Encoding) -> None:
    counted = [(text, len(plain_gpt2.encode(text))) for text in WORDS]
    top = most_tokens(counted, top=1)
    assert top == [("Donaudampfschifffahrt", len(plain_gpt2.encode("Donaudampfschifffahrt")))]
    pairs = with_and_without_space(WORDS, tokenize)
    assert [word for word, _, _ in pairs] == sorted(
        ["Katze", "Donaudampfschifffahrt"],
        key=lambda w: -abs(len(plain_gpt2.encode(w)) - len(plain_gpt2.encode(" " + w))),
    )
    for word, alone, spaced in pairs:
        assert [t.id for t in alone] == plain_gpt2.encode(word)
        assert [t.id for t in spaced] == plain_gpt2.encode(" " + word)


def test_hostile_entries_are_escaped_in_the_figure() -> None:
    hostile = "<b>x</b><a href='javascript:alert(1)'>y</a>"
    entry = Entry(0, hostile, "s")
    space = board_space([(entry, embed(hostile, dim=16, seed=123, context_length=64))])
    figure = board_figure(space, "tokens", [hostile] * len(space.tokens))
    trace = json.loads(figure.to_json())["data"][0]
    shown = " ".join([*trace["text"], *trace["hovertext"]])
    assert "<" not in shown and "&lt;a href" in shown
