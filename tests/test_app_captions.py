"""Every caption of the pipeline is true for the setting it is shown with (positions learned, sinusoidal or
none; fitted on the sentence or on the reference; any dim; one token or many), and counts take the right
plural. Numbers are checked against plain torch, numpy and tiktoken computed here."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from apptest_utils import chart_by_key, run_app
from test_app import DEFAULT, seed_vectors  # the lesson's code; DEFAULT has " the" at positions 1 and 5
from torch.nn.functional import cosine_similarity

from embedviz.embeddings import build_position_table, build_token_table
from embedviz.projection import fit_reference
from embedviz.ui.i18n import STRINGS
from embedviz.ui.sections.neighbours import random_text
from embedviz.ui.sections.tokens import encoding_name

NBSP = "\N{NO-BREAK SPACE}"


def page_text(at) -> str:
    parts = [
        e.value for kind in ("markdown", "caption", "info", "warning", "error") for e in getattr(at, kind)
    ]
    return "\n".join(str(p) for p in parts).replace("\\", "")


# Item 1: the captions follow the positional mode


@pytest.mark.parametrize("positional", ["learned", "sinusoidal"])
def test_with_positions_the_same_word_gets_two_inputs(positional: str) -> None:
    text = page_text(run_app(positional=positional))
    assert "now the same word at two positions has two different vectors" in text
    assert "same word, different position, different input" in text


def test_without_positions_no_caption_claims_two_inputs() -> None:
    text = page_text(run_app(positional="none"))
    assert "two different vectors" not in text
    assert "different input" not in text
    assert "still has one and the same vector" in text
    assert "share one token point and one input point" in text
    assert "two different position vectors" not in text
    assert "without position embeddings both get the same input vector" in text


# Item 2: the variance caption says whose variance


def test_reference_fit_gives_the_sentences_own_share(plain_gpt2) -> None:
    at = run_app(fit="reference")
    ids = plain_gpt2.encode(DEFAULT)
    token, position, inputs = seed_vectors(ids)
    torch.manual_seed(123)
    table = build_token_table(50257, 256, 123)
    reference = fit_reference(table.layer.weight, build_position_table(table, 1024).weight)
    points = np.concatenate([token, position, inputs]).astype(np.float64)
    centred = points - points.mean(axis=0)
    own = np.sum((centred @ reference.components_.T) ** 2) / np.sum(centred**2)  # by hand
    caption = next(c.value for c in at.caption if "fixed reference" in c.value)
    assert f"keep {reference.explained_variance_ratio_.sum():.1%} of its variance" in caption
    assert f"of the variance of these {3 * len(ids)} points in 256 dimensions they keep {own:.1%}" in caption


def test_sentence_fit_caption_is_the_sentences_share(plain_gpt2) -> None:
    ids = plain_gpt2.encode(DEFAULT)
    points = np.concatenate(seed_vectors(ids)).astype(np.float64)
    singular = np.linalg.svd(points - points.mean(axis=0), compute_uv=False)
    share = np.sum(singular[:3] ** 2) / np.sum(singular**2)
    text = page_text(run_app())
    assert (
        f"The 3 axes keep {share:.1%} of the variance of these {3 * len(ids)} points in 256 dimensions"
        in text
    )


# Item 3: the encoding is named


def test_the_intro_names_the_chosen_encoding() -> None:
    assert encoding_name("gpt2") == "GPT-2"
    assert encoding_name("cl100k_base") == "cl100k_base (GPT-3.5/GPT-4)"
    assert encoding_name("o200k_base") == "o200k_base (GPT-4o)"
    assert "The byte-pair encoding of GPT-2 cuts the text" in page_text(run_app())
    for language in STRINGS["tokens.intro"]:
        assert "GPT-2" not in language  # the name comes from the setting


# Item 4: the bag-of-words example is one bag of GPT-2 tokens


QUOTED = re.compile(r"[“„]([^”“]+)[”“]")


def test_the_bag_of_words_pair_is_the_same_tokens(plain_gpt2) -> None:
    for language in STRINGS["vectors.position.intro.none"]:
        first, second = QUOTED.findall(language)
        assert first != second
        assert sorted(plain_gpt2.encode(first)) == sorted(plain_gpt2.encode(second)), (first, second)


# Item 5: random vectors are almost at right angles only in many dimensions


def top_cosine(dim: int, token_id: int = 8888) -> float:
    torch.manual_seed(123)
    table = torch.nn.Embedding(50257, dim).weight.detach()
    cosines = cosine_similarity(table, table[token_id].unsqueeze(0), dim=1)
    cosines[token_id] = -2
    return float(cosines.max())


def test_few_dimensions_do_not_claim_right_angles() -> None:
    assert top_cosine(3) > 0.99  # the lesson's 3 dimensions: the nearest neighbour points the same way
    few = random_text(3, 50256)
    assert "almost at right angles to each other" not in few and "far from being at right angles" in few
    one = random_text(1, 50256)
    assert "+1 or −1" in one and "1 dimensions" not in one
    assert top_cosine(768) < 0.3
    assert "almost at right angles to each other" in random_text(768, 50256)


# Item 6: the 3D scene is drawn to scale, its axis titles in the page's language


def test_the_scene_is_drawn_to_scale() -> None:
    figure = chart_by_key(run_app(), "space3d")
    scene = figure["layout"]["scene"]
    assert scene["aspectmode"] == "manual"
    values = {
        axis: np.concatenate([np.asarray(tr[axis], dtype=float) for tr in figure["data"]]) for axis in "xyz"
    }
    ranges = {axis: np.nanmax(v) - np.nanmin(v) for axis, v in values.items()}
    longest = max(ranges.values())
    for axis in "xyz":
        assert scene["aspectratio"][axis] == pytest.approx(ranges[axis] / longest, rel=1e-4)
    assert min(scene["aspectratio"].values()) < 1  # a cube would stretch the shorter axes


def test_german_axis_titles_and_separators(plain_gpt2) -> None:
    figure = chart_by_key(run_app(lang="de", text=DEFAULT), "space3d")
    ids = plain_gpt2.encode(DEFAULT)
    points = np.concatenate(seed_vectors(ids)).astype(np.float64)
    singular = np.linalg.svd(points - points.mean(axis=0), compute_uv=False)
    ratios = singular[:3] ** 2 / np.sum(singular**2)
    titles = [figure["layout"]["scene"][f"{a}axis"]["title"]["text"] for a in "xyz"]
    assert titles == [f"PC{i + 1} ({r * 100:.1f}{NBSP}%)".replace(".", ",") for i, r in enumerate(ratios)]
    assert figure["layout"]["separators"] == ",."


def test_the_reading_guide_is_on_the_page() -> None:
    at = run_app()
    text = page_text(at)
    assert "their origin is the mean of the points" in text
    assert "The true cosine of every two tokens, in all dimensions, is in the next section" in text
    headers = [h.value for h in at.header]
    space = next(i for i, h in enumerate(headers) if "3D" in h)
    assert "Cosine similarity" in headers[space + 1]


# Item 7: "learnable (random until trained)"


def test_an_untrained_table_is_not_called_learned() -> None:
    at = run_app()
    assert "random until trained" in page_text(at)
    labels = at.radio(key="positional").options
    assert any("learnable" in label and "random until trained" in label for label in labels)
    assert not any(label.startswith("learned") for label in labels)


# Item 8: the "every number" promise, plurals


def test_every_number_is_promised_only_when_shown() -> None:
    assert "the table “Exact numbers” below has every number" not in page_text(run_app())
    assert "shows the first 8 dimensions" in page_text(run_app())
    assert "the table “Exact numbers” below has every number" in page_text(run_app(all_dims="true"))


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("a", "en", "1 character → 1 token"),
        ("a", "de", "1 Zeichen → 1 Token"),
        ("ab cd", "en", "5 characters → 2 tokens"),
    ],
)
def test_counts_take_the_plural_they_need(text: str, lang: str, expected: str) -> None:
    assert expected in page_text(run_app(text=text, lang=lang))


def test_one_dimension_is_singular() -> None:
    text = page_text(run_app(dim=1))
    assert "1 dimensions" not in text and "1 direction(s)" not in text
    assert "These points span only 1 direction, so 2 of the 3 axes are padded with zeros." in text


# Item 15: "same token, same vector", staged as a question in sections 2 to 4


def test_a_repeated_token_is_a_question_and_its_answer(plain_gpt2) -> None:
    at = run_app()
    ids = plain_gpt2.encode(DEFAULT)
    assert ids[1] == ids[5]
    _, _, inputs = seed_vectors(ids)
    expected = float(cosine_similarity(torch.from_numpy(inputs[1]), torch.from_numpy(inputs[5]), dim=0))
    infos = [i.value for i in at.info]
    assert any("Rows 1 and 5 are the same token" in i and "How can the model tell" in i for i in infos)
    assert any(i.startswith("The answer: every position has a vector of its own") for i in infos)
    assert any(
        f"the cosine of their input embeddings in 256 dimensions is {expected:.4f}" in i for i in infos
    )


def test_without_positions_the_question_has_no_answer() -> None:
    infos = [i.value for i in run_app(positional="none").info]
    assert any(i.startswith("Here there is no answer") for i in infos)
    assert any("are still identical (cosine 1.0000)" in i for i in infos)


def test_the_repeated_rows_are_framed_in_all_three_heatmaps() -> None:
    at = run_app()  # " the" at positions 1 and 5
    for key in ("heatmap-token", "heatmap-position", "heatmap-input"):
        shapes = chart_by_key(at, key)["layout"].get("shapes", [])
        framed = sorted(round((s["y0"] + s["y1"]) / 2) for s in shapes if s["line"].get("dash") == "dash")
        assert framed == [1, 5], key
    assert "dim %{x}" in chart_by_key(at, "heatmap-token")["data"][0]["hovertemplate"]
    german = chart_by_key(run_app(lang="de"), "heatmap-token")["data"][0]["hovertemplate"]
    assert "Dim. %{x}" in german and "dim %{x}" not in german
