"""Properties of the core over arbitrary text (hypothesis), checked against facts that need no embedviz
code: Python's own UTF-8 encoding of the text (spans, round trip), the plain tiktoken GPT-2 (ids), and
tensor arithmetic (input == token + position, bit for bit)."""

from __future__ import annotations

import itertools

import tiktoken
import torch
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from embedviz import EmbedvizError, decode, embed, encode, tokenize

SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Pieces a user may paste: specials (real and look-alike), emoji (multi-codepoint too), controls, NUL.
PIECES = [
    "<|endoftext|>",
    "<|fim_prefix|>",
    "<|endofprompt|>",
    "<|",
    "|>",
    "😀",
    "👍🏽",
    "👩‍👩‍👧",
    "🇩🇪",
    "\x00",
    "\x1b[0m",
    "\r\n",
    "\t",
    "\u200b",
    "\ufeff",
    "\ufffd",
    " ",
    "  ",
    "the",
    " the",
]
# Any code point, lone surrogates included (st.characters() draws them, rarely: add some on purpose,
# e.g. half of a UTF-16 emoji pair as a JavaScript client could send it).
SURROGATES = ["\ud83d", "\ude00", "\ud800", "\udfff"]
ANY_TEXT = st.lists(st.one_of(st.text(), st.sampled_from(PIECES + SURROGATES)), max_size=12).map("".join)
# The same without surrogates: every string that has a UTF-8 form.
UTF8_TEXT = st.lists(st.one_of(st.text(st.characters(codec="utf-8")), st.sampled_from(PIECES)), max_size=12)
UTF8_TEXT = UTF8_TEXT.map("".join)


@SETTINGS
@given(
    text=ANY_TEXT,
    # mostly valid settings, sometimes an invalid one (repeats weight the draw)
    dim=st.sampled_from([1, 4, 8, 8, 4, 8, 0, 2049, True]),
    seed=st.sampled_from([0, 123, 2**32 - 1, 123, 0, -1]),
    context_length=st.sampled_from([1, 64, 8192, 64, 8192, 0]),
    positional=st.sampled_from(["learned", "sinusoidal", "none", "learned", "alibi"]),
)
def test_embed_returns_or_raises_only_embedviz_errors(
    text: str, dim: int, seed: int, context_length: int, positional: str
) -> None:
    try:
        result = embed(text, dim=dim, seed=seed, context_length=context_length, positional=positional)
    except EmbedvizError as error:
        event(f"raised {type(error).__name__}")
        assert str(error)  # a message for a person
        return
    event("returned a result")
    n = result.n_tokens
    assert n <= context_length
    for tensor in (result.token_vectors, result.position_vectors, result.input_embeddings):
        assert tensor.shape == (n, dim) and tensor.dtype == torch.float32
    assert torch.equal(result.input_embeddings, result.token_vectors + result.position_vectors)
    assert decode(result.token_ids) == text


@SETTINGS
@given(text=UTF8_TEXT)
def test_decode_inverts_encode(text: str) -> None:
    assert decode(encode(text)) == text


@SETTINGS
@given(text=UTF8_TEXT)
def test_ids_match_plain_tiktoken(text: str, plain_gpt2: tiktoken.Encoding) -> None:
    assert encode(text) == plain_gpt2.encode(text, allowed_special={"<|endoftext|>"})


@SETTINGS
@given(text=UTF8_TEXT)
def test_input_is_token_plus_position_exactly(text: str) -> None:
    result = embed(text, dim=8, seed=123, context_length=8192)
    assert torch.equal(result.input_embeddings, result.token_vectors + result.position_vectors)


@SETTINGS
@given(text=UTF8_TEXT)
def test_token_spans_are_monotone_and_cover_the_text(text: str) -> None:
    tokens = tokenize(text)
    assert b"".join(token.bytes for token in tokens) == text.encode("utf-8")
    for token in tokens:
        assert 0 <= token.start < token.end <= len(text)
        if not token.is_fragment:
            assert text[token.start : token.end] == token.bytes.decode("utf-8")
        if "\ufffd" not in text:
            assert "\ufffd" not in token.display
    for before, after in itertools.pairwise(tokens):
        assert before.start <= after.start and before.end <= after.end
        # next token starts where this one ended, or inside the character this one cut in half
        assert after.start in (before.end, before.end - 1)
    if tokens:
        assert tokens[0].start == 0 and tokens[-1].end == len(text)
