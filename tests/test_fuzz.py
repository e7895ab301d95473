"""Fuzzing the whole core chain, tokenize -> embed -> project -> what the page draws, with hostile text.

``test_properties.py`` checks single stages over arbitrary text. Here every example goes through all
stages at once, with strategies aimed at the categories that break text handling (emoji and ZWJ
sequences, combining marks, right-to-left and bidi controls, zero-width and control characters, NUL,
special-token look-alikes, the 100,000-character limit). The oracle for each example is computed here,
independently of embedviz: plain tiktoken for the ids, ``torch.manual_seed`` + ``nn.Embedding`` for the
vectors, Python's UTF-8 codec for the spans, the Unicode database for "invisible".
"""

from __future__ import annotations

import functools
import html
import math
import re
import unicodedata
from html.parser import HTMLParser

import numpy as np
import pytest
import tiktoken
import torch
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

import embedviz
from embedviz import (
    MAX_CHARS,
    EmbedvizError,
    TextTooLongError,
    TooManyTokensError,
    decode,
    embed,
    encode,
    project,
    tokenize,
)
from embedviz.ui.sections import space3d
from embedviz.ui.sections import tokens as token_ui

GPT2_VOCAB = 50257
EOT = "<|endoftext|>"
FUZZ = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# One list per category, so a failure names what broke it (hypothesis shrinks to the smallest piece).
EMOJI = ["😀", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇩🇪", "🧑🏿‍🚀", "❤️", "1️⃣", "🫠", "\U0001f9d1\u200d\U0001f4bb"]
COMBINING = ["e\u0301", "\u0301", "a\u0308\u0323\u0330", "Z\u0336\u0337\u0338" * 3, "\u20dd", "\u3099"]
RTL = ["שלום", "مرحبا بالعالم", "\u202e", "\u202d", "\u2066", "\u2069", "\u200f", "\u061c", "abc\u202edef"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e", "\U000e0041", "\ufe0f"]
CONTROL = ["\x00", "\x01", "\x07", "\x08", "\x1b[31m", "\x7f", "\x85", "\x9b", "\r", "\r\n", "\t", "\v", "\f"]
SEPARATORS = ["\u2028", "\u2029", "\u00a0", "\u3000", "\u202f", " ", "   ", "\n\n"]
SPECIALS = [
    EOT,
    "<|fim_prefix|>",
    "<|fim_middle|>",
    "<|endofprompt|>",
    "<|im_start|>",
    "<|",
    "|>",
    "<|endoftext",
]
ODD = [
    "\ufffd",
    "\ue000",
    "\uffff",
    "\U0010ffff",
    "\U000f0000",
    "𝕳𝖊𝖑𝖑𝖔",
    "ﷺ",
    "日本語",
    "नमस्ते",
    "'s",
    "12345",
]
PIECES = EMOJI + COMBINING + RTL + INVISIBLE + CONTROL + SEPARATORS + SPECIALS + ODD
TEXTS = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(max_size=8), st.characters(codec="utf-8").map(str)),
    max_size=24,
).map("".join)

SEEDS = (0, 123, 2**32 - 1)
CONTEXT_LENGTHS = (1, 4, 64, 8192)
#: Characters a chip must never show as such (they would be invisible or move the text around).
HIDDEN_CATEGORIES = ("Cc", "Cf", "Zl", "Zp", "Zs")
HEX_GROUP = re.compile(r"<[0-9A-F]{2}(?: [0-9A-F]{2})*>")
HOVER_TAGS = re.compile(r"</?b>|<br>")


@functools.cache
def plain_tables(dim: int, seed: int, context_length: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The seed document's code, written out here: seed, token table, then position table."""
    torch.manual_seed(seed)
    token = torch.nn.Embedding(GPT2_VOCAB, dim).weight.detach()
    position = torch.nn.Embedding(context_length, dim).weight.detach()
    return token, position


def plain_sinusoid(n: int, dim: int) -> torch.Tensor:
    """Vaswani et al. 2017 with Python's math module, one number at a time."""
    out = torch.zeros(n, dim, dtype=torch.float64)
    for p in range(n):
        for i in range(dim):
            angle = p / 10000 ** ((i - i % 2) / dim)
            out[p, i] = math.sin(angle) if i % 2 == 0 else math.cos(angle)
    return out.float()


def plain_ids(text: str, plain_gpt2: tiktoken.Encoding) -> list[int]:
    return plain_gpt2.encode(text, allowed_special={EOT}, disallowed_special=())


class TagCollector(HTMLParser):
    """Every start tag with its attribute names, and the text, of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, [name for name, _ in attrs]))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def check_tokens(text: str, tokens: list[embedviz.Token], ids: list[int]) -> None:
    """Ids, bytes, spans and display text of a tokenization, against facts computed without embedviz."""
    assert [token.id for token in tokens] == ids
    assert b"".join(token.bytes for token in tokens) == text.encode("utf-8")
    assert decode(encode(text)) == text
    for token in tokens:
        assert 0 <= token.start < token.end <= len(text), (token, len(text))
        if not token.is_fragment:
            assert text[token.start : token.end].encode("utf-8") == token.bytes
        if "\ufffd" not in text:
            assert "\ufffd" not in token.display, token
        assert token.is_special == (token.id == GPT2_VOCAB - 1)
        if token.is_special:
            assert token.display == EOT
        else:
            shown = HEX_GROUP.sub("", token.display)  # "<F0 9F>": bytes of a split character
            hidden = [c for c in shown if unicodedata.category(c) in HIDDEN_CATEGORIES]
            assert not hidden, f"chip {token.display!r} shows invisible/control characters {hidden!r}"


def check_chips(tokens: list[embedviz.Token]) -> None:
    """The chips HTML has only the page's own tags and attributes; each chip's text is the token's."""
    body = token_ui.chips_html(tokens)
    parser = TagCollector()
    parser.feed(body)
    parser.close()
    allowed_attrs = {"class", "data-token-id", "data-position", "title", "style"}
    for tag, attrs in parser.tags:
        assert tag in ("div", "span"), f"user text produced a <{tag}> element"
        assert set(attrs) <= allowed_attrs, attrs
    assert len(parser.tags) == 1 + 2 * len(tokens)  # the row, then (chip, id) per token
    expected = "".join(f"{token.display}{token.id}" for token in tokens)
    assert "".join(parser.text) == expected


@FUZZ
@given(text=TEXTS)
def test_tokens_of_hostile_text(text: str, plain_gpt2: tiktoken.Encoding) -> None:
    """Any text with a UTF-8 form tokenizes to plain tiktoken's ids, with exact bytes and spans, a
    display free of U+FFFD (unless typed) and of invisible characters, and chips that stay text."""
    tokens = tokenize(text)
    check_tokens(text, tokens, plain_ids(text, plain_gpt2))
    check_chips(tokens)


@FUZZ
@given(
    text=TEXTS,
    dim=st.sampled_from([1, 2, 3, 8]),
    seed=st.sampled_from(SEEDS),
    context_length=st.sampled_from(CONTEXT_LENGTHS),
    positional=st.sampled_from(list(embedviz.POSITIONAL_MODES)),
)
@example(text=" 😀", dim=1, seed=0, context_length=4, positional="learned")  # a label without its "␣"
def test_whole_chain_result_or_the_documented_error(
    text: str, dim: int, seed: int, context_length: int, positional: str, plain_gpt2: tiktoken.Encoding
) -> None:
    """tokenize -> embed -> project -> 3D figure: the numbers of plain torch, or exactly the error the
    README documents for this input (too many tokens), nothing else."""
    ids = plain_ids(text, plain_gpt2)
    if len(ids) > context_length:
        with pytest.raises(TooManyTokensError) as caught:
            embed(text, dim=dim, seed=seed, context_length=context_length, positional=positional)
        assert (caught.value.n_tokens, caught.value.context_length) == (len(ids), context_length)
        assert f"{len(ids):,} tokens" in str(caught.value)
        event("too many tokens")
        return
    event("result")
    result = embed(text, dim=dim, seed=seed, context_length=context_length, positional=positional)
    token_table, position_table = plain_tables(dim, seed, context_length)
    n = len(ids)
    assert result.token_ids == ids
    assert torch.equal(result.token_vectors, token_table[ids] if ids else torch.zeros(0, dim))
    expected_positions = {
        "learned": position_table[:n],
        "sinusoidal": plain_sinusoid(n, dim),
        "none": torch.zeros(n, dim),
    }[positional]
    torch.testing.assert_close(result.position_vectors, expected_positions, rtol=0, atol=1e-6)
    assert torch.equal(result.input_embeddings, result.token_vectors + result.position_vectors)

    projection = project(result.token_vectors, result.position_vectors, result.input_embeddings)
    for points in (projection.token_points, projection.position_points, projection.input_points):
        assert points.shape == (n, 3) and np.isfinite(points).all()
    ratio = projection.explained_variance_ratio
    assert np.isfinite(ratio).all() and (ratio >= 0).all() and ratio.sum() <= 1 + 1e-9
    assert 0 <= projection.n_real_components <= 3
    if n:
        check_figure_labels(result, projection)


def check_figure_labels(result: embedviz.EmbeddingResult, projection: embedviz.Projection) -> None:
    """Plotly renders <b>, <a href>, <br> in labels: user text must reach it escaped, the page's own
    tags only in the hover template."""
    figure = space3d.figure_for(result, projection, "default").to_plotly_json()
    displays = [token.display for token in result.tokens]
    for trace in figure["data"][:3]:
        for label in list(trace.get("text") or []) + list(trace.get("hovertext") or []):
            assert "<" not in HOVER_TAGS.sub("", label), f"unescaped markup in Plotly label {label!r}"
    shown = [html.unescape(label) for label in figure["data"][0].get("text") or [] if label]
    # A label is a token's display, or the display without its space marks ("␣the" reads "the" next to
    # its point; hypothesis found " 😀": its first token "␣<F0 9F 98>" is labelled "<F0 9F 98>").
    readable = {display.replace("␣", " ").strip() for display in displays}
    assert set(shown) <= set(displays) | readable


@settings(max_examples=20, deadline=None)
@given(text=TEXTS, positional=st.sampled_from(list(embedviz.POSITIONAL_MODES)))
def test_chain_at_256_dimensions(text: str, positional: str, plain_gpt2: tiktoken.Encoding) -> None:
    """The app's default size: the same numbers as plain torch at dim 256, seed 123."""
    ids = plain_ids(text, plain_gpt2)
    result = embed(text, dim=256, seed=123, context_length=1024, positional=positional)
    token_table, _ = plain_tables(256, 123, 1024)
    assert result.token_ids == ids
    assert torch.equal(result.token_vectors, token_table[ids] if ids else torch.zeros(0, 256))
    projection = project(result.token_vectors, result.position_vectors, result.input_embeddings)
    assert np.isfinite(projection.input_points).all()
    assert projection.input_points.shape == (len(ids), 3)


@pytest.mark.parametrize("surrogate", ["\ud83d", "\ude00", "a\udfffb"])
def test_lone_surrogate_is_a_documented_error_in_every_stage(surrogate: str) -> None:
    """Half a UTF-16 pair (what a broken client may send) has no UTF-8 form: an EmbedvizError that
    says where, from each public stage, never a UnicodeEncodeError."""
    for stage in (encode, tokenize, lambda text: embed(text, dim=8)):
        with pytest.raises(EmbedvizError, match="surrogate") as caught:
            stage(surrogate)
        where = next(i for i, char in enumerate(surrogate) if 0xD800 <= ord(char) <= 0xDFFF)
        assert f"U+{ord(surrogate[where]):04X}" in str(caught.value)
        assert f"position {where}" in str(caught.value)


def text_of_length(n: int) -> str:
    """Exactly ``n`` characters cycling through every tricky piece (a cut may split a ZWJ sequence)."""
    cycle = "".join(PIECES)
    return (cycle * (n // len(cycle) + 1))[:n]


def test_exactly_max_chars_is_accepted(plain_gpt2: tiktoken.Encoding) -> None:
    """100,000 characters of hostile pieces: tokenized whole (plain tiktoken's ids, exact round trip);
    embedding then stops at the context length with the documented error, naming the token count."""
    text = text_of_length(MAX_CHARS)
    assert len(text) == MAX_CHARS
    ids = plain_ids(text, plain_gpt2)
    tokens = tokenize(text)
    check_tokens(text, tokens, ids)
    with pytest.raises(TooManyTokensError, match=f"{len(ids):,} tokens"):
        embed(text, dim=8, context_length=embedviz.MAX_CONTEXT_LENGTH)


def test_max_chars_of_one_repeated_word_embeds() -> None:
    """100,000 characters that fit the largest context: a full result, every stage."""
    text = "ÃÂ" * (MAX_CHARS // 2)  # mojibake: GPT-2 has a 64-character token of it
    result = embed(text, dim=8, context_length=embedviz.MAX_CONTEXT_LENGTH)
    assert len(text) == MAX_CHARS and decode(result.token_ids) == text
    assert result.n_tokens <= embedviz.MAX_CONTEXT_LENGTH
    assert result.input_embeddings.shape == (result.n_tokens, 8)
    projection = project(result.token_vectors, result.position_vectors, result.input_embeddings)
    assert np.isfinite(projection.input_points).all()


@pytest.mark.parametrize("length", [MAX_CHARS + 1, 10 * MAX_CHARS])
def test_over_max_chars_is_refused_whole_naming_the_length(length: int) -> None:
    """One character over the limit (and a paste ten times over): TextTooLongError from every stage,
    naming the length and the limit; nothing is cut."""
    text = text_of_length(length)
    for stage in (encode, tokenize, lambda t: embed(t, dim=8, context_length=embedviz.MAX_CONTEXT_LENGTH)):
        with pytest.raises(TextTooLongError) as caught:
            stage(text)
        message = str(caught.value)
        assert f"{length:,} characters" in message and f"{MAX_CHARS:,}" in message


@pytest.mark.parametrize("special", SPECIALS)
def test_lone_special_token_strings(special: str, plain_gpt2: tiktoken.Encoding) -> None:
    """Only ``<|endoftext|>`` is GPT-2's special token (id 50256); look-alikes from other models are text."""
    tokens = tokenize(special)
    ids = plain_ids(special, plain_gpt2)
    check_tokens(special, tokens, ids)
    if special == EOT:
        assert ids == [GPT2_VOCAB - 1] and tokens[0].is_special
    else:
        assert GPT2_VOCAB - 1 not in ids and not any(token.is_special for token in tokens)
        assert "".join(token.display for token in tokens) == special
