"""Shared fixtures for the core tests: a plain tiktoken GPT-2 encoding built here, independently of
embedviz (the GPT-2 regex written out from the original GPT-2 release, the shipped ranks file read with
tiktoken's own loader), and the shipped story text read straight from disk."""

from __future__ import annotations

from pathlib import Path

import pytest
import tiktoken
from tiktoken.load import load_tiktoken_bpe

from embedviz.rooms import Rooms

ROOT = Path(__file__).resolve().parents[1]

ASSETS = ROOT / "embedviz" / "assets"
RANKS_FILE = ASSETS / "gpt2.tiktoken"
VERDICT_FILE = ASSETS / "the-verdict.txt"

#: The pre-tokenizer regex of openai/gpt-2's src/encoder.py (2019), copied from that release.
GPT2_PAT = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """How pytest-xdist workers (``-n 2``) share the tests: the browser tests take turns on one worker,
    as they would alone (two software-rendered Chromiums at once would share the cores
    with each other's pages); the other worker runs the other tests, a module at a time (several share
    module-scoped fixtures). The groups are read from the test ids: pytest-xdist's ``xdist_group`` marks
    do not reach its scheduler under pytest 9."""
    from xdist.scheduler import LoadScopeScheduling

    class BrowserTestsTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return "browser" if module.startswith("tests/browser/") else module

    return BrowserTestsTogether(config, log)


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


@pytest.fixture
def rooms(monkeypatch: pytest.MonkeyPatch) -> Rooms:
    """The server's rooms, made fresh: a registry wired to fresh waiters and an empty store of followers'
    pages, as ``embedviz/ui/room_server.py`` wires its own."""
    from embedviz.room_events import Waiters
    from embedviz.ui import room_server

    waiters = Waiters()
    fresh = Rooms(on_change=lambda room: waiters.notify(room.code))
    monkeypatch.setattr(room_server, "ROOMS", fresh)
    monkeypatch.setattr(room_server, "WAITERS", waiters)
    monkeypatch.setattr(room_server, "PAGES", room_server.FollowersPages())
    return fresh
