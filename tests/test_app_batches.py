"""App tests of the "batches" view (``?view=batches``), run with Streamlit's AppTest.

The ids the page shows are checked against an independent computation: plain tiktoken GPT-2 (built in
``conftest.py`` from the shipped ranks, without embedviz's tokenizer) and the seed's slicing rule
``range(0, len(ids) - max_length, stride)``. The code the page shows is run, and must give the same
``inputs`` and the same numbers.
"""

from __future__ import annotations

import contextlib
import html
import io
import re
from pathlib import Path

import pytest
import tiktoken
import torch
from streamlit.testing.v1 import AppTest
from torch.utils.data import DataLoader

from embedviz.dataloader import GPTDatasetV1

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "embedviz" / "ui" / "page.py")


def run_batches(**params: object) -> AppTest:
    """The app opened at ``?view=batches`` plus ``params``, after its first run."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["view"] = "batches"
    for name, value in params.items():
        at.query_params[name] = str(value).lower() if isinstance(value, bool) else str(value)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def batch_text_html(at: AppTest) -> str:
    """The body of the st.html element that shows the text cut into windows (the page has others)."""
    return next(h.proto.body for h in at.get("html") if 'class="ev-batch"' in h.proto.body)


def page_text(at: AppTest) -> str:
    """Every markdown, caption, code, info and error text on the page, one per line."""
    parts = [e.value for kind in ("markdown", "caption", "code", "info", "error") for e in getattr(at, kind)]
    return "\n".join(parts)


def grid(at: AppTest, index: int) -> list[list[int]]:
    """The token ids of a tensor grid (0 = inputs, 1 = targets): cells read "id · token"."""
    frame = at.dataframe[index].value
    return [[int(cell.split(" · ")[0]) for cell in row] for row in frame.itertuples(index=False)]


def expected_windows(encoding: tiktoken.Encoding, text: str, max_length: int, stride: int) -> list[list[int]]:
    """Every input window, computed here: the seed's encode call and slicing."""
    ids = encoding.encode(text, allowed_special={"<|endoftext|>"})
    return [ids[s : s + max_length] for s in range(0, len(ids) - max_length, stride)]


def test_default_shapes_are_the_seeds() -> None:
    at = run_batches()
    text = page_text(at)
    assert "**`inputs`** · `(8, 4)`" in text
    assert "**`targets`** · `(8, 4)`" in text
    shapes = at.code[0].value
    assert "token_embeddings  (8, 4, 256)" in shapes
    assert "pos_embeddings       (4, 256)" in shapes  # right-aligned: the trailing dims line up
    assert "input_embeddings  (8, 4, 256)" in shapes
    assert "public domain" in text


@pytest.mark.parametrize(
    ("max_length", "stride", "batch"), [(4, 4, 0), (4, 4, 159), (3, 2, 7), (5, 8, 2), (1, 1, 40)]
)
def test_inputs_equal_an_independent_computation(
    plain_gpt2: tiktoken.Encoding, verdict_text: str, max_length: int, stride: int, batch: int
) -> None:
    at = run_batches(max_length=max_length, stride=stride, batch=batch)
    windows = expected_windows(plain_gpt2, verdict_text, max_length, stride)
    assert grid(at, 0) == windows[batch * 8 : batch * 8 + 8]
    first = at.dataframe[0].value.iloc[0, 0]
    assert first.split(" · ")[1] == plain_gpt2.decode([windows[batch * 8][0]]).replace(" ", "␣")


def test_targets_are_the_inputs_shifted_by_one(plain_gpt2: tiktoken.Encoding, verdict_text: str) -> None:
    at = run_batches(stride=3, batch=4)
    ids = plain_gpt2.encode(verdict_text)
    starts = range(0, len(ids) - 4, 3)[32:40]
    assert grid(at, 1) == [ids[s + 1 : s + 5] for s in starts]
    for inputs, targets in zip(grid(at, 0), grid(at, 1), strict=True):
        assert targets[:-1] == inputs[1:]


@pytest.mark.parametrize(
    ("stride", "lang", "expected"),
    [
        (2, "en", "**Overlap:** stride 2 < max_length 4, so neighbouring windows share 2 tokens;"),
        (3, "en", "**Overlap:** stride 3 < max_length 4, so neighbouring windows share 1 token;"),
        (6, "en", "**Gap:** stride 6 > max_length 4, so neighbouring windows skip 2 tokens (grey"),
        (
            5,
            "de",
            "**Lücke:** stride 5 > max_length 4, also überspringen benachbarte Fenster jeweils 1 Token",
        ),
        (4, "en", "**No overlap, no gap:** stride 4 = max_length 4"),
        (2, "de", "**Überlappung:** stride 2 < max_length 4"),
        (6, "de", "**Lücke:** stride 6 > max_length 4"),
    ],
)
def test_overlap_and_gap_are_named(stride: int, lang: str, expected: str) -> None:
    assert expected in page_text(run_batches(stride=stride, lang=lang))


def test_gap_tokens_are_struck_through_and_overlaps_striped() -> None:
    gap = batch_text_html(run_batches(stride=6))
    assert 'class="skip"' in gap and "repeating-linear-gradient" not in gap
    overlap = batch_text_html(run_batches(stride=2))
    assert "repeating-linear-gradient" in overlap and 'class="skip"' not in overlap


def test_own_short_text_says_how_many_tokens() -> None:
    at = run_batches(batch_source="own", batch_text="Hello world")
    assert len(at.info) == 1
    assert "2 tokens" in at.info[0].value and "max_length + 1 = 5" in at.info[0].value


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "The text has 1 tokens, but one window needs max_length + 1 = 5"),
        ("de", "Der Text hat 1 Tokens"),
    ],
)
def test_loader_refusal_of_a_short_text_is_a_message(lang: str, expected: str) -> None:
    """The outside check's case, create_dataloader_v1("Hi", max_length=4, ...): the view shows the data
    loader's refusal as a message in the page's language, and no batch."""
    at = run_batches(batch_source="own", batch_text="Hi", max_length=4, stride=1, batch_size=1, lang=lang)
    assert [expected in info.value for info in at.info] == [True]
    assert not at.dataframe and not at.error


@pytest.mark.parametrize(
    ("params", "kind", "expected"),
    [
        ({"batch_text": ""}, "info", "Paste a text"),
        ({"batch_text": "x" * 100_001}, "error", "100,001 characters"),
        ({"batch_text": "one two three four five six seven", "batch_size": 8}, "info", "drop_last=True"),
    ],
)
def test_own_text_problems_are_explained(params: dict[str, object], kind: str, expected: str) -> None:
    at = run_batches(batch_source="own", **params)
    assert any(expected in e.value for e in getattr(at, kind))
    assert not at.dataframe


def test_own_text_is_escaped() -> None:
    """HTML in the user's text reaches the page as text: escaped, and readable again once unescaped."""
    text = "<b>bold</b> <script>alert(1)</script> and some more words to make windows"
    at = run_batches(batch_source="own", batch_text=text, batch_size=2, max_length=10)
    body = batch_text_html(at)
    assert "<b>" not in body and "<script>" not in body
    excerpt = body.split('<div class="ev-batch"', 1)[1].split(">", 1)[1]
    excerpt = re.sub(r'<span class="(mark|cut)"[^>]*>[^<]*</span>', "", excerpt)
    assert html.unescape(re.sub(r"<[^>]+>", "", excerpt)).startswith(text[:38])


def test_shuffle_is_reproducible_and_seeded(plain_gpt2: tiktoken.Encoding, verdict_text: str) -> None:
    first = grid(run_batches(shuffle=True, seed=7, batch=3), 0)
    assert first == grid(run_batches(shuffle=True, seed=7, batch=3), 0)
    assert first != grid(run_batches(shuffle=True, seed=8, batch=3), 0)
    assert first != grid(run_batches(batch=3), 0)
    dataset = GPTDatasetV1(verdict_text, plain_gpt2, 4, 4)
    loader = DataLoader(
        dataset, batch_size=8, shuffle=True, drop_last=True, generator=torch.Generator().manual_seed(7)
    )
    assert first == list(loader)[3][0].tolist()
    assert "torch.Generator().manual_seed(7)" in page_text(run_batches(shuffle=True, seed=7))


@pytest.mark.parametrize(
    "params",
    [
        {"batch_size": 1, "max_length": 1, "stride": 1, "batch": 10_000},
        {"batch_size": 64, "max_length": 256, "stride": 1},
        {"batch_size": 64, "max_length": 256, "stride": 256},  # 19 windows: no full batch
        {"batch_size": 1, "max_length": 256, "stride": 256, "batch": 10_000, "shuffle": True},
        {"batch_size": 64, "max_length": 1, "stride": 256, "shuffle": True},
        {"max_length": 256, "context_length": 100},  # no position vectors for positions 100-255
        {"max_length": 256, "context_length": 100, "positional": "sinusoidal"},
        {"positional": "none", "dim": 1},
        {"dim": 2048, "batch_size": 64, "max_length": 256, "stride": 64},
    ],
)
def test_controls_at_their_bounds(params: dict[str, object]) -> None:
    at = run_batches(**params)
    assert at.dataframe or at.info or at.error


def test_batch_number_is_clamped_to_the_last_batch() -> None:
    at = run_batches(batch=10_000)
    assert at.number_input(key="batch").value == 159
    at.number_input(key="max_length").set_value(256).run()
    assert not at.exception
    assert at.number_input(key="batch").value == len(range(0, 5145 - 256, 4)) // 8 - 1


def test_widgets_at_their_bounds() -> None:
    at = run_batches()
    for key, low, high in (("batch_size", 1, 64), ("max_length", 1, 256), ("stride", 1, 256)):
        for value in (low, high):
            at.number_input(key=key).set_value(value).run()
            assert not at.exception, (key, value, [e.value for e in at.exception])
    at.toggle(key="shuffle").set_value(True).run()
    assert not at.exception


def test_german() -> None:
    at = run_batches(lang="de")
    text = page_text(at)
    assert "Batches: viele Textfenster auf einmal" in [h.value for h in at.header]
    assert "gemeinfrei" in text and "(8, 4, 256)" in text


def run_shown_code(code: str) -> dict[str, object]:
    """Run the page's code from the repository root, as the page says; return its variables."""
    namespace: dict[str, object] = {}
    with contextlib.chdir(ROOT), contextlib.redirect_stdout(io.StringIO()) as out:
        exec(compile(code, "<shown code>", "exec"), namespace)  # the app's own code, shown to the user
    namespace["_stdout"] = out.getvalue()
    return namespace


@pytest.mark.parametrize(
    "params",
    [{}, {"shuffle": True, "seed": 5, "batch": 3, "stride": 2}, {"batch": 2, "positional": "sinusoidal"}],
)
def test_shown_code_gives_the_shown_batch_and_numbers(params: dict[str, object]) -> None:
    at = run_batches(**params)
    code = at.code[-1].value
    result = run_shown_code(code)
    assert result["inputs"].tolist() == grid(at, 0)
    assert result["targets"].tolist() == grid(at, 1)
    assert "torch.Size([8, 4, 256])" in result["_stdout"]
    numbers = at.dataframe[2].value.drop(columns=at.dataframe[2].value.columns[0]).to_numpy()
    expected = result["input_embeddings"][0, :, :8].detach().numpy()
    assert abs(numbers - expected).max() < 1e-4
