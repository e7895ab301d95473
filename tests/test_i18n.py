"""Every UI string exists in English and German, with the same placeholders in both."""

from __future__ import annotations

import re
import string
from dataclasses import asdict, replace
from pathlib import Path

import pytest
from apptest_utils import APP
from streamlit.testing.v1 import AppTest

from embedviz.ui.i18n import (
    _FORMATTERS,
    STRINGS,
    browser_language,
    md_literal,
    number,
    percent,
    plural_form,
    separators,
)
from embedviz.ui.state import DEFAULTS, defaults, parse, to_query


def placeholders(text: str) -> set[str]:
    """The ``{names}`` a ``str.format`` call fills in (conversion and format spec left out)."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_there_are_strings():
    assert len(STRINGS) > 100


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_both_languages_same_placeholders(key):
    pair = STRINGS[key]
    assert isinstance(pair, tuple) and len(pair) == 2, f"{key}: not an (english, german) pair"
    english, german = pair
    assert isinstance(english, str) and english.strip(), f"{key}: no English text"
    assert isinstance(german, str) and german.strip(), f"{key}: no German text"
    assert placeholders(english) == placeholders(german), key


def test_placeholders_helper_sees_names_and_ignores_escaped_braces():
    assert placeholders("{n:,} tokens, {{literal}} and {dim}") == {"n", "dim"}
    assert placeholders("no fields") == set()


def test_md_literal() -> None:
    assert md_literal("[a](b) *c* $d$") == r"\[a\]\(b\) \*c\* \$d\$"


# Numbers and plurals in the visitor's language (CLDR through Babel)

NBSP = "\N{NO-BREAK SPACE}"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "1,024 tokens, 1.0000, 18.5%, seed 123, 2,048.2"),
        ("de", f"1.024 tokens, 1,0000, 18,5{NBSP}%, seed 123, 2.048,2"),
    ],
)
def test_number_fields_follow_the_language(lang: str, expected: str) -> None:
    template = "{n:,} tokens, {cos:.4f}, {share:.1%}, seed {seed}, {x:,.1f}"
    text = _FORMATTERS[lang].format(template, n=1024, cos=1.0, share=0.185, seed=123, x=2048.25)
    assert text == expected


def test_numbers_round_as_python_rounds_in_both_languages() -> None:
    """Babel rounds a float's decimal text half-even; the page must show the digits Python (and the
    lesson's torch printout) shows: -0.12345 is stored as -0.1234500000000000041..., so -0.1235."""
    values = [-0.12345, 0.00005, 2.675, 0.5, 1.5, 1234.56785]
    for value in values:
        python = f"{value:.4f}"
        assert number(value, 4, "en", grouped=False) == python
        assert number(value, 4, "de", grouped=False) == python.replace(".", ",")
    assert percent(0.18549, 1, "de") == f"18,5{NBSP}%"
    assert percent(0.0, 1, "en") == "0.0%"
    assert number(float("nan"), 2, "de") == "nan"


def test_plural_forms_follow_cldr() -> None:
    assert [plural_form(n, "de") for n in (0, 1, 2, 1.5)] == ["other", "one", "other", "other"]
    assert [plural_form(n, "en") for n in (0, 1, 2)] == ["other", "one", "other"]


def test_plural_keys_come_in_pairs() -> None:
    """A sentence about a count has a ``.one`` and an ``.other`` form, with the same placeholders."""
    for key in STRINGS:
        if key.endswith(".one"):
            assert key[: -len(".one")] + ".other" in STRINGS, key


def test_plotly_separators() -> None:
    assert separators("de") == ",."
    assert separators("en") == ".,"


@pytest.mark.parametrize(
    ("locale", "lang"),
    [
        ("de-DE", "de"),
        ("de", "de"),
        ("de-AT", "de"),
        ("de_CH", "de"),
        ("en-US", "en"),
        ("fr-FR", "en"),
        (None, "en"),
        ("", "en"),
    ],
)
def test_browser_language(locale: str | None, lang: str) -> None:
    assert browser_language(locale) == lang


# The page's language: the link's lang, else the browser's (st.context.locale)

#: The lesson (token-embeddings.de.txt), on word order: „Zum Beispiel: "Die Katze saß auf der Matte" vs.
#: "Die Matte saß auf der Katze."“
LESSON_PAIR = ("Die Katze saß auf der Matte", "Die Matte saß auf der Katze")


def open_page(locale: str | None, **query: object) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.context["locale"] = locale
    for key, value in query.items():
        at.query_params[key] = str(value)
    return at.run()


def test_a_german_browser_opens_the_german_page_with_the_lessons_sentence(plain_gpt2) -> None:
    at = open_page("de-DE")
    assert not at.exception
    assert at.session_state["lang"] == "de"
    assert at.text_input(key="text").label == "Satz"
    assert at.session_state["text"] == LESSON_PAIR[0]
    chips = len(plain_gpt2.encode(LESSON_PAIR[0]))
    assert any(f"27 Zeichen → {chips} Tokens" in m.value for m in at.markdown)
    assert dict(at.query_params) == {"lang": "de"}  # a shared link keeps the language, not the default text


def test_the_links_lang_wins_over_the_browser() -> None:
    at = open_page("de-DE", lang="en")
    assert at.session_state["lang"] == "en" and at.session_state["text"] == DEFAULTS.text
    at = open_page("en-US", lang="de")
    assert at.session_state["lang"] == "de" and at.session_state["text"] == LESSON_PAIR[0]


@pytest.mark.parametrize("locale", ["en-US", "fr-FR", None])
def test_other_browsers_open_the_english_page(locale) -> None:
    assert parse({}, browser_language(locale))[0] == DEFAULTS


def test_the_german_defaults_are_the_lessons_examples(plain_gpt2) -> None:
    """The sentence and the word-order pair are quoted from the lesson itself, and the pair is the same
    multiset of GPT-2 tokens (what the word-order view needs to show that only positions differ)."""
    german = defaults("de")
    assert (german.text, german.compare_a, german.compare_b) == (LESSON_PAIR[0], *LESSON_PAIR)
    first, second = (sorted(plain_gpt2.encode(s)) for s in LESSON_PAIR)
    assert first == second
    assert to_query(replace(german, lang="de")) == {"lang": "de"}
    assert to_query(replace(DEFAULTS, lang="de")) == {
        "lang": "de",
        **{k: v for k, v in asdict(DEFAULTS).items() if k in ("text", "compare_a", "compare_b")},
    }


def test_no_spinner_text_is_written_in_english_only() -> None:
    """A spinner's text is a UI string, shown in the visitor's language: no ``show_spinner="..."`` or
    ``st.spinner("...")`` literal anywhere in the UI code."""
    ui = Path(__file__).resolve().parent.parent / "embedviz"
    for path in ui.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"show_spinner\s*=\s*['\"]|st\.spinner\(\s*['\"]", source), path
