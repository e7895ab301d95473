"""Stage 1: text -> tokens, with GPT-2's byte-pair encoding (BPE).

A BPE tokenizer cuts text into pieces that appear often in its training data. GPT-2's vocabulary has
50,257 entries: 256 single bytes, 50,000 learned merges, and the special token ``<|endoftext|>`` (id 50256).
Common words are one token (" the"), rare words are several ("some" + "unknown" + "Place"), and a rare
character such as an emoji may be split into byte fragments that are not valid UTF-8 on their own.

The GPT-2 ranks ship inside this package (``assets/gpt2.tiktoken``, see NOTICE), so the default encoding
works with no network. The other encodings go through tiktoken's normal download-and-cache path.
"""

from __future__ import annotations

import functools
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import tiktoken
from tiktoken.load import load_tiktoken_bpe
from tiktoken_ext.openai_public import ENDOFTEXT, r50k_pat_str

from embedviz.errors import (
    EmbedvizError,
    EncodingUnavailableError,
    TextTooLongError,
    UnknownEncodingError,
)

GPT2_RANKS_PATH = Path(__file__).parent / "assets" / "gpt2.tiktoken"
GPT2_RANKS_SHA256 = "306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930"

#: Encodings offered, with a one-line description. "gpt2" is shipped; the others are downloaded by tiktoken.
ENCODINGS: dict[str, str] = {
    "gpt2": "GPT-2 (50,257 tokens, shipped, works offline)",
    "r50k_base": "r50k_base (GPT-3, same ranks as GPT-2; downloaded)",
    "p50k_base": "p50k_base (Codex; downloaded)",
    "cl100k_base": "cl100k_base (GPT-3.5/GPT-4; downloaded)",
    "o200k_base": "o200k_base (GPT-4o; downloaded)",
}

#: The longest text embedviz tokenizes, in characters. Longer texts raise TextTooLongError, never a cut.
MAX_CHARS = 100_000

_VISIBLE = {" ": "␣", "\n": "↵", "\t": "→", "\r": "␍"}


@functools.cache
def get_encoding(name: str = "gpt2") -> tiktoken.Encoding:
    """Return the tiktoken ``Encoding`` called ``name`` (cached: each is loaded once per process)."""
    if name not in ENCODINGS:
        raise UnknownEncodingError(
            f"Unknown encoding {name[:40]!r}. Choose one of: {', '.join(ENCODINGS)}.",
            name=repr(name[:40]),
            choices=", ".join(ENCODINGS),
        )
    if name == "gpt2":
        ranks = load_tiktoken_bpe(str(GPT2_RANKS_PATH), expected_hash=GPT2_RANKS_SHA256)
        return tiktoken.Encoding(
            name="gpt2",
            pat_str=r50k_pat_str,
            mergeable_ranks=ranks,
            special_tokens={ENDOFTEXT: 50256},
            explicit_n_vocab=50257,
        )
    try:
        return tiktoken.get_encoding(name)
    except Exception as error:  # requests' connection errors, hash mismatches, missing cache dir, ...
        cache = os.environ.get("TIKTOKEN_CACHE_DIR", "<unset>")
        raise EncodingUnavailableError(
            f"The encoding {name!r} could not be loaded: tiktoken downloads its vocabulary once, at first "
            f"use, and that download failed ({type(error).__name__}). Connect to the internet once, or "
            f"pre-cache it on a connected machine with TIKTOKEN_CACHE_DIR=/some/dir python -c "
            f"\"import tiktoken; tiktoken.get_encoding('{name}')\" and copy that folder here, with "
            f"TIKTOKEN_CACHE_DIR pointing at it (now: {cache}). The 'gpt2' encoding ships with embedviz "
            f"and always works.",
            name=name,
            cause=type(error).__name__,
            cache=cache,
        ) from None


@dataclass(frozen=True)
class Token:
    """One token of a text: its id, its raw bytes, how to show it, and the characters it covers.

    ``start``/``end`` are character offsets into the input (``text[start:end]``). A token that holds only
    part of a character's UTF-8 bytes (half an emoji) covers that whole character, so two tokens can share
    a span.
    """

    id: int
    bytes: bytes
    display: str
    start: int
    end: int
    is_special: bool = False

    @property
    def is_fragment(self) -> bool:
        """True if the token's bytes are not valid UTF-8 on their own (a piece of a multi-byte character)."""
        try:
            self.bytes.decode("utf-8")
        except UnicodeDecodeError:
            return True
        return False


def display_text(piece: bytes) -> str:
    """Make a token's bytes visible: ``␣`` for a space, ``↵`` newline, ``→`` tab, ``<F0 9F>`` for bytes
    that are not valid UTF-8 on their own, ``␀``-style pictures for control characters and ``⟨U+200B⟩``
    for invisible format characters."""
    shown: list[str] = []
    bad = b""  # invalid bytes waiting to be shown as one <..> group
    rest = piece
    while rest:
        try:
            text, rest = rest.decode("utf-8"), b""
        except UnicodeDecodeError as error:
            text = rest[: error.start].decode("utf-8")
            invalid, rest = rest[error.start : error.end], rest[error.end :]
        else:
            invalid = b""
        if text and bad:
            shown.append("<" + bad.hex(" ").upper() + ">")
            bad = b""
        shown.append(_show(text))
        bad += invalid
    if bad:
        shown.append("<" + bad.hex(" ").upper() + ">")
    return "".join(shown)


def _show(text: str) -> str:
    chars = []
    for char in text:
        if char in _VISIBLE:
            chars.append(_VISIBLE[char])
        elif ord(char) < 0x20:
            chars.append(chr(0x2400 + ord(char)))
        elif char == "\x7f":
            chars.append("␡")
        elif unicodedata.category(char) in ("Cf", "Cc", "Zl", "Zp", "Zs") and char != " ":
            chars.append(f"⟨U+{ord(char):04X}⟩")
        else:
            chars.append(char)
    return "".join(chars)


def encode(text: str, encoding: str = "gpt2") -> list[int]:
    """Token ids of ``text``, as the seed's dataset makes them: ``<|endoftext|>`` becomes its special
    token, every other special-looking string is plain text."""
    if len(text) > MAX_CHARS:
        raise TextTooLongError(len(text), MAX_CHARS)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:  # a lone surrogate: not a character, has no UTF-8 bytes
        raise EmbedvizError(
            f"The text contains an invalid character (a lone surrogate, U+{ord(text[error.start]):04X}) "
            f"at position {error.start:,}. It cannot be turned into bytes; remove it and try again.",
            key="error.lone_surrogate",
            code=f"U+{ord(text[error.start]):04X}",
            position=error.start,
        ) from None
    enc = get_encoding(encoding)
    allowed = {ENDOFTEXT} & enc.special_tokens_set
    return enc.encode(text, allowed_special=allowed, disallowed_special=())


def tokenize(text: str, encoding: str = "gpt2") -> list[Token]:
    """Cut ``text`` into :class:`Token` records (ids, bytes, display text, character spans)."""
    enc = get_encoding(encoding)
    ids = encode(text, encoding)
    # Character index of every byte of the UTF-8 encoded text, to turn byte offsets into char spans.
    char_of_byte = [i for i, char in enumerate(text) for _ in range(len(char.encode("utf-8")))]
    tokens, offset = [], 0
    for token_id in ids:
        piece = enc.decode_single_token_bytes(token_id)
        first, last = offset, offset + len(piece) - 1
        start = char_of_byte[first] if piece else len(text)
        end = char_of_byte[last] + 1 if piece else len(text)
        special = token_id in _special_ids(encoding)
        shown = piece.decode("utf-8") if special else display_text(piece)
        tokens.append(Token(token_id, piece, shown, start, end, special))
        offset += len(piece)
    return tokens


@functools.cache
def _special_ids(encoding: str) -> frozenset[int]:
    enc = get_encoding(encoding)
    return frozenset(enc.encode_single_token(name) for name in enc.special_tokens_set)


def decode(ids: list[int], encoding: str = "gpt2") -> str:
    """The text of a list of token ids (the exact inverse of :func:`encode` for any text)."""
    return get_encoding(encoding).decode(ids)
