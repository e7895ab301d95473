"""Every error a visitor can cause reaches the page in the visitor's language.

The core keeps its English message for Python users (``str(error)``); the page renders the error's message
key with its values. Each case provokes the real error through the core's own code path, then checks that
the English rendering is the core's message word for word (so the key and its values say the same thing)
and that the German rendering is German, with German numbers.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import streamlit as st
import tiktoken

from embedviz import embeddings, pretrained, tokenizer
from embedviz.dataloader import GPTDatasetV1
from embedviz.embeddings import EmbeddingSpec, embed
from embedviz.errors import EmbedvizError
from embedviz.tokenizer import MAX_CHARS, encode, get_encoding
from embedviz.training import TrainConfig, train
from embedviz.ui.error_text import error_text
from embedviz.ui.i18n import t


def caught(action) -> EmbedvizError:
    with pytest.raises(EmbedvizError) as info:
        action()
    return info.value


def too_many_tokens() -> EmbedvizError:  # the lesson's context_length = 4 with its 7-token sentence
    return caught(lambda: embed("Die Katze saß auf der Matte", dim=3, context_length=4))


def text_too_long() -> EmbedvizError:
    return caught(lambda: encode("x" * (MAX_CHARS + 1)))


def lone_surrogate() -> EmbedvizError:
    return caught(lambda: encode("ab\ud800"))


def unknown_encoding() -> EmbedvizError:
    return caught(lambda: get_encoding("klingon"))


def encoding_unavailable(monkeypatch) -> EmbedvizError:
    def offline(name: str) -> None:
        raise ConnectionError("no network")

    monkeypatch.setattr(tiktoken, "get_encoding", offline)
    return caught(lambda: tokenizer.get_encoding.__wrapped__("r50k_base"))


def tables_too_big(monkeypatch) -> EmbedvizError:
    monkeypatch.setattr(embeddings, "get_encoding", lambda name: SimpleNamespace(n_vocab=200_019))
    return caught(lambda: EmbeddingSpec("o200k_base", 2048).check())


def setting_out_of_range() -> EmbedvizError:
    return caught(lambda: EmbeddingSpec(dim=4096).check())


def window_too_short() -> EmbedvizError:
    return caught(lambda: GPTDatasetV1("the cat", get_encoding("gpt2"), 4, 4))


def training_text_too_short() -> EmbedvizError:
    config = TrainConfig(spec=EmbeddingSpec(dim=8, context_length=64), max_length=16, steps=1)
    return caught(lambda: train(config, [464], "A short text."))


def pretrained_unreachable() -> EmbedvizError:
    return pretrained._unavailable("/tmp/hf-cache", ConnectionError("down"))


CASES = {
    "too_many_tokens": too_many_tokens,
    "text_too_long": text_too_long,
    "lone_surrogate": lone_surrogate,
    "unknown_encoding": unknown_encoding,
    "encoding_unavailable": encoding_unavailable,
    "tables_too_big": tables_too_big,
    "setting_out_of_range": setting_out_of_range,
    "window_too_short": window_too_short,
    "training_text_too_short": training_text_too_short,
    "pretrained_unreachable": pretrained_unreachable,
}

#: A German word each German message must contain (the sentence is German, not English).
GERMAN_WORDS = {
    "too_many_tokens": "Kontextlänge",
    "text_too_long": "Zeichen",
    "lone_surrogate": "ungültiges Zeichen",
    "unknown_encoding": "Unbekannte Kodierung",
    "encoding_unavailable": "ließ sich nicht laden",
    "tables_too_big": "Dimensionen",
    "setting_out_of_range": "ganze Zahl",
    "window_too_short": "Fenster",
    "training_text_too_short": "Trainingstext",
    "pretrained_unreachable": "nicht erreichbar",
}


def provoke(name: str, monkeypatch) -> EmbedvizError:
    case = CASES[name]
    return case(monkeypatch) if "monkeypatch" in case.__code__.co_varnames else case()


@pytest.fixture
def lang(monkeypatch):
    """Set the page's language for :func:`error_text` (outside a Streamlit run)."""

    def set_lang(value: str) -> None:
        monkeypatch.setattr(st, "session_state", {"lang": value})

    return set_lang


@pytest.mark.parametrize("name", sorted(CASES))
def test_english_rendering_is_the_core_message(name, monkeypatch, lang) -> None:
    """The English UI string of the error's key, filled with its values, is the core's message."""
    error = provoke(name, monkeypatch)
    lang("en")
    assert t(error.key, **error.values) == str(error) == error_text(error)


@pytest.mark.parametrize("name", sorted(CASES))
def test_german_rendering_is_german(name, monkeypatch, lang) -> None:
    error = provoke(name, monkeypatch)
    lang("de")
    german = error_text(error)
    assert german != str(error)
    assert GERMAN_WORDS[name] in german, german


def test_german_numbers_in_the_lessons_context_length_error(lang, plain_gpt2) -> None:
    lang("de")
    long_error = text_too_long()
    assert "100.001 Zeichen" in error_text(long_error)
    assert "höchstens 100.000" in error_text(long_error)
    four = error_text(too_many_tokens())
    ids = plain_gpt2.encode("Die Katze saß auf der Matte")
    assert f"Der Text hat {len(ids)} Tokens, die Kontextlänge ist aber 4" in four
    assert f"Positionen 4 bis {len(ids) - 1}" in four


def test_a_key_missing_a_value_falls_back_to_the_class_sentence(lang) -> None:
    lang("de")
    error = EmbedvizError("English only", key="error.too_many_tokens")  # no values given
    assert error_text(error) == error_text(EmbedvizError("other"))
    assert "Eingabe" in error_text(error)
