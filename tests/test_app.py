"""The main view through Streamlit's AppTest: every control, bad input, the URL, presenter mode.

Expected numbers come from plain torch / tiktoken / scikit-learn code written here, following the seed
document, never from embedviz itself.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pytest
import tiktoken
import torch
from apptest_utils import chart_by_key, run_app
from sklearn.decomposition import PCA

from embedviz.tokenizer import MAX_CHARS
from embedviz.ui import cache

DEFAULT = "Today the cat sat on the mat"


def seed_vectors(ids: list[int], dim: int = 256, seed: int = 123, context_length: int = 1024):
    """The seed document's code: token, position and input vectors."""
    torch.manual_seed(seed)
    tok = torch.nn.Embedding(50257, dim)
    pos = torch.nn.Embedding(context_length, dim)
    with torch.no_grad():
        token = tok(torch.tensor(ids))
        position = pos(torch.arange(len(ids)))
    return token.numpy(), position.numpy(), (token + position).numpy()


def chip_ids(at) -> list[int]:
    chips = [h for h in at.get("html") if "ev-chips" in h.proto.body]
    return [int(i) for i in re.findall(r'data-token-id="(\d+)"', chips[0].proto.body)] if chips else []


def headers(at) -> list[str]:
    return [h.value for h in at.header]


def test_default_page_follows_the_seed_order(plain_gpt2):
    at = run_app()
    assert not at.exception
    assert headers(at)[:5] == [
        "1 · Tokens",
        "2 · Token embeddings",
        "3 · Position embeddings",
        "4 · Input embedding = token + position",
        "5 · The 3D view",
    ]
    assert at.text_input(key="text").label == "Sentence"
    assert at.text_input(key="text").value == DEFAULT
    ids = plain_gpt2.encode(DEFAULT)
    assert chip_ids(at) == ids
    assert any(f"{len(DEFAULT)} characters → {len(ids)} tokens" in m.value for m in at.markdown)


def test_3d_figure_matches_plain_torch_and_sklearn(plain_gpt2):
    at = run_app()
    ids = plain_gpt2.encode(DEFAULT)
    token, position, inputs = seed_vectors(ids)
    stacked = np.concatenate([token, position, inputs]).astype(np.float64)
    pca = PCA(n_components=3, svd_solver="full").fit(stacked)
    figure = chart_by_key(at, "space3d")
    traces = figure["data"]
    assert len(traces) == 4  # token, position, input, token->input lines
    for trace, vectors in zip(traces[:3], (token, position, inputs), strict=True):
        expected = pca.transform(vectors.astype(np.float64))
        got = np.stack([trace["x"], trace["y"], trace["z"]], axis=1)
        assert got.shape == (len(ids), 3)
        np.testing.assert_allclose(got, expected, atol=1e-4)
    # The repeated " the" (positions 1 and 5) shares one token point but not its input point.
    x = traces[0]["x"]
    assert x[1] == x[5] and traces[2]["x"][1] != traces[2]["x"][5]
    titles = [figure["layout"]["scene"][f"{a}axis"]["title"]["text"] for a in "xyz"]
    assert titles == [f"PC{i + 1} ({r:.1%})" for i, r in enumerate(pca.explained_variance_ratio_)]
    assert figure["layout"]["uirevision"]


def test_heatmaps_and_worked_sum_show_the_seed_numbers(plain_gpt2):
    at = run_app()
    ids = plain_gpt2.encode(DEFAULT)
    token, position, inputs = seed_vectors(ids)
    for key, values in (("heatmap-token", token), ("heatmap-position", position), ("heatmap-input", inputs)):
        z = np.asarray(chart_by_key(at, key)["data"][0]["z"], dtype=np.float64).reshape(len(ids), -1)
        np.testing.assert_allclose(z, np.round(values[:, :128].astype(np.float64), 4), atol=1e-6)
    at.selectbox(key="token").set_value(2).run()
    # st.html(<pre>): the text, HTML-escaped ("␣" and digits are unchanged by escaping)
    worked = next(h.value for h in at.html if "ev-mono" in h.value and "=" in h.value and "+" in h.value)
    worked = html.unescape(worked.removeprefix('<pre class="ev-mono">').removesuffix("</pre>"))
    first = [f"{token[2, d]:.4f}" for d in range(3)]
    assert worked.startswith("2: ␣cat")
    for value in first:
        assert value in worked
    assert f"{inputs[2, 0]:.4f}" in worked.splitlines()[-1]


def numbers_tables(at) -> list:
    """The "Exact numbers" tables on the page (first column "token", then dimensions "0", "1", ...)."""
    return [d.value for d in at.dataframe if "token" in d.value.columns and "0" in d.value.columns]


def test_exact_numbers_are_built_only_when_opened(plain_gpt2):
    """Closed (the default), the three "Exact numbers" tables are not sent at all; opened, each holds
    the seed's numbers to 4 decimals (first 8 dimensions, or all with the toggle)."""
    at = run_app()
    assert numbers_tables(at) == []
    ids = plain_gpt2.encode(DEFAULT)
    token, position, inputs = seed_vectors(ids)
    for name in ("token", "position", "input"):
        at.session_state[f"open-numbers-{name}"] = True
    at.run()
    tables = numbers_tables(at)
    assert len(tables) == 3
    for table, values in zip(tables, (token, position, inputs), strict=True):
        assert table["token"].tolist()[2] == "2: ␣cat"
        got = table.drop(columns="token").to_numpy()
        np.testing.assert_array_equal(got, np.round(values[:, :8].astype(np.float64), 4))
    at.toggle(key="all_dims").set_value(True).run()
    assert [table.shape for table in numbers_tables(at)] == [(len(ids), 1 + 256)] * 3


@pytest.mark.parametrize(
    ("widget", "key", "value"),
    [
        ("number_input", "dim", 1),
        ("number_input", "dim", 16),
        ("number_input", "seed", 0),
        ("number_input", "seed", 2**32 - 1),
        ("number_input", "context_length", 7),
        ("number_input", "context_length", 8192),
        ("radio", "positional", "sinusoidal"),
        ("radio", "positional", "none"),
        ("radio", "fit", "reference"),
        ("segmented_control", "camera", "top"),
        ("toggle", "all_dims", True),
        ("segmented_control", "lang", "de"),
    ],
)
def test_every_control_works(widget, key, value):
    at = run_app()
    getattr(at, widget)(key=key).set_value(value).run()
    assert not at.exception
    assert at.session_state[key] == value
    assert len(chip_ids(at)) == 7
    query = dict(at.query_params)
    assert (
        query[key] == [str(value).lower() if isinstance(value, bool) else str(value)]
        or query[key] == str(value).lower()
        or query[key] == str(value)
    )


def test_dim_1_pads_the_3d_view():
    at = run_app(dim=1)
    assert not at.exception
    assert any("padded with zeros" in i.value for i in at.info)
    figure = chart_by_key(at, "space3d")
    assert not np.isnan(np.asarray(figure["data"][0]["x"], dtype=float)).any()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Type a sentence"),
        ("x" * (MAX_CHARS + 1), "at most 100,000"),
    ],
)
def test_empty_and_too_long_text(text, message):
    at = run_app()
    at.text_input(key="text").set_value(text).run()
    assert not at.exception
    shown = [e.value for e in at.error] + [i.value for i in at.info]
    assert any(message in m for m in shown), shown
    assert at.number_input(key="dim").value == 256  # the rest of the page still works


@pytest.mark.parametrize("text", ["hi", "hi there", "<|endoftext|>", "😀", " "])
def test_one_and_two_tokens(text, plain_gpt2):
    at = run_app()
    at.text_input(key="text").set_value(text).run()
    assert not at.exception
    assert chip_ids(at) == plain_gpt2.encode(text, allowed_special={"<|endoftext|>"})


def test_more_tokens_than_context_length_says_how_many():
    at = run_app(context_length=3)
    assert not at.exception
    assert any("7 tokens" in e.value and "context length is 3" in e.value for e in at.error)
    assert len(chip_ids(at)) == 7  # the tokens still show
    assert "2 · Token embeddings" not in headers(at)


def test_offline_encoding_explains_itself(monkeypatch, tmp_path):
    def offline(name: str):
        raise ConnectionError("no network")

    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(tiktoken, "get_encoding", offline)
    at = run_app(encoding="cl100k_base")
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert "cl100k_base" in message and "TIKTOKEN_CACHE_DIR" in message and "download" in message


def test_memory_budget_is_refused_with_a_message(monkeypatch):
    # A 50 MB budget makes GPT-2 at 256 dims (52.5 MB of tables) too big: the mechanism, without o200k.
    monkeypatch.setattr("embedviz.embeddings.MAX_TABLE_BYTES", 50 * 2**20)
    at = run_app(dim=300)
    assert not at.exception
    assert any("GB" in e.value and "limit" in e.value for e in at.error)
    assert len(chip_ids(at)) == 7


def test_xss_sentence_is_text():
    payload = "<img src=x onerror=alert(1)>"
    at = run_app()
    at.text_input(key="text").set_value(payload).run()
    assert not at.exception
    body = next(h.proto.body for h in at.get("html") if "ev-chips" in h.proto.body)
    assert "<img" not in body
    shown = "".join(html.unescape(t) for t in re.findall(r'class="ev-chip"[^>]*>([^<]*)<span', body))
    assert shown.replace("␣", " ") == payload
    figure = chart_by_key(at, "space3d")
    assert not any("<img" in str(label) for label in figure["data"][0]["text"])
    # The worked sum names the picked token inside an HTML <pre>: escaped there too ("<" and ")>" are tokens).
    for index in (0, len(chip_ids(at)) - 1):
        at.selectbox(key="token").set_value(index).run()
        worked = next(h.proto.body for h in at.get("html") if "ev-mono" in h.proto.body)
        inner = worked.removeprefix('<pre class="ev-mono">').removesuffix("</pre>")
        assert "<" not in inner and ">" not in inner, inner
        assert "&lt;" in inner or "&gt;" in inner


@pytest.mark.parametrize(("words", "labelled"), [(40, True), (41, False)])
def test_long_sentences_draw_plain_points(plain_gpt2, words: int, labelled: bool):
    """Up to 40 tokens the 3D points carry their labels and a white ring; a longer sentence draws plain
    points (thousands of labels and rings are clutter, and cost drawing time)."""
    text = " ".join(["word"] * words)
    assert len(plain_gpt2.encode(text)) == words
    traces = chart_by_key(run_app(text=text), "space3d")["data"][:3]
    for trace in traces:
        assert trace["marker"]["line"]["width"] == (1 if labelled else 0)
    assert any(traces[0].get("text") or []) == labelled  # only token points carry labels
    assert not any(traces[1].get("text") or []) and not any(traces[2].get("text") or [])


def test_tampered_url_is_reset_with_notices():
    at = run_app(dim=999999999, seed="abc", encoding="../../etc", positional="<script>", lang="xx", step=99)
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    for name in ("dim", "seed", "encoding", "positional", "lang", "step"):
        assert f"{name}=" in warnings
    assert at.session_state["dim"] == 256 and at.session_state["seed"] == 123
    assert at.session_state["encoding"] == "gpt2"


def test_shared_link_restores_the_view():
    at = run_app(
        text="man bites dog", dim=16, seed=7, positional="sinusoidal", context_length=64, fit="reference"
    )
    assert not at.exception and not at.warning
    assert at.text_input(key="text").value == "man bites dog"
    assert at.number_input(key="dim").value == 16
    assert at.number_input(key="seed").value == 7
    assert at.radio(key="positional").value == "sinusoidal"
    assert at.radio(key="fit").value == "reference"
    at.number_input(key="seed").set_value(8).run()
    assert at.query_params["seed"] == ["8"] or at.query_params["seed"] == "8"


def test_presenter_mode_reveals_step_by_step():
    at = run_app(presenter="true")
    assert headers(at)[:1] == ["1 · Tokens"] and "2 · Token embeddings" not in headers(at)
    for step in range(1, 5):
        next(b for b in at.button if "Next" in b.label).click().run()
        assert not at.exception
        assert at.session_state["step"] == step
    assert "5 · The 3D view" in headers(at)
    next(b for b in at.button if "Back" in b.label).click().run()
    assert "5 · The 3D view" not in headers(at)


def test_german_page():
    at = run_app(lang="de")
    assert not at.exception
    assert headers(at)[:2] == ["1 · Tokens", "2 · Token-Embeddings"]
    assert at.text_input(key="text").label == "Satz"


def test_warm_rerun_builds_no_table_and_tokenizes_nothing(monkeypatch):
    calls = {"table": 0, "tokenize": 0}
    build, tokenize = cache.build_token_table, cache.tokenize

    def counting_build(*args):
        calls["table"] += 1
        return build(*args)

    def counting_tokenize(*args):
        calls["tokenize"] += 1
        return tokenize(*args)

    monkeypatch.setattr(cache, "build_token_table", counting_build)
    monkeypatch.setattr(cache, "tokenize", counting_tokenize)
    cache.clear_tables()
    cache.tokens_of.clear()
    at = run_app(seed=4242)
    assert calls == {"table": 1, "tokenize": 1}
    at.segmented_control(key="camera").set_value("side").run()
    at.radio(key="fit").set_value("reference").run()
    at.toggle(key="all_dims").set_value(True).run()
    assert not at.exception
    assert calls == {"table": 1, "tokenize": 1}
