"""The cosines stage: the cosine of every pair of input embeddings, beside the 3D view, through AppTest.

Expected numbers come from the seed document's code and ``torch.nn.functional.cosine_similarity``, written
here, never from embedviz.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from apptest_utils import chart_by_key, run_app
from torch.nn.functional import cosine_similarity

from embedviz.figures.vectors import MAX_HEATMAP_ROWS

DEFAULT = "Today the cat sat on the mat"
KEY = "heatmap-cosines"


def seed_inputs(ids: list[int], dim: int = 256, seed: int = 123, context_length: int = 1024) -> torch.Tensor:
    """The seed document's code: token plus position embeddings."""
    torch.manual_seed(seed)
    tok = torch.nn.Embedding(50257, dim)
    pos = torch.nn.Embedding(context_length, dim)
    with torch.no_grad():
        return tok(torch.tensor(ids)) + pos(torch.arange(len(ids)))


def plain_cosines(inputs: torch.Tensor) -> np.ndarray:
    """Every pair, with torch's own cosine (broadcast to (n, n, dim))."""
    return cosine_similarity(inputs[:, None, :], inputs[None, :, :], dim=-1).numpy()


def test_the_matrix_is_plain_torchs_cosine_of_the_seeds_input_embeddings(plain_gpt2) -> None:
    at = run_app()
    assert not at.exception
    ids = plain_gpt2.encode(DEFAULT)
    want = plain_cosines(seed_inputs(ids))
    figure = chart_by_key(at, KEY)
    trace = figure["data"][0]
    z = np.asarray(trace["z"], dtype=np.float64)
    assert z.shape == (len(ids), len(ids))
    np.testing.assert_allclose(z, want, atol=1e-4 + 1e-6)  # shown to 4 decimals
    labels = [f"{i}: {plain_gpt2.decode([token]).replace(' ', '␣')}" for i, token in enumerate(ids)]
    assert list(trace["y"]) == labels and list(trace["x"]) == labels  # tokens on both axes
    assert (trace["zmin"], trace["zmid"], trace["zmax"]) == (-1, 0, 1)  # diverging, centred at 0
    assert "%{x}" in trace["hovertemplate"] and "%{y}" in trace["hovertemplate"]
    assert "cosine: %{z:.4f}" in trace["hovertemplate"]
    assert figure["layout"]["xaxis"]["title"]["text"] == "input embedding (position: token)"
    assert any("point different ways" in m.value for m in at.markdown)  # 256 dimensions in a 3D shadow


def test_a_repeated_token_names_its_cosine(plain_gpt2) -> None:
    """The token " the" stands at positions 1 and 5: the caption gives their cosine, as torch computes it."""
    at = run_app()
    ids = plain_gpt2.encode(DEFAULT)
    inputs = seed_inputs(ids)
    want = float(cosine_similarity(inputs[1], inputs[5], dim=0))
    assert 0.2 < want < 0.8  # same token vector, two position vectors: about half alike
    captions = [c.value for c in at.caption if "positions 1 and 5" in c.value]
    assert len(captions) == 1 and f"Their cosine is {want:.4f}" in captions[0], captions


def test_without_positions_a_repeated_token_is_one_direction(plain_gpt2) -> None:
    at = run_app(positional="none")
    assert not at.exception
    z = np.asarray(chart_by_key(at, KEY)["data"][0]["z"], dtype=np.float64)
    assert z[1, 5] == pytest.approx(1.0, abs=1e-4)
    assert any("Their cosine is 1.0000" in c.value for c in at.caption)


def test_it_is_the_stage_after_the_3d_view() -> None:
    at = run_app()
    headers = [h.value for h in at.header]
    space = headers.index("5 · The 3D view")
    assert headers[space + 1] == "6 · Cosine similarity of the input embeddings"


def test_one_token_and_the_screen_reader_text() -> None:
    at = run_app(text="hi", dim=2)
    assert not at.exception
    z = np.asarray(chart_by_key(at, KEY)["data"][0]["z"], dtype=np.float64)
    assert z.shape == (1, 1) and z[0, 0] == pytest.approx(1.0, abs=1e-4)
    assert any("heatmap of one cell" in h.proto.body for h in at.get("html"))
    assert not any("point different ways" in m.value for m in at.markdown)  # 2 dimensions: 3D loses nothing


def test_long_sentence_shows_the_first_rows_only(plain_gpt2) -> None:
    text = "word " * 200
    n = len(plain_gpt2.encode(text))
    at = run_app(text=text)
    assert not at.exception
    z = np.asarray(chart_by_key(at, KEY)["data"][0]["z"])
    assert z.shape == (MAX_HEATMAP_ROWS, MAX_HEATMAP_ROWS)
    assert any(f"first {MAX_HEATMAP_ROWS} of {n} tokens" in c.value for c in at.caption)


def test_german_with_german_separators(plain_gpt2) -> None:
    at = run_app(lang="de", text=DEFAULT)  # the English sentence: " the" at positions 1 and 5
    assert not at.exception
    assert "6 · Kosinus-Ähnlichkeit der Eingabe-Embeddings" in [h.value for h in at.header]
    figure = chart_by_key(at, KEY)
    assert figure["layout"]["separators"] == ",."
    assert "Kosinus: %{z:.4f}" in figure["data"][0]["hovertemplate"]
    ids = plain_gpt2.encode(DEFAULT)
    inputs = seed_inputs(ids)
    want = f"{float(cosine_similarity(inputs[1], inputs[5], dim=0)):.4f}".replace(".", ",")
    assert any(f"Ihr Kosinus ist {want}" in c.value for c in at.caption)


def test_user_text_in_labels_is_escaped() -> None:
    at = run_app(text="<b>x</b> <b>x</b>")
    assert not at.exception
    trace = chart_by_key(at, KEY)["data"][0]
    assert not any("<b>" in label for label in [*trace["x"], *trace["y"]])


def test_presenter_slide_after_the_3d_view() -> None:
    at = run_app(presenter="true", step=5)
    assert not at.exception
    assert [h.value for h in at.header if "·" in h.value] == ["6 · Cosine similarity of the input embeddings"]
    assert chart_by_key(at, KEY)["data"][0]["z"] is not None
