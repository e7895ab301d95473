"""The positions view's "reproduce in Python" scripts print the numbers the view shows.

Each script is generated for some settings (GPT-2 built from the shipped ranks file, so no network), run
in a fresh ``python -I`` in an empty folder (only torch and tiktoken importable, never embedviz), and its
last line of JSON is compared with :mod:`embedviz.positions` and the page's tables for the same settings.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from embedviz.cosine import cosine_matrix
from embedviz.embeddings import EmbeddingSpec, build_tables, embed
from embedviz.positions import (
    distinct_vectors,
    moving_pair_scores,
    same_bag_of_vectors,
    sinusoidal_positions,
    wavelengths,
)
from embedviz.positions_code import SHOWN_DIMS, absolute_source, combine_source, relative_source, why_source
from embedviz.tokenizer import GPT2_RANKS_PATH

RANKS = str(GPT2_RANKS_PATH)
KATZE, MATTE = "Die Katze saß auf der Matte", "Die Matte saß auf der Katze"
HOSTILE = "a \"b\" \\ 'c' {d} <|endoftext|> \n ünï 🙂 \u202e end \\"


def run_json(source: str, cwd: Path) -> dict:
    """Run ``source`` isolated (no embedviz importable) and parse its last line."""
    done = subprocess.run(
        [sys.executable, "-I", "-c", source], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize(
    ("a", "b", "repeated", "spec"),
    [
        (KATZE, MATTE, "Today the cat sat on the mat", EmbeddingSpec()),
        (HOSTILE, "x y", "", EmbeddingSpec(dim=5, seed=7, context_length=64)),
    ],
)
def test_why_script(tmp_path: Path, a: str, b: str, repeated: str, spec: EmbeddingSpec) -> None:
    found = run_json(why_source(a, b, repeated, spec, ranks_path=RANKS), tmp_path)
    for kind in ("none", "learned", "sinusoidal"):
        results = [
            embed(text, dim=spec.dim, seed=spec.seed, context_length=spec.context_length, positional=kind)
            for text in (a, b, repeated)
        ]
        vectors = [result.input_embeddings for result in results]
        assert found[kind]["same_bag"] == same_bag_of_vectors(vectors[0], vectors[1])
        assert found[kind]["distinct"] == [distinct_vectors(v) for v in vectors]


@pytest.mark.parametrize(
    ("n", "spec"),
    [
        (32, EmbeddingSpec()),
        (5, EmbeddingSpec(dim=3, seed=0, context_length=5)),
        (1, EmbeddingSpec(dim=2, context_length=1)),
    ],
)
def test_absolute_script(tmp_path: Path, n: int, spec: EmbeddingSpec) -> None:
    found = run_json(absolute_source(n, spec), tmp_path)
    _, position_table = build_tables(spec, spec.check())
    learned = position_table.weight[:n].detach()
    fixed = sinusoidal_positions(n, spec.dim)
    assert torch.equal(torch.tensor(found["learned"]), learned[:, :SHOWN_DIMS])  # bit for bit: the same draws
    assert torch.equal(torch.tensor(found["sinusoidal"]), fixed[:, :SHOWN_DIMS])
    assert torch.allclose(torch.tensor(found["learned_cosines"]), cosine_matrix(learned), atol=1e-6)
    assert torch.allclose(torch.tensor(found["sinusoidal_cosines"]), cosine_matrix(fixed), atol=1e-6)
    assert torch.allclose(torch.tensor(found["wavelengths"], dtype=torch.float64), wavelengths(spec.dim))


def test_combine_script(tmp_path: Path) -> None:
    spec = EmbeddingSpec(dim=16, seed=3)
    found = run_json(combine_source(KATZE, spec, ranks_path=RANKS), tmp_path)
    result = embed(KATZE, dim=16, seed=3)
    assert found["added"] == [result.n_tokens, 16] and found["concatenated"] == [result.n_tokens, 32]
    assert torch.equal(torch.tensor(found["added_first"]), result.input_embeddings[:, :4])
    assert torch.equal(torch.tensor(found["concatenated_tail"]), result.position_vectors[:, :4])


@pytest.mark.parametrize(("dim", "n", "offset"), [(256, 32, 2), (7, 10, 3), (8, 4, 6)])
def test_relative_script(tmp_path: Path, dim: int, n: int, offset: int) -> None:
    spec = EmbeddingSpec(dim=dim)
    found = run_json(relative_source(KATZE, n, offset, 0.5, spec, ranks_path=RANKS), tmp_path)
    result = embed(KATZE, dim=dim)
    _, position_table = build_tables(spec, spec.check())
    query, key = result.token_vectors[1], result.token_vectors[0]
    scores = moving_pair_scores(query, key, offset, n, position_table.weight[:n].detach(), slope=0.5)
    assert set(found) == set(scores)  # no "rotary" for an odd dim
    for name, values in scores.items():
        assert torch.allclose(torch.tensor(found[name], dtype=torch.float64), values, atol=1e-9), name
