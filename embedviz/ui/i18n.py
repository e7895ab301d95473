"""English and German UI text. Every string the page shows is looked up here with :func:`t`.

The strings themselves live in ``embedviz/ui/strings/``, one module per page section, each a dict
``{key: (english, german)}``; this module merges them (a key defined twice is an error at import).
The language is the ``lang`` setting, so ``?lang=de`` in a shared link opens the page in German.
"""

from __future__ import annotations

import importlib
import numbers
import pkgutil
import re
import string

import streamlit as st

from embedviz.ui import strings as _strings_package


def _load_strings() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for module_info in sorted(pkgutil.iter_modules(_strings_package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{_strings_package.__name__}.{module_info.name}")
        for key, pair in module.STRINGS.items():
            if key in merged:
                raise KeyError(f"UI string {key!r} is defined twice (again in {module_info.name})")
            merged[key] = pair
    return merged


STRINGS = _load_strings()


def language() -> str:
    """The current language code, 'en' or 'de'."""
    return "de" if st.session_state.get("lang") == "de" else "en"


class _GermanNumbers(string.Formatter):
    """``str.format`` with German separators for numbers: ``{n:,}`` gives 100.000, ``{x:.1f}`` 0,5.
    Only number fields change; text values (a sentence, a link's value) are inserted as they are."""

    def format_field(self, value: object, format_spec: str) -> str:
        text = super().format_field(value, format_spec)
        if isinstance(value, numbers.Real) and not isinstance(value, bool):  # numpy numbers too
            return text.translate(_SWAP_SEPARATORS)
        return text


_SWAP_SEPARATORS = str.maketrans({",": ".", ".": ","})
_GERMAN = _GermanNumbers()


def number(value: float, decimals: int = 0, lang: str | None = None) -> str:
    """``value`` for prose, in ``lang`` (default: the visitor's): thousands separated, ``decimals``
    places, German separators in German (``2,048.5`` / ``2.048,5``)."""
    text = f"{value:,.{decimals}f}"
    return text.translate(_SWAP_SEPARATORS) if (lang or language()) == "de" else text


def t(key: str, **values: object) -> str:
    """The UI text for ``key`` in the current language, with ``{placeholders}`` filled in (numbers in
    German prose with German separators: 1.024 Tokens, 45,3%)."""
    english, german = STRINGS[key]
    if language() == "de":
        return _GERMAN.format(german, **values) if values else german
    return english.format(**values) if values else english


def md_code(text: str) -> str:
    """Untrusted text inside a Markdown message, shown exactly as typed: an inline code span whose
    backtick fence is longer than any backtick run in the text, so no link, image, icon or entity in it
    is ever rendered."""
    run, fence_len = 0, 0
    for char in text:
        run = run + 1 if char == "`" else 0
        fence_len = max(fence_len, run)
    fence = "`" * (fence_len + 1)
    return f"{fence} {text} {fence}"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_literal(text: str) -> str:
    """User text for a Markdown message (st.info, st.warning): every Markdown character escaped, so a
    sentence shows as typed and never turns into a link, an image or LaTeX."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
