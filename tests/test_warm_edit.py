"""A warm edit of the sentence on a real server: the pipeline view reruns alone (``st.fragment``).

The server is the README's (``streamlit run app.py`` from this checkout); the visitor speaks Streamlit's
websocket protocol as the browser does (``bench/st_client.py``): a change to the sentence box, which sits
inside the pipeline's fragment, asks for that fragment's run. Checked against plain tiktoken and the
lesson's numbers: the fragment's run shows the *new* sentence's tokens (it reads the settings again, it
is not handed the last full run's), keeps a setting made in the sidebar (the dimension), writes the new
sentence into the link, and leaves the page around it (title, sidebar) untouched.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from bench.common import Server
from bench.st_client import FRAGMENT_SUCCESS, SUCCESS, Visitor

ROOT = Path(__file__).resolve().parents[1]
SUBTITLE = "How a language model turns a sentence into vectors"


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = Server(ROOT, streamlit=Path(sys.executable).with_name("streamlit"))
    running.start(timeout=300)
    try:
        yield running
    finally:
        running.stop()


def test_a_sentence_edit_reruns_the_pipeline_alone(server: Server, plain_gpt2) -> None:
    visitor = Visitor(server.url, query_string="lang=en&dim=16", timeout=120)
    first = visitor.connect()
    assert first.status == SUCCESS and not first.exceptions, first.exceptions
    assert any(SUBTITLE in text for text in first.text)  # a full run draws the page around the view
    for sentence in ("Die Katze saß auf der Matte", "the cat sat on the mat, and the cat sat again"):
        visitor.set_text("text", sentence)
        run = visitor.rerun()
        assert run.status == FRAGMENT_SUCCESS and not run.exceptions, (run.status, run.exceptions)
        assert run.token_ids() == plain_gpt2.encode(sentence)
        n = len(plain_gpt2.encode(sentence))
        assert f"Shape: ({n}, 16), one row per token." in run.body  # the sidebar's dimension, kept
        assert not any(SUBTITLE in text for text in run.text)  # the page around the view: not sent again
        assert parse_qs(visitor.query_string)["text"] == [sentence]  # the link follows the sentence
    visitor.close()


def test_a_full_run_after_fragment_runs_keeps_the_sentence(server: Server, plain_gpt2) -> None:
    visitor = Visitor(server.url, timeout=120)
    visitor.connect()
    sentence = "A full run after a fragment's run"
    visitor.set_text("text", sentence)
    assert visitor.rerun().status == FRAGMENT_SUCCESS
    again = visitor.rerun()  # nothing changed: the browser's rerun of the whole page (e.g. a reconnect)
    assert again.status == SUCCESS and not again.exceptions, again.exceptions
    assert again.token_ids() == plain_gpt2.encode(sentence)
    assert any(SUBTITLE in text for text in again.text)
    visitor.close()
