"""Every UI string exists in English and German, with the same placeholders in both."""

from __future__ import annotations

import string

import pytest

from embedviz.ui.i18n import STRINGS, md_literal


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
