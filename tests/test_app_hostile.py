"""The app under hostile input, through Streamlit's AppTest: tampered links, controls pushed past their
bounds, huge pastes, many visitors at once in threads, and no network.

``test_app.py`` checks that each control works and that a few bad values reset with a notice. Here every
setting of :class:`~embedviz.ui.state.Settings` meets every hostile value, and the checks are the
page's promises: no exception, a visible notice wherever a value was changed, no table bigger than the
memory budget, and a page that still works afterwards. Expected ids come from plain tiktoken, expected
numbers from ``torch.manual_seed`` + ``nn.Embedding`` written out here.
"""

from __future__ import annotations

import functools
import hashlib
import html
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import apptest_utils
import numpy as np
import pytest
import tiktoken
import torch
from apptest_utils import APP, ON_DEMAND, chart_by_key
from payloads import PAYLOADS
from streamlit.runtime.state.query_params import CLIENT_STATE_QUERY_STRING_MAX_LENGTH as QUERY_STRING_LIMIT
from streamlit.testing.v1 import AppTest
from tiktoken.load import load_tiktoken_bpe

import embedviz.tokenizer as tokenizer_module
from embedviz import MAX_CHARS, MAX_DIM, MAX_TABLE_BYTES, project
from embedviz.embeddings import table_bytes, table_fingerprint
from embedviz.ui import cache
from embedviz.ui.sections.seed_table import TOY_DIM, TOY_SEED, TOY_VOCAB
from embedviz.ui.state import DEFAULTS, FIELD_NAMES, RULES, VIEWS, Settings

GPT2_VOCAB = 50257
EOT = "<|endoftext|>"
GPT2_PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
#: Values a visitor can put in any query parameter.
HOSTILE: dict[str, str | list[str]] = {
    "empty": "",
    "minus-one": "-1",
    "overflow-float": "1e309",
    "nan": "NaN",
    "huge-int": "999999999999999999999",
    "letters": "abc",
    "path": "../../etc/passwd",
    "script": "<script>alert(1)</script>",
    "markdown-image": "![x](https://example.invalid/x.png)",
    "digits-10k": "9" * 10_000,  # also over Python's 4,300-digit int() limit
    "html-10k": "<b>x</b>" * 1_250,
    "repeated-key": ["8", "<script>alert(1)</script>"],
}
#: A link this long loads on the test server (uvicorn answers HTTP 400 from ~127,800 characters on).
SAFE_URL_CHARS = 100_000


@functools.cache
def plain_gpt2() -> tiktoken.Encoding:
    """GPT-2 as plain tiktoken: the shipped ranks and the regex of openai/gpt-2's encoder.py, no embedviz."""
    ranks = load_tiktoken_bpe(str(tokenizer_module.GPT2_RANKS_PATH))
    return tiktoken.Encoding(
        "plain-gpt2", pat_str=GPT2_PATTERN, mergeable_ranks=ranks, special_tokens={EOT: 50256}
    )


def plain_ids(text: str) -> list[int]:
    return plain_gpt2().encode(text, allowed_special={EOT}, disallowed_special=())


def chip_ids(at: AppTest) -> list[int]:
    """Token ids of the first chip row (the tokens section), read from the HTML the page sends."""
    rows = [h.proto.body for h in at.get("html") if "ev-chips" in h.proto.body]
    return [int(i) for i in re.findall(r'data-token-id="(\d+)"', rows[0])] if rows else []


def warnings_of(at: AppTest) -> list[str]:
    """The warnings' texts as a reader sees them (AppTest gives the Markdown source: ``context\\_length``)."""
    return [re.sub(r"\\(.)", r"\1", w.value) for w in at.warning]


def assert_page_works(at: AppTest) -> None:
    """No exception, the sidebar's controls are there, and the chips show the sentence's own tokens."""
    assert not at.exception, [e.value for e in at.exception]
    for key in ("dim", "seed", "context_length"):
        assert at.number_input(key=key).value is not None
    assert at.selectbox(key="encoding").value in RULES["encoding"]
    text = at.session_state["text"]
    if at.session_state["view"] == "pipeline" and at.session_state["encoding"] == "gpt2":
        if text and len(text) <= MAX_CHARS:
            assert chip_ids(at) == plain_ids(text)[:400]
        else:
            assert chip_ids(at) == []


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[int, int, int]]]:
    """Every table the page builds during the test, as (rows, dim, seed), with empty table caches at the
    start (so the first run must build) and the budget checked on every build."""
    built: list[tuple[int, int, int]] = []
    real_token, real_position = cache.build_token_table, cache.build_position_table

    def token_table(n_vocab: int, dim: int, seed: int):
        assert 1 <= dim <= MAX_DIM, f"asked for a {dim}-dimensional table"
        built.append((n_vocab, dim, seed))
        return real_token(n_vocab, dim, seed)

    def position_table(token_table, context_length: int):
        n_vocab, dim = token_table.layer.weight.shape
        assert table_bytes(n_vocab, dim, context_length) <= MAX_TABLE_BYTES
        built.append((context_length, dim, -1))
        return real_position(token_table, context_length)

    monkeypatch.setattr(cache, "build_token_table", token_table)
    monkeypatch.setattr(cache, "build_position_table", position_table)
    cache.clear_tables()
    yield built
    cache.clear_tables()  # do not keep a big table alive for the rest of the session


def run_app(**query: object) -> AppTest:
    """The app as opened with ``?key=value&...``, every on-demand section open: hostile values must
    reach all the code a visitor can open."""
    return apptest_utils.run_app(opened=ON_DEMAND, **query)


def run_with_query(query: dict[str, str | list[str]]) -> AppTest:
    """Run app.py once with raw query values (a list gives a repeated key: ``?dim=8&dim=9``), every
    on-demand section open."""
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    for key in ON_DEMAND:
        at.session_state[key] = True
    return at.run()


def check_each_setting(at: AppTest, query: dict[str, str | list[str]]) -> None:
    """Each setting is what the link said, or its default with a visible notice naming it; a kept value
    is inside the rules; no notice floods the page with a long value."""
    warnings = warnings_of(at)
    for name, raw in query.items():
        raws = raw if isinstance(raw, list) else [raw]
        value = at.session_state[name]
        said = str(value).lower() if isinstance(value, bool) else str(value)
        kept = said in raws or (isinstance(value, bool) and not value and "" in raws)
        noticed = any(f"{name}=" in w for w in warnings)
        if not kept:
            assert value == getattr(DEFAULTS, name), f"{name}={value!r}: neither the link's value nor default"
            assert noticed, f"{name} was changed from {raws[-1][:40]!r} to {value!r} without a notice"
        rule = RULES.get(name, ())
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            assert rule[0] <= value <= rule[1], (name, value)
        elif len(rule) > 1:
            assert value in rule, (name, value)
    for warning in warnings:
        assert len(warning) < 400, f"a notice of {len(warning)} characters: {warning[:80]}…"


def under_streamlits_limit(query: dict[str, str | list[str]]) -> list[dict[str, str | list[str]]]:
    """Split a query into parts whose query strings Streamlit reads (it ignores longer ones whole)."""
    parts: list[dict[str, str | list[str]]] = [{}]
    for name, value in query.items():
        candidate = {**parts[-1], name: value}
        if parts[-1] and len(urlencode(candidate, doseq=True)) > QUERY_STRING_LIMIT:
            parts.append({name: value})
        else:
            parts[-1] = candidate
    return parts


@pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))
def test_every_setting_tampered(value: str | list[str], builds: list[tuple[int, int, int]]) -> None:
    """All 31 query parameters carry the same hostile value (in as few links as Streamlit reads): no
    exception, a notice for every value the page changed, only the default tables built, and a page that
    still shows its tokens, as text."""
    for query in under_streamlits_limit({name: value for name in FIELD_NAMES}):
        at = run_with_query(query)
        assert_page_works(at)
        check_each_setting(at, query)
        assert at.session_state["dim"] in (DEFAULTS.dim, 8)  # "8" is only valid in the repeated key
        text = at.session_state["text"]
        if "text" in query and text and len(text) <= MAX_CHARS:
            body = next(h.proto.body for h in at.get("html") if "ev-chips" in h.proto.body)
            assert "<script" not in body and "<b>" not in body and "<img" not in body
    for rows, dim, _ in builds:
        assert dim in (DEFAULTS.dim, 8) and rows in (GPT2_VOCAB, DEFAULTS.context_length)


class ChipMarkup(HTMLParser):
    """The element names and attribute names of an HTML fragment, as a browser's parser reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)


#: A Markdown inline code span: a run of backticks, the text, the same run (CommonMark, "Code spans").
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.*?)(?<!`)\1(?!`)", re.DOTALL)


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_every_injection_payload_in_the_link(payload: str) -> None:
    """Every payload of the browser's injection test as ``?text=<payload>&seed=<payload>`` (Chromium opens
    ten kinds of them): the sentence is the payload, the chips are plain tiktoken's ids and carry none of
    its tags, and the seed's notice quotes it inside one code span that no backtick run in it can close
    (so Markdown renders none of it)."""
    at = run_with_query({"text": payload, "seed": payload, "dim": "16"})
    assert_page_works(at)
    assert at.session_state["text"] == payload
    assert chip_ids(at) == plain_ids(payload)
    chips = ChipMarkup()
    chips.feed(next(h.proto.body for h in at.get("html") if "ev-chips" in h.proto.body))
    assert chips.tags <= {"div", "span"}, chips.tags  # the chips' own markup, none of the payload's
    assert not [name for name in chips.attributes if name.startswith("on")], chips.attributes
    notices = [w.value for w in at.warning if "seed=" in w.value]
    assert len(notices) == 1, notices
    spans = CODE_SPAN.findall(notices[0])
    shown = payload if len(payload) <= 40 else payload[:40] + "…"
    quoting = [body for fence, body in spans if f"seed={shown!r}" in body]
    assert len(quoting) == 1, (notices[0], spans)
    fence = next(fence for fence, body in spans if body == quoting[0])
    longest_run = max((len(run) for run in re.findall("`+", quoting[0])), default=0)
    assert len(fence) > longest_run


def test_link_over_streamlits_query_limit_is_ignored_whole() -> None:
    """Streamlit drops a query string over 512 Ki characters without telling the app: the page opens
    with every default and no exception (it cannot show a notice: it never sees the link)."""
    query = {"dim": "8", "text": "é" * 100_000}
    assert len(urlencode(query)) > QUERY_STRING_LIMIT
    at = run_with_query(query)
    assert not at.exception
    assert at.session_state["dim"] == DEFAULTS.dim and at.session_state["text"] == DEFAULTS.text


@pytest.mark.parametrize("text", ["é" * 30_000, "😀" * 30_000, "a" * MAX_CHARS])
def test_the_link_the_page_writes_can_be_opened_again(text: str) -> None:
    """Whatever the page writes into the URL stays short enough to be reloaded and shared: 30,000 "é"
    (180,000 characters URL-encoded) would make the server answer HTTP 400 (uvicorn here: from about
    127,800 characters on). A sentence left out of the link is said so; a short one is kept."""
    at = run_app()
    at.text_input(key="text").set_value(text).run()
    assert not at.exception
    assert len(urlencode(at.query_params, doseq=True)) <= SAFE_URL_CHARS
    if "text" not in at.query_params:
        assert any("too long" in c.value and "link" in c.value for c in at.caption)
    at.text_input(key="text").set_value("short again").run()
    assert at.query_params["text"] in ("short again", ["short again"])


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("value", ["-1", "999999999999999999999", "<script>alert(1)</script>"])
def test_every_view_with_tampered_settings(view: str, value: str, builds: list[tuple[int, int, int]]) -> None:
    """Each view opened from a link whose other 30 settings are hostile: the view draws, with notices."""
    query: dict[str, str | list[str]] = {name: value for name in FIELD_NAMES if name != "view"}
    query["view"] = view
    at = run_with_query(query)
    assert_page_works(at)
    check_each_setting(at, query)
    assert at.session_state["view"] == view
    # The seed view's fixed 6 x 3 table (seed 123) comes from no setting; it is built through the same
    # cache module as the page's tables since every cache lives in embedviz/ui/cache.py.
    builds = [build for build in builds if build != (TOY_VOCAB, TOY_DIM, TOY_SEED)]
    assert builds == [] or {dim for _, dim, _ in builds} == {DEFAULTS.dim}


@pytest.mark.parametrize(
    ("raws", "allowed"),
    [
        (["8", "16"], {8, 16}),
        (["16", "abc"], {16, DEFAULTS.dim}),
        (["abc", "16"], {16, DEFAULTS.dim}),
        (["99999", "1e309", "NaN"], {DEFAULTS.dim}),
    ],
)
def test_repeated_keys(raws: list[str], allowed: set[int]) -> None:
    """``?dim=a&dim=b``: one of the link's valid values or the default with a notice, never a crash."""
    at = run_with_query({"dim": raws, "seed": raws})
    assert_page_works(at)
    check_each_setting(at, {"dim": raws, "seed": raws})
    assert at.session_state["dim"] in allowed


def test_unknown_and_hostile_parameter_names() -> None:
    """Names that are no setting (and one of 10,000 characters) are ignored with a short notice."""
    query = {"<script>alert(1)</script>": "1", "x" * 10_000: "1", "__proto__": "1", "dim ": "8"}
    at = run_with_query(query)
    assert_page_works(at)
    warnings = " ".join(warnings_of(at))
    assert warnings.count("Unknown setting") == len(query)
    assert at.session_state["dim"] == DEFAULTS.dim
    assert all(len(w) < 400 for w in warnings_of(at))


def number_inputs(at: AppTest) -> list[tuple[str, int, int]]:
    """(key, min, max) of every integer number input on the page."""
    return [(n.key, int(n.proto.min), int(n.proto.max)) for n in at.number_input if n.key]


@pytest.mark.parametrize(
    ("view", "keys"),
    [
        ("pipeline", {"dim", "seed", "context_length"}),
        ("batches", {"batch_size", "max_length", "stride", "batch"}),
    ],
)
def test_number_inputs_at_and_beyond_their_bounds(
    view: str, keys: set[str], builds: list[tuple[int, int, int]]
) -> None:
    """Every number input of the view at min, max, min-1 and max+1 (AppTest sends values the browser
    would refuse): no exception, the value stays inside the bounds, a bound itself is taken as is, and
    no table over the budget is built (dim 2,048 is the largest)."""
    at = run_app(view=view)
    inputs = [(key, low, high) for key, low, high in number_inputs(at) if key in keys]
    assert {key for key, _, _ in inputs} == keys
    for key, low, high in inputs:
        for value in (low, high, low - 1, high + 1):
            at.number_input(key=key).set_value(value).run()
            assert not at.exception, (key, value, [e.value for e in at.exception])
            got = at.number_input(key=key).value
            assert low <= got <= high, (key, value, got)
            if low <= value <= high:
                assert got == value, (key, value, got)
            assert_page_works(at)
        at.number_input(key=key).set_value(getattr(DEFAULTS, key)).run()
    assert (GPT2_VOCAB, MAX_DIM, DEFAULTS.seed) in builds or view != "pipeline"
    for rows, dim, _ in builds:
        assert dim <= MAX_DIM and rows <= max(GPT2_VOCAB, 8192)


def test_slider_beyond_its_bounds() -> None:
    """The neighbour count slider pushed past 1..50 by a forged message: no exception, no effect."""
    at = run_app()
    slider = at.slider(key="k")
    low, high = int(slider.proto.min), int(slider.proto.max)
    for value in (low - 1, high + 1, 10**9):
        at = run_app()
        at.slider(key="k").set_value(value).run()
        assert not at.exception
        assert low <= at.session_state["k"] <= high


@pytest.mark.parametrize(("key", "view", "limit"), [("add_a", "seed", 200), ("add_b", "seed", 200)])
def test_text_inputs_over_their_limit_are_refused_with_the_length(key: str, view: str, limit: int) -> None:
    """A text input that the widget caps at ``limit`` characters gets ``limit + 1`` from a link: the
    page says how long it is, nothing crashes."""
    at = run_app(view=view, **{key: "1," * ((limit + 1) // 2) + "1"})
    assert not at.exception
    assert len(at.session_state[key]) > limit
    assert any(str(len(at.session_state[key])) in m for m in warnings_of(at) + [e.value for e in at.error])


def test_compare_sentences_over_their_limit_are_reported() -> None:
    """``RULES["compare_a"]`` is 1,000 characters (the widget's ``max_chars``): a longer value from a link
    is reported with its length, not silently compared."""
    at = run_app(view="order", compare_a="dog " * 300, compare_b="man bites dog")
    assert not at.exception
    messages = warnings_of(at) + [e.value for e in at.error]
    assert any("1,000" in m and "1,200" in m for m in messages), messages


def test_maximum_sentence_length_is_stated_in_the_ui() -> None:
    """The sentence box's help text says the limit (100,000 characters), in both languages."""
    for lang, shown in (("en", f"{MAX_CHARS:,}"), ("de", f"{MAX_CHARS:,}".replace(",", "."))):
        at = run_app(lang=lang)
        assert shown in at.text_input(key="text").help


@pytest.mark.parametrize("length", [MAX_CHARS, MAX_CHARS + 1, 1_000_000])
def test_paste_at_and_over_the_limit(length: int) -> None:
    """A paste of exactly 100,000 characters is tokenized (its error is about tokens, not length); one
    over the limit, or ten times over, is refused naming its length, and nothing is cut."""
    text = ("ÃÂ" * length)[:length]
    at = run_app()
    at.text_input(key="text").set_value(text).run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert len(at.text_input(key="text").value) == length  # nothing cut
    if length <= MAX_CHARS:
        assert "characters" not in errors
        assert chip_ids(at) == plain_ids(text)[:400]
    else:
        assert f"{length:,} characters" in errors and f"{MAX_CHARS:,}" in errors
        assert chip_ids(at) == []
    assert at.number_input(key="dim").value == DEFAULTS.dim  # the rest of the page still works
    at.number_input(key="dim").set_value(8).run()
    assert not at.exception


@pytest.mark.parametrize("text", ["   ", "\u200b\u200b", "\x00", "\n\n\n", "\u202e\u202d", EOT, "\ufeff"])
def test_invisible_sentences_show_visible_chips(text: str) -> None:
    """A sentence of only spaces, zero-width, bidi or control characters still shows one chip per token,
    and no chip is blank."""
    at = run_app(text=text)
    assert_page_works(at)
    body = next(h.proto.body for h in at.get("html") if "ev-chips" in h.proto.body)
    labels = [html.unescape(label) for label in re.findall(r'class="ev-chip"[^>]*>([^<]*)<span', body)]
    assert len(labels) == len(plain_ids(text))
    for label in labels:
        assert label.strip() and label.isprintable(), f"chip {label!r} shows nothing visible"


@pytest.mark.parametrize(
    "text",
    ["<img src=x onerror=alert(1)>", "**b** [x](javascript:alert(1)) $x$", '=HYPERLINK("x") \u202e'],
)
def test_tables_hold_token_text_as_data(text: str) -> None:
    """The numbers tables (drawn on a canvas in the browser) get each row's label as plain data:
    ``position: token`` as the chips show it, the markup unchanged."""
    at = run_app(text=text, dim=8)
    assert not at.exception
    body = next(h.proto.body for h in at.get("html") if "ev-chips" in h.proto.body)
    shown = [html.unescape(label) for label in re.findall(r'class="ev-chip"[^>]*>([^<]*)<span', body)]
    expected = [f"{i}: {label}" for i, label in enumerate(shown)]
    tables = [d.value for d in at.dataframe if "token" in d.value.columns and "0" in d.value.columns]
    assert len(tables) == 3  # token, position and input embeddings
    for table in tables:
        assert table["token"].tolist() == expected


# ---------------------------------------------------------------------------------------------------------
# Many visitors at once, in threads, against the shared st.cache_resource tables
# ---------------------------------------------------------------------------------------------------------


def seed_tables(dim: int, seed: int, context_length: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The seed document's code: ``manual_seed``, the token table, then the position table."""
    torch.manual_seed(seed)
    token = torch.nn.Embedding(GPT2_VOCAB, dim).weight.detach().clone()
    position = torch.nn.Embedding(context_length, dim).weight.detach().clone()
    return token, position


def test_threads_share_cached_tables_without_changing_them() -> None:
    """4 threads call embed/project on the page's cached tables (``st.cache_resource``) and scribble on
    their results, while 8 AppTest visitors run the page on the same tables. Every caller and visitor
    sees its own tokens and the seed's numbers, and the cached tables' fingerprints are unchanged.

    The AppTests run one after the other (each in its own script thread): AppTest keeps one global mock
    Runtime per run, so two AppTests at once in one process break each other ("Runtime hasn't been
    created!"), which says nothing about the app."""
    settings = Settings(dim=24, seed=4711, context_length=64)
    token_table, position_table = cache.tables_of(settings.spec)
    before = (table_fingerprint(token_table.layer), table_fingerprint(position_table))
    plain_token, plain_position = seed_tables(24, 4711, 64)
    assert torch.equal(token_table.layer.weight, plain_token)
    stop = threading.Event()
    calls = [0] * 4

    def caller(worker: int) -> None:
        while not stop.is_set():
            text = f"caller {worker} writes {'<b>' * (calls[worker] % 3)} call {calls[worker]}"
            ids = plain_ids(text)
            result = cache.embedding_of(settings.spec, text)  # what the page calls: the cached tables
            assert result.token_ids == ids
            assert torch.equal(result.token_vectors, plain_token[ids])
            assert torch.equal(result.position_vectors, plain_position[: len(ids)])
            projection = project(result.token_vectors, result.position_vectors, result.input_embeddings)
            assert np.isfinite(projection.input_points).all()
            for tensor in (result.token_vectors, result.position_vectors, result.input_embeddings):
                tensor.mul_(-1000.0)  # a careless caller must not reach the shared tables
            calls[worker] += 1

    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(caller, worker) for worker in range(4)]
        try:
            for visitor in range(8):
                text = f"visitor {visitor} asks about the {'<i>' * (visitor % 2)} number {visitor * 7919}"
                ids = plain_ids(text)
                at = run_app(text=text, dim=24, seed=4711, context_length=64)
                assert not at.exception
                assert chip_ids(at) == ids
                z = np.asarray(chart_by_key(at, "heatmap-input")["data"][0]["z"], dtype=np.float64)
                expected = (plain_token[ids] + plain_position[: len(ids)]).numpy().astype(np.float64)
                np.testing.assert_allclose(z.reshape(len(ids), -1), np.round(expected, 4), atol=1e-9)
        finally:
            stop.set()
        for future in futures:
            future.result()  # re-raises a caller's failed assertion
    assert min(calls) > 0, f"a caller never ran alongside the visitors: {calls}"
    after_tables = cache.tables_of(settings.spec)
    assert after_tables[0] is token_table and after_tables[1] is position_table  # still the cached pair
    after = (table_fingerprint(token_table.layer), table_fingerprint(position_table))
    assert before == after
    assert torch.equal(token_table.layer.weight, plain_token)
    assert torch.equal(position_table.weight, plain_position)


# ---------------------------------------------------------------------------------------------------------
# Offline: no tiktoken download, no Hugging Face
# ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[list[str]]:
    """No network for tiktoken (``requests.get`` fails), an empty TIKTOKEN_CACHE_DIR, HF_HUB_OFFLINE=1,
    and no encoding loaded yet. Yields the URLs tiktoken tried to download."""
    import huggingface_hub.constants
    import requests

    tried: list[str] = []

    def no_network(url: str, *args: object, **kwargs: object) -> None:
        tried.append(url)
        raise requests.ConnectionError(f"offline test: no route to {url}")

    tiktoken_cache = tmp_path / "tiktoken-cache"
    tiktoken_cache.mkdir()
    monkeypatch.setattr(requests, "get", no_network)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tiktoken_cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(tiktoken.registry, "ENCODINGS", {})
    reset: Callable[[], None] = tokenizer_module.get_encoding.cache_clear
    reset()
    cache.tokens_of.clear()
    yield tried
    # Nothing was downloaded into the cache. (tiktoken also caches local files by the sha1 of their path:
    # loading the shipped GPT-2 ranks leaves a copy there, which is no download.)
    downloaded = {hashlib.sha1(url.encode()).hexdigest() for url in tried}
    assert downloaded.isdisjoint(path.name for path in tiktoken_cache.iterdir())
    reset()
    cache.tokens_of.clear()


@pytest.mark.parametrize("encoding", ["r50k_base", "p50k_base", "cl100k_base", "o200k_base"])
def test_offline_downloaded_encodings_explain_themselves(encoding: str, offline: list[str]) -> None:
    """With no network, each downloaded encoding really tries tiktoken's download, fails, and the page
    explains the one-time download and TIKTOKEN_CACHE_DIR; switching back to GPT-2 works offline."""
    at = run_app(encoding=encoding)
    assert not at.exception
    assert offline and all(url.startswith("https://") for url in offline)  # the real download path ran
    message = " ".join(e.value for e in at.error)
    assert encoding in message and "TIKTOKEN_CACHE_DIR" in message and "gpt2" in message
    assert at.number_input(key="dim").value == DEFAULTS.dim
    at.selectbox(key="encoding").set_value("gpt2").run()
    assert not at.exception and not at.error
    assert chip_ids(at) == plain_ids(DEFAULTS.text)


@pytest.mark.parametrize("view", VIEWS)
def test_offline_every_view_starts(view: str, offline: list[str]) -> None:
    """Offline (tiktoken and Hugging Face), every view of the app opens with GPT-2, with the pretrained
    tables asked for too, and needs no network for it."""
    at = run_app(view=view, tables="gpt2")
    assert not at.exception, [e.value for e in at.exception]
    assert offline == []  # GPT-2 ships with embedviz: no download was even tried
    if view == "pipeline":
        assert chip_ids(at) == plain_ids(DEFAULTS.text)


@pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))
def test_a_class_s_parameters_tampered(value: str | list[str]) -> None:
    """``room``, ``key`` and ``class`` carrying hostile values: a working page, in no class, nothing
    rendered from them but an inert notice."""
    from embedviz.ui.classroom import SEAT

    at = run_with_query({"room": value, "key": value, "class": value})
    assert_page_works(at)
    assert at.session_state[SEAT] is None if SEAT in at.session_state else True
    html_bodies = "\n".join(e.proto.body for e in at.get("html"))
    assert "<script" not in html_bodies and "<b>x" not in html_bodies


@pytest.mark.parametrize("value", [v for v in HOSTILE.values() if isinstance(v, str)], ids=list(HOSTILE)[:-1])
def test_hostile_board_entries_stay_inert_on_the_teachers_page(value: str) -> None:
    """A student sends a hostile word and nickname; the teacher's board shows them as text only."""
    from embedviz.rooms import MAX_ENTRY_CHARS
    from embedviz.ui import room_server
    from embedviz.ui.classroom import SEAT

    teacher = run_app(**{"class": "start"})
    room = room_server.ROOMS.get(teacher.session_state[SEAT].code, now=time.time())
    folded = " ".join(value.split())
    if folded and len(folded) <= MAX_ENTRY_CHARS:
        room.send("student", value, now=time.time(), nickname=value)
    room.send("other", "<img src=x onerror=alert(1)>", now=time.time(), nickname="[x](javascript:alert(1))")
    teacher.run()
    assert not teacher.exception, [e.value for e in teacher.exception]
    trace = chart_by_key(teacher, "ev-board-space")["data"][0]
    assert all("<" not in label for label in [*trace["text"], *trace["hovertext"]])
    html_bodies = "\n".join(e.proto.body for e in teacher.get("html"))
    for payload in ("<img src=x", "onerror", "<script", "javascript:"):  # (the QR code is an <img> of ours)
        assert payload not in html_bodies
    room_server.ROOMS.end(room.code, room.key)
