"""App tests (streamlit.testing.v1.AppTest) of the teaching views: the seed's own examples (?view=seed),
word order (?view=order) and the nearest neighbours (a pipeline stage).

Every expected number is typed in from the seed document or computed here with plain torch and plain
tiktoken (the ``plain_gpt2`` fixture), never read from embedviz.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import tiktoken
import torch
from apptest_utils import chart_by_key, run_app
from streamlit.testing.v1 import AppTest
from torch.nn.functional import cosine_similarity

from embedviz.ui.typed_vector import VectorProblem, parse_vector

#: ``print(embedding_layer.weight)`` after ``torch.manual_seed(123); torch.nn.Embedding(6, 3)``: the rows
#: exactly as the seed document prints them.
SEED_PRINTED_ROWS = """\
tensor([[ 0.3374, -0.1778, -0.1690],
        [ 0.9178,  1.5810,  1.3010],
        [ 1.2753, -0.2010, -0.1606],
        [-0.4015,  0.9666, -1.1481],
        [-1.1589,  0.3255, -0.6315],
        [-2.8400, -0.7849, -1.4096]]"""
SEED_TABLE = [
    [float(x) for x in line.strip(" tensor([],").split(",")] for line in SEED_PRINTED_ROWS.splitlines()
]
SEED_LOOKUP = "tensor([[-0.4015,  0.9666, -1.1481]], grad_fn=<EmbeddingBackward0>)"
SEED_ADDITION = (
    "Combined Embedding = Token Embedding + Positional Embedding\n"
    "= [0.5 + 0.1, -0.2 + 0.3, 0.1 + (-0.1)]\n"
    "= [0.6, 0.1, 0.0]"
)
EXAMPLE = ("the dog bites the man", "the man bites the dog")


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    """The first dataframe on the page that has a column called ``column``."""
    for element in at.dataframe:
        if column in element.value.columns:
            return element.value
    raise AssertionError(f"no table with a column {column!r}")


def codes(at: AppTest) -> list[str]:
    return [element.value for element in at.code]


@pytest.fixture(scope="module")
def plain_tables() -> tuple[torch.nn.Embedding, torch.nn.Embedding]:
    """The seed's code, verbatim: seed 123, GPT-2's 50,257 tokens, 256 dimensions, 1,024 positions."""
    torch.manual_seed(123)
    tok = torch.nn.Embedding(50257, 256)
    pos = torch.nn.Embedding(1024, 256)
    return tok, pos


# ---------------------------------------------------------------------------------------------------------
# View "seed"
# ---------------------------------------------------------------------------------------------------------


def test_toy_table_shows_the_seed_documents_numbers() -> None:
    at = run_app(view="seed")
    assert not at.exception
    table = frame_with(at, "0 (x)")
    assert table.shape == (6, 3)
    np.testing.assert_array_equal(table.to_numpy(), np.array(SEED_TABLE))
    assert f"Parameter containing:\n{SEED_PRINTED_ROWS}, requires_grad=True)" in codes(at)
    assert "torch.manual_seed(123)" in "\n".join(codes(at))
    assert "torch.nn.Embedding(6, 3)" in "\n".join(codes(at))


def test_lookup_of_token_3_is_row_3() -> None:
    at = run_app(view="seed")
    assert SEED_LOOKUP in codes(at)
    assert "[-0.4015, 0.9666, -1.1481]" in at.success[0].value
    heatmap = next(chart for chart in at.get("plotly_chart") if "toy-heatmap" in chart.proto.id)
    assert '"y0":2.5' in heatmap.proto.spec.replace(" ", "")  # the frame around row 3


def test_lookup_of_another_row() -> None:
    at = run_app(view="seed", toy_index=5)
    assert "tensor([[-2.8400, -0.7849, -1.4096]], grad_fn=<EmbeddingBackward0>)" in codes(at)
    next(group for group in at.get("button_group") if group.key == "toy_index").set_value(0).run()
    assert not at.exception
    assert "tensor([[ 0.3374, -0.1778, -0.1690]], grad_fn=<EmbeddingBackward0>)" in codes(at)


def test_default_addition_is_the_seeds() -> None:
    at = run_app(view="seed")
    assert SEED_ADDITION in codes(at)
    assert not at.warning


@pytest.mark.parametrize(
    ("add_a", "add_b"),
    [
        ("abc", "0.1, 0.3, -0.1"),
        ("1,2", "1,2,3"),
        ("", "0.1"),
        ("nan", "1"),
        ("inf, 1", "1, 2"),
        ("1,,2", "1, 2, 3"),
        ("1e999", "1"),
        (",".join(["1"] * 17), ",".join(["1"] * 17)),
        ("x" * 10_000, "1"),
        ("1", "[link](javascript:alert(1)) <b>x</b>"),
    ],
)
def test_bad_addition_input_warns(add_a: str, add_b: str) -> None:
    at = run_app(view="seed", add_a=add_a, add_b=add_b)
    assert not at.exception
    assert at.warning, "a bad vector must give a warning"
    assert not any("Combined Embedding" in code for code in codes(at))


def test_addition_widget_roundtrip() -> None:
    at = run_app(view="seed")
    at.text_input(key="add_a").set_value("1, 2").run()
    assert not at.exception
    assert "different" not in "".join(w.value for w in at.warning)
    assert any("same length" in w.value for w in at.warning)
    at.text_input(key="add_b").set_value("0.25; -0.5").run()  # semicolons: decimal points still work
    assert not at.warning
    assert "= [1.00 + 0.25, 2.00 + (-0.50)]\n= [1.25, 1.50]" in "\n".join(codes(at))


@pytest.mark.parametrize(
    ("text", "values", "decimals"),
    [
        ("0.5, -0.2, 0.1", [0.5, -0.2, 0.1], 1),
        ("[0.5, -0.2, 0.1]", [0.5, -0.2, 0.1], 1),
        ("0,5; -0,25", [0.5, -0.25], 2),
        ("3", [3.0], 0),
        ("1e-3, 2", [0.001, 2.0], 3),
    ],
)
def test_parse_vector(text: str, values: list[float], decimals: int) -> None:
    assert parse_vector(text) == (values, decimals)


@pytest.mark.parametrize("text", ["", " ", "[]", "a", "1,", "nan", "-inf", "1e7", "1;;2", "x" * 201])
def test_parse_vector_refuses(text: str) -> None:
    with pytest.raises(VectorProblem):
        parse_vector(text)


def test_batches_pointer() -> None:
    at = run_app(view="seed")
    assert any("(8, 4, 256)" in md.value for md in at.markdown)
    next(b for b in at.button if b.label == "Open the Batches view").click().run()
    assert not at.exception
    assert at.session_state["view"] == "batches"


# ---------------------------------------------------------------------------------------------------------
# View "order"
# ---------------------------------------------------------------------------------------------------------


def expected_pairs(
    plain_gpt2: tiktoken.Encoding, tables: tuple[torch.nn.Embedding, torch.nn.Embedding], a: str, b: str
) -> list[tuple[int, float, float]]:
    """(token id, token cosine, input cosine) for each token of A and the same token in B, computed here."""
    tok, pos = tables
    ids_a, ids_b = plain_gpt2.encode(a), plain_gpt2.encode(b)
    with torch.no_grad():
        input_a = tok(torch.tensor(ids_a)) + pos(torch.arange(len(ids_a)))
        input_b = tok(torch.tensor(ids_b)) + pos(torch.arange(len(ids_b)))
        used: set[int] = set()
        pairs = []
        for i, token_id in enumerate(ids_a):
            j = next((j for j, other in enumerate(ids_b) if other == token_id and j not in used), None)
            if j is None:
                continue
            used.add(j)
            token_cos = float(cosine_similarity(tok.weight[token_id], tok.weight[token_id], dim=0))
            pairs.append((token_id, token_cos, float(cosine_similarity(input_a[i], input_b[j], dim=0))))
    return pairs


def check_cosine_table(at: AppTest, expected: list[tuple[int, float, float]]) -> pd.DataFrame:
    table = frame_with(at, "cos(input)")
    assert table["id"].tolist() == [token_id for token_id, _, _ in expected]
    np.testing.assert_allclose(table["cos(token)"], 1.0, atol=1e-6)
    np.testing.assert_allclose(table["cos(input)"], [c for _, _, c in expected], atol=1e-5)
    return table


def test_word_order_defaults(plain_gpt2: tiktoken.Encoding, plain_tables) -> None:
    """The defaults: if they do not share all their tokens (as "dog bites man" / "man bites dog" do not
    in GPT-2), the page says so; either way the cosines match plain torch."""
    at = run_app(view="order")
    assert not at.exception
    a, b = at.session_state["compare_a"], at.session_state["compare_b"]
    expected = expected_pairs(plain_gpt2, plain_tables, a, b)
    check_cosine_table(at, expected)
    same = sorted(plain_gpt2.encode(a)) == sorted(plain_gpt2.encode(b))
    assert same or any("not consist of the same tokens" in w.value for w in at.warning)
    figure = chart_by_key(at, "order-3d")  # per sentence: tokens, inputs, position steps
    assert [trace["type"] for trace in figure["data"]] == ["scatter3d"] * 6


def test_word_order_same_tokens(plain_gpt2: tiktoken.Encoding, plain_tables) -> None:
    at = run_app(view="order", compare_a=EXAMPLE[0], compare_b=EXAMPLE[1])
    assert not at.exception
    table = check_cosine_table(at, expected_pairs(plain_gpt2, plain_tables, *EXAMPLE))
    moved = table["pos. A"] != table["pos. B"]
    assert moved.any() and (table.loc[moved, "cos(input)"] < 0.99).all()
    assert any("same tokens" in s.value for s in at.success)
    tok, pos = plain_tables
    with torch.no_grad():
        means = [
            (tok(torch.tensor(ids)) + pos(torch.arange(len(ids)))).mean(dim=0)
            for ids in map(plain_gpt2.encode, EXAMPLE)
        ]
        mean_cos = float(cosine_similarity(means[0], means[1], dim=0))
    assert at.metric[0].value == f"{mean_cos:.4f}" == "1.0000"  # averaging forgets the order again
    assert at.caption and any("forgets the order" in c.value for c in at.caption)


def test_word_order_none_is_the_same_bag() -> None:
    at = run_app(view="order", positional="none", compare_a=EXAMPLE[0], compare_b=EXAMPLE[1])
    assert not at.exception
    assert any("same bag of vectors" in info.value for info in at.info)
    table = frame_with(at, "cos(input)")
    np.testing.assert_allclose(table["cos(input)"], 1.0, atol=1e-6)


def test_word_order_try_button_and_typing() -> None:
    at = run_app(view="order", compare_a="dog bites man", compare_b="man bites dog")  # " dog" != "dog"
    at.button[0].click().run()
    assert not at.exception
    assert (at.session_state["compare_a"], at.session_state["compare_b"]) == EXAMPLE
    at.text_input(key="compare_b").set_value("").run()
    assert not at.exception
    assert any("both boxes" in info.value for info in at.info)


def test_word_order_sentence_over_the_limit_is_reported() -> None:
    at = run_app(view="order", compare_a="dog " * 300, lang="de")
    assert not at.exception
    assert "1.200" in at.warning[0].value or "1,200" in at.warning[0].value
    assert not at.get("plotly_chart")


def test_word_order_markdown_and_html_stay_text() -> None:
    evil = "![x](http://example.com/x.png) [a](javascript:alert(1)) $x$ <b>"
    at = run_app(view="order", positional="none", compare_a=evil, compare_b=evil[::-1])
    assert not at.exception
    for message in [*at.warning, *at.info]:
        assert "](" not in message.value.replace("\\]\\(", "")


# ---------------------------------------------------------------------------------------------------------
# The pipeline's nearest neighbours stage
# ---------------------------------------------------------------------------------------------------------


def brute_force_neighbours(tok: torch.nn.Embedding, token_id: int, k: int) -> tuple[list[int], torch.Tensor]:
    """The k best ids by plain cosine similarity (the token itself excluded), and every row's score."""
    with torch.no_grad():
        scores = cosine_similarity(tok.weight, tok.weight[token_id][None, :], dim=1)
        scores[token_id] = -2.0
        return torch.topk(scores, k).indices.tolist(), scores


def assert_same_neighbours(shown: list[int], tok: torch.nn.Embedding, token_id: int, k: int) -> None:
    """The page's ids are the brute-force top k. Two rows can tie exactly in float32 (seen at rank 50),
    so at each rank the shown id must score as high as the expected one, to 1e-6."""
    expected, scores = brute_force_neighbours(tok, token_id, k)
    assert len(shown) == len(set(shown)) == k and token_id not in shown
    mismatched = [(a, b) for a, b in zip(shown, expected, strict=True) if a != b]
    assert len(mismatched) <= 2, (shown, expected)
    for a, b in mismatched:
        assert abs(float(scores[a]) - float(scores[b])) < 1e-6


@pytest.mark.parametrize(("token", "k"), [(3, 10), (0, 1), (5, 50)])
def test_neighbours_match_brute_force(
    plain_gpt2: tiktoken.Encoding, plain_tables, token: int, k: int
) -> None:
    at = run_app(opened=("open-neighbours",), token=token, k=k)
    assert not at.exception
    ids = plain_gpt2.encode(at.session_state["text"])
    table = frame_with(at, "cosine")
    assert_same_neighbours(table["id"].tolist(), plain_tables[0], ids[token], k)
    expected = table["id"].tolist()
    assert table["rank"].tolist() == list(range(1, k + 1))
    for shown, token_id in zip(table["token"], expected, strict=True):
        text = plain_gpt2.decode_single_token_bytes(token_id).decode("utf-8", errors="replace")
        if text.replace(" ", "").isprintable() and "\ufffd" not in text:  # plain text: shown as is
            assert shown == text.replace(" ", "␣")
    assert (table["cosine"].abs() < 0.5).all()  # random table: small cosines
    header = next(h for h in at.header if "Nearest neighbours" in h.value)
    assert header
    assert any("1/√256" in info.value for info in at.info)


def test_neighbours_follow_the_selected_token_and_k(plain_gpt2: tiktoken.Encoding, plain_tables) -> None:
    at = run_app(opened=("open-neighbours",))
    ids = plain_gpt2.encode(at.session_state["text"])
    at.selectbox(key="token").set_value(2).run()
    at.slider(key="k").set_value(4).run()
    assert not at.exception
    assert_same_neighbours(frame_with(at, "cosine")["id"].tolist(), plain_tables[0], ids[2], 4)


def test_neighbours_token_out_of_range_uses_the_first() -> None:
    at = run_app(opened=("open-neighbours",), token=500)
    assert not at.exception
    assert len(frame_with(at, "cosine")) == 10


# ---------------------------------------------------------------------------------------------------------
# Both languages
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("view", "header"),
    [
        ("seed", "Die Beispiele aus dem Lehrtext, mit seinen Zahlen"),
        ("order", "Wortreihenfolge: gleiche Tokens, andere Eingaben"),
        ("pipeline", "7 · Nächste Nachbarn"),
    ],
)
def test_german(view: str, header: str) -> None:
    at = run_app(view=view, lang="de")
    assert not at.exception
    assert header in [h.value for h in at.header]


def test_german_addition_and_warning() -> None:
    at = run_app(view="seed", lang="de", add_a="0,5; -0,2; 0,1", add_b="abc")
    assert not at.exception
    assert "Positions-Embedding" in at.warning[0].value
    at = run_app(view="seed", lang="de")
    assert any(code.startswith("Kombiniertes Embedding") for code in codes(at))
