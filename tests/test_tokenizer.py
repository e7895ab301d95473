"""Stage 1 (text -> tokens) against independent references: the GPT-2 ids printed in LLMs-from-scratch
chapter 2 (typed in by hand), a plain ``tiktoken.Encoding`` built in conftest.py from the shipped ranks
file and the original GPT-2 regex, ``hashlib`` for the ranks file, and byte/character arithmetic done
here for the display strings and character spans."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import tiktoken

import embedviz.tokenizer as tokenizer_module
from embedviz import (
    MAX_CHARS,
    EmbedvizError,
    EncodingUnavailableError,
    TextTooLongError,
    UnknownEncodingError,
    decode,
    encode,
    get_encoding,
    tokenize,
)

BOOK_SENTENCE = "Hello, do you like tea? <|endoftext|> In the sunlit terraces of someunknownPlace."
# Raschka, Build a Large Language Model (From Scratch), ch. 2, section 2.5 (BytePair encoding).
BOOK_IDS = [15496, 11, 466, 345, 588, 8887, 30, 220, 50256, 554, 262, 4252, 18250, 8812, 2114, 286, 617]
BOOK_IDS += [34680, 27271, 13]

SENTENCES = [
    BOOK_SENTENCE,
    "the cat sat on the mat",
    "I HAD always thought Jack Gisburn rather a cheap genius--though a good fellow enough",
    "Die Katze saß auf der Matte. Größe, Übermaß, naïve café!",
    "It's, they're, we've, I'm, you'll, he'd -- 'quoted' \"double\"",
    "numbers 1234567 3.14159 -42 1e-9 0x1F",
    "   leading and trailing spaces   ",
    "tabs\tand\nnew\n\nlines\r\n  indented\n\n\n",
    "emoji 😀👍🏽🫠 and flags 🇩🇪 and ZWJ 👩‍👩‍👧",
    "中文字符和日本語のテキスト、한국어",
    "mixed<|endoftext|>specials<|endoftext|><|endoftext|>",
    "control \x00 \x01 \x7f zero-width \u200b nbsp \u00a0 end",
    "",
    " ",
    "a",
]
RANKS_FILE = Path(__file__).resolve().parents[1] / "embedviz" / "assets" / "gpt2.tiktoken"
EXPECTED_RANKS_SHA256 = "306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930"


def test_book_sentence_gives_the_books_ids() -> None:
    assert encode(BOOK_SENTENCE) == BOOK_IDS


@pytest.mark.parametrize("text", SENTENCES)
def test_ids_match_plain_tiktoken(text: str, plain_gpt2: tiktoken.Encoding) -> None:
    assert encode(text) == plain_gpt2.encode(text, allowed_special={"<|endoftext|>"})


def test_shipped_ranks_file_hash() -> None:
    assert hashlib.sha256(RANKS_FILE.read_bytes()).hexdigest() == EXPECTED_RANKS_SHA256


def test_vocabulary_size(plain_gpt2: tiktoken.Encoding) -> None:
    assert get_encoding("gpt2").n_vocab == 50257 == plain_gpt2.n_vocab


def test_endoftext_is_one_special_token() -> None:
    assert encode("<|endoftext|>") == [50256]
    [token] = tokenize("<|endoftext|>")
    assert (token.id, token.is_special, token.display, token.start, token.end) == (
        50256,
        True,
        "<|endoftext|>",
        0,
        13,
    )


@pytest.mark.parametrize("text", ["<|fim_prefix|>", "<|endofprompt|>", "<|im_start|>", "<|endoftext"])
def test_other_special_looking_strings_are_plain_text(text: str, plain_gpt2: tiktoken.Encoding) -> None:
    ids = encode(text)
    assert len(ids) > 1
    assert 50256 not in ids
    assert ids == plain_gpt2.encode_ordinary(text)
    assert not any(token.is_special for token in tokenize(text))


@pytest.mark.parametrize(("text", "shown"), [(" the", "␣the"), ("\n", "↵"), ("\t", "→")])
def test_display_of_whitespace(text: str, shown: str) -> None:
    [token] = tokenize(text)
    assert token.display == shown


def test_emoji_split_into_byte_fragments(plain_gpt2: tiktoken.Encoding) -> None:
    text = "a😀b"
    pieces = [plain_gpt2.decode_single_token_bytes(i) for i in plain_gpt2.encode(text)]
    assert pieces == [b"a", b"\xf0\x9f\x98", b"\x80", b"b"]  # the emoji is split over two tokens
    displays = [token.display for token in tokenize(text)]
    assert displays == ["a", "<F0 9F 98>", "<80>", "b"]
    assert [token.is_fragment for token in tokenize(text)] == [False, True, True, False]


@pytest.mark.parametrize("text", SENTENCES)
def test_fragments_shown_as_hex_never_as_replacement_char(text: str, plain_gpt2: tiktoken.Encoding) -> None:
    for token, token_id in zip(tokenize(text), plain_gpt2.encode(text, allowed_special="all"), strict=True):
        assert "\ufffd" not in token.display
        piece = plain_gpt2.decode_single_token_bytes(token_id)
        assert token.bytes == piece
        if piece.decode("utf-8", errors="ignore") == "":  # not one whole character: all shown as hex
            assert token.display == "<" + " ".join(f"{b:02X}" for b in piece) + ">"


@pytest.mark.parametrize("text", SENTENCES)
def test_char_spans(text: str) -> None:
    tokens = tokenize(text)
    assert b"".join(token.bytes for token in tokens) == text.encode("utf-8")
    for token in tokens:
        assert 0 <= token.start <= token.end <= len(text)
        if not token.is_fragment:
            assert text[token.start : token.end] == token.bytes.decode("utf-8")


@pytest.mark.parametrize("text", SENTENCES)
def test_decode_inverts_encode(text: str) -> None:
    assert decode(encode(text)) == text


@pytest.fixture
def no_downloads(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """An empty tiktoken cache, nothing loaded yet, and every HTTP request failing."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise requests.ConnectionError("network unreachable (test)")

    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path_factory.mktemp("empty-tiktoken-cache")))
    monkeypatch.setattr(requests, "get", refuse)
    monkeypatch.delitem(tiktoken.registry.ENCODINGS, "cl100k_base", raising=False)
    tokenizer_module.get_encoding.cache_clear()
    yield
    tokenizer_module.get_encoding.cache_clear()


def _assert_helpful_offline_message(error: EncodingUnavailableError, name: str) -> None:
    message = str(error)
    assert repr(name) in message
    assert "download" in message and "once" in message
    assert "TIKTOKEN_CACHE_DIR" in message


@pytest.mark.usefixtures("no_downloads")
def test_downloaded_encoding_offline_through_tiktoken() -> None:
    with pytest.raises(EncodingUnavailableError) as caught:
        get_encoding("cl100k_base")
    _assert_helpful_offline_message(caught.value, "cl100k_base")


@pytest.mark.usefixtures("no_downloads")
def test_downloaded_encoding_offline_get_encoding_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable(name: str) -> tiktoken.Encoding:
        raise ConnectionError("network unreachable (test)")

    monkeypatch.setattr(tiktoken, "get_encoding", unreachable)
    with pytest.raises(EncodingUnavailableError) as caught:
        encode("hello", encoding="o200k_base")
    _assert_helpful_offline_message(caught.value, "o200k_base")
    assert encode("hello") == [31373]  # the shipped GPT-2 still works


@pytest.mark.parametrize("name", ["gpt-5", "", "GPT2", "r50k"])
def test_unknown_encoding(name: str) -> None:
    with pytest.raises(UnknownEncodingError):
        get_encoding(name)


def test_text_too_long() -> None:
    at_limit = "ab " * (MAX_CHARS // 3) + "a" * (MAX_CHARS % 3)
    assert len(at_limit) == MAX_CHARS
    assert len(encode(at_limit)) > 0
    with pytest.raises(TextTooLongError, match="100,000"):
        encode(at_limit + "b")
    with pytest.raises(TextTooLongError):
        tokenize(at_limit + "b")


@pytest.mark.parametrize("text", ["a\ud800b", "\udfff", "ok \ud83d"])  # lone surrogates: not UTF-8
def test_lone_surrogate_is_a_user_error(text: str) -> None:
    with pytest.raises(EmbedvizError, match="surrogate"):
        tokenize(text)
