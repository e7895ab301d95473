"""English and German UI text. Every string the page shows is looked up here with :func:`t`.

The strings themselves live in ``embedviz/ui/strings/``, one module per page section, each a dict
``{key: (english, german)}``; this module merges them (a key defined twice is an error at import).
The language is the ``lang`` setting, so ``?lang=de`` in a shared link opens the page in German; a link
without ``lang`` opens in the browser's language (:func:`browser_language`).

Numbers follow the language, in prose and in charts. The rules come from the Unicode CLDR through Babel
rather than from hand-written swaps: German groups thousands with a dot and writes a decimal comma
(1.024 Tokens, 0,5), puts a space before the percent sign (18,5 %), and a count picks its plural form
by CLDR's rule (``1 Token``, ``2 Tokens``; :func:`t_plural`). Rounding stays Python's own (the
float's exact value, as ``f"{x:.4f}"`` rounds it), so English and German always show the same digits.
"""

from __future__ import annotations

import importlib
import numbers
import pkgutil
import re
import string
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from functools import cache

import plotly.graph_objects as go
import streamlit as st
from babel import Locale
from babel.numbers import format_decimal, format_percent

from embedviz.ui import strings as _strings_package

LANGUAGES = ("en", "de")


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


#: The language of work done outside a visitor's run (:func:`speaking`), e.g. the followers' page of a class.
_speaking: ContextVar[str | None] = ContextVar("embedviz_speaking", default=None)


def language() -> str:
    """The current language code, 'en' or 'de': the visitor's, or the one :func:`speaking` set."""
    lang = _speaking.get() or st.session_state.get("lang")
    return "de" if lang == "de" else "en"


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Look up every string, number and chart text in ``lang`` inside this block, in a thread that has no
    visitor (no ``st.session_state``): the web server building a page once for many browsers."""
    token = _speaking.set("de" if lang == "de" else "en")
    try:
        yield
    finally:
        _speaking.reset(token)


def browser_language(locale: str | None) -> str:
    """The page's language for a browser whose ``navigator.language`` is ``locale`` (``st.context.locale``,
    e.g. ``de-AT``): German for any German locale, else English."""
    return "de" if (locale or "").lower().replace("_", "-").split("-")[0] == "de" else "en"


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse("de" if lang == "de" else "en")


def _exact(value: float, decimals: int) -> Decimal:
    """``value`` rounded as Python rounds it (``f"{value:.{decimals}f}"``), as an exact Decimal, so
    Babel only places the separators and never rounds a second time."""
    return Decimal(f"{value:.{decimals}f}")


def _pattern(decimals: int, grouped: bool = True) -> str:
    return ("#,##0" if grouped else "0") + ("." + "0" * decimals if decimals else "")


def number(value: float, decimals: int = 0, lang: str | None = None, *, grouped: bool = True) -> str:
    """``value`` for prose, in ``lang`` (default: the visitor's): ``decimals`` places, thousands grouped
    (``2,048.5`` / ``2.048,5``). NaN and infinity are written as Python writes them."""
    if not _finite(value):
        return str(value)
    pattern = _pattern(decimals, grouped)
    return format_decimal(_exact(value, decimals), pattern, locale=_locale(lang or language()))


def percent(value: float, decimals: int = 1, lang: str | None = None) -> str:
    """``value`` (0.185) as a percentage with ``decimals`` places: ``18.5%`` / ``18,5 %`` (CLDR's German
    pattern puts a no-break space before the sign)."""
    if not _finite(value):
        return str(value)
    locale = _locale(lang or language())
    pattern = re.sub(r"0(?!.*0)", _pattern(decimals)[4:], locale.percent_formats[None].pattern)
    return format_percent(_exact(value * 100, decimals) / 100, pattern, locale=locale)


def plural_form(count: float, lang: str | None = None) -> str:
    """CLDR's plural category of ``count`` in ``lang``: 'one' or 'other' for English and German
    (``1 token`` but ``0 tokens``, ``1.5 tokens``)."""
    return _locale(lang or language()).plural_form(abs(count))


def separators(lang: str | None = None) -> str:
    """Plotly's ``layout.separators`` for ``lang``: decimal mark, then thousands mark (German ``",."``),
    so hover values and tick labels of a chart read as the prose around it."""
    symbols = _locale(lang or language()).number_symbols["latn"]
    return symbols["decimal"] + symbols["group"]


def localized(figure: go.Figure | dict) -> go.Figure | dict:
    """``figure`` (a ``go.Figure`` or a figure dict) with the page's number marks (:func:`separators`), in
    place: every chart goes through here before it is shown, so a German chart's ticks and hover values
    read 0,5 and 1.024."""
    if isinstance(figure, dict):
        figure.setdefault("layout", {})["separators"] = separators()
    else:
        figure.update_layout(separators=separators())
    return figure


def _finite(value: float) -> bool:
    return value == value and value not in (float("inf"), float("-inf"))


_NUMBER_SPEC = re.compile(r"(?P<grouped>,)?(?:\.(?P<decimals>\d+))?(?P<kind>[f%])?")


class _LocalNumbers(string.Formatter):
    """``str.format`` whose number fields follow the language: ``{n:,}`` gives 100,000 / 100.000,
    ``{x:.4f}`` 0.5000 / 0,5000, ``{r:.1%}`` 45.3% / 45,3 %. Other fields (text, ``{seed}`` without a
    spec, a spec with width or sign) are formatted as Python formats them."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: object, format_spec: str) -> str:
        match = _NUMBER_SPEC.fullmatch(format_spec)
        is_number = isinstance(value, numbers.Real) and not isinstance(value, bool)  # numpy numbers too
        if not (is_number and format_spec and match):
            return super().format_field(value, format_spec)
        decimals = int(match["decimals"] or 0)
        if match["kind"] == "%":
            return percent(float(value), decimals, self.lang)
        if match["decimals"] is None and isinstance(value, numbers.Integral):
            return number(int(value), 0, self.lang, grouped=bool(match["grouped"]))
        if match["decimals"] is None:  # "{x:,}" of a float: Python's shortest repr, grouped
            return super().format_field(value, format_spec).translate(_SWAPS[self.lang])
        return number(float(value), decimals, self.lang, grouped=bool(match["grouped"]))


_SWAPS = {"en": {}, "de": str.maketrans({",": ".", ".": ","})}
_FORMATTERS = {lang: _LocalNumbers(lang) for lang in LANGUAGES}


def t(key: str, **values: object) -> str:
    """The UI text for ``key`` in the current language, with ``{placeholders}`` filled in (number fields
    in the language's format: 1,024 tokens / 1.024 Tokens, 45.3% / 45,3 %)."""
    english, german = STRINGS[key]
    lang = language()
    text = german if lang == "de" else english
    return _FORMATTERS[lang].format(text, **values) if values else text


def t_plural(key: str, count: float, **values: object) -> str:
    """:func:`t` for a sentence about ``count`` things: the key ``{key}.one`` or ``{key}.other``, chosen
    by the language's CLDR plural rule; ``count`` is passed on as ``{count}``."""
    form = plural_form(count)
    chosen = f"{key}.{form}" if f"{key}.{form}" in STRINGS else f"{key}.other"
    return t(chosen, count=count, **values)


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
