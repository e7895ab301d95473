"""Shared fixtures for the core tests: a plain tiktoken GPT-2 encoding built here, independently of
embedviz (the GPT-2 regex written out from the original GPT-2 release, the shipped ranks file read with
tiktoken's own loader), and the shipped story text read straight from disk."""

from __future__ import annotations

from pathlib import Path

import pytest
import tiktoken
from tiktoken.load import load_tiktoken_bpe

ROOT = Path(__file__).resolve().parents[1]

ASSETS = ROOT / "embedviz" / "assets"
RANKS_FILE = ASSETS / "gpt2.tiktoken"
VERDICT_FILE = ASSETS / "the-verdict.txt"

#: The pre-tokenizer regex of openai/gpt-2's src/encoder.py (2019), copied from that release.
GPT2_PAT = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""


@pytest.fixture(scope="session")
def plain_gpt2() -> tiktoken.Encoding:
    """GPT-2 as plain tiktoken, without any embedviz code."""
    return tiktoken.Encoding(
        name="gpt2-plain-test",
        pat_str=GPT2_PAT,
        mergeable_ranks=load_tiktoken_bpe(str(RANKS_FILE)),
        special_tokens={"<|endoftext|>": 50256},
    )


@pytest.fixture(scope="session")
def verdict_text() -> str:
    """ "The Verdict" as the book's code reads it: ``open(path, encoding="utf-8").read()``."""
    with open(VERDICT_FILE, encoding="utf-8") as f:
        return f.read()
