"""Every setting of the page in one dataclass, kept in the URL so a teacher can share a prepared view.

The URL is untrusted: ``?dim=999999999`` or ``?seed=abc`` come from anyone. :func:`parse` turns query
parameters into :class:`Settings`, resetting every value that is out of range or not a valid choice to
its default, and returns a notice for each value it had to change. Widgets are keyed by the field
names, so ``st.session_state`` holds the live values and :func:`save` writes the ones that differ
from the defaults back to the URL.

Why not Streamlit 1.67's ``bind="query-params"`` on the widgets (read in its source,
``runtime/state/session_state.py``, ``_handle_query_param_binding``): a bound widget drops an invalid
value from the URL silently, where the page must say which value it reset and why (a teacher's link
with ``?dim=999999999``); only widgets drawn in this run are bound, so the settings of the other views
(and ``text`` while the view "seed" is shown) would fall out of a shared link; and it always writes
the value, where :func:`save` leaves an over-long sentence out of the link (``MAX_LINK_VALUE``). Keeping
one parse/save pair here keeps all three behaviours and their tests.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, fields, replace
from urllib.parse import quote

import streamlit as st

from embedviz.embeddings import MAX_CONTEXT_LENGTH, MAX_DIM, MAX_SEED, POSITIONAL_MODES, EmbeddingSpec
from embedviz.figures.style import CAMERAS as CAMERA_VIEWS
from embedviz.tokenizer import ENCODINGS, MAX_CHARS
from embedviz.training_runs import TRAIN_SOURCES
from embedviz.ui.i18n import LANGUAGES, browser_language
from embedviz.ui.stages import step_rule

DEFAULT_TEXT = "Today the cat sat on the mat"
#: The German page starts with the lesson's own example sentence, and the word-order view with the lesson's
#: pair (the same six GPT-2 tokens in another order: each noun follows a space in both sentences).
GERMAN_TEXTS = {
    "text": "Die Katze saß auf der Matte",
    "compare_a": "Die Katze saß auf der Matte",
    "compare_b": "Die Matte saß auf der Katze",
    "pos_repeat": "Die Katze sah die andere Katze",  # " Katze" twice: one token at two positions
}
FITS = ("sentence", "reference")
CAMERAS = tuple(CAMERA_VIEWS)  # the 3D view's preset angles, defined once in figures.style
BATCH_SOURCES = ("verdict", "own")
TABLES = ("random", "gpt2")
VIEWS = ("pipeline", "seed", "batches", "order", "train", "positions")


@dataclass(frozen=True)
class Settings:
    """All settings of the page. Field names are the query-parameter names and the widget keys."""

    view: str = "pipeline"
    text: str = DEFAULT_TEXT
    encoding: str = "gpt2"
    dim: int = 256
    seed: int = 123
    context_length: int = 1024
    positional: str = "learned"
    fit: str = "sentence"
    token: int = 0  # the selected token (index into the sentence)
    all_dims: bool = False  # numbers table: all dimensions instead of the first ones
    camera: str = "default"
    lang: str = "en"
    presenter: bool = False
    step: int = 0  # presenter mode: the slide shown (0 = the tokens; embedviz.ui.stages.slides())
    # Teaching sections
    batch_source: str = "verdict"
    batch_text: str = ""
    batch_size: int = 8
    max_length: int = 4
    stride: int = 4
    shuffle: bool = False
    batch: int = 0  # which batch of the data loader is shown
    compare_a: str = "the dog bites the man"
    compare_b: str = "the man bites the dog"
    k: int = 10  # nearest neighbours
    toy_index: int = 3  # the seed's lookup example: row 3 of the 6 x 3 table
    add_a: str = "0.5, -0.2, 0.1"  # the seed's addition example, editable
    add_b: str = "0.1, 0.3, -0.1"
    tables: str = "random"
    train_steps: int = 100  # the lesson's calibrated run: about a CPU-second
    train_source: str = "lesson"  # the lesson corpus, the shipped story, or the story plus the sentence
    # Positions view: the lesson's pair, a sentence with a repeated word, positions shown, query-key distance
    pos_a: str = "Die Katze saß auf der Matte"
    pos_b: str = "Die Matte saß auf der Katze"
    pos_repeat: str = DEFAULT_TEXT
    pos_n: int = 32
    pos_offset: int = 2

    @property
    def spec(self) -> EmbeddingSpec:
        """The five settings that name the tables: the cache key of everything computed from them."""
        return EmbeddingSpec(self.encoding, self.dim, self.seed, self.context_length, self.positional)


#: Allowed values: (low, high) for numbers, a tuple of choices for strings, a max length for free text.
RULES: dict[str, tuple] = {
    "view": VIEWS,
    "text": (MAX_CHARS,),
    "encoding": tuple(ENCODINGS),
    "dim": (1, MAX_DIM),
    "seed": (0, MAX_SEED),
    "context_length": (1, MAX_CONTEXT_LENGTH),
    "positional": tuple(POSITIONAL_MODES),
    "fit": FITS,
    "token": (0, MAX_CONTEXT_LENGTH - 1),
    "camera": CAMERAS,
    "lang": LANGUAGES,
    "step": step_rule(),
    "batch_source": BATCH_SOURCES,
    "batch_text": (MAX_CHARS,),
    "batch_size": (1, 64),
    "max_length": (1, 256),
    "stride": (1, 256),
    "compare_a": (1000,),
    "compare_b": (1000,),
    "k": (1, 50),
    "batch": (0, 10_000),
    "toy_index": (0, 5),
    "add_a": (200,),
    "add_b": (200,),
    "train_source": TRAIN_SOURCES,
    "tables": TABLES,
    "train_steps": (10, 1000),
    "pos_a": (1000,),
    "pos_b": (1000,),
    "pos_repeat": (1000,),
    "pos_n": (2, 128),
    "pos_offset": (1, 32),
}
DEFAULTS = Settings()


def defaults(lang: str) -> Settings:
    """The defaults of a page in ``lang``: the German page has the lesson's German sentences. ``lang``
    itself keeps its one default ("en"), so a German link always says ``lang=de``."""
    return replace(DEFAULTS, **GERMAN_TEXTS) if lang == "de" else DEFAULTS


#: The longest URL-encoded value written into the link (about 2,600 characters of ASCII text).
MAX_LINK_VALUE = 8_000
FIELD_NAMES = tuple(f.name for f in fields(Settings))


#: A notice about a value of the link that was changed: a key of the ``notice.*`` UI strings and its
#: values. The page words it in its language when it shows it (:func:`embedviz.ui.i18n.t`).
Notice = tuple[str, dict[str, object]]


def _parse_value(name: str, raw: str) -> tuple[object, Notice | None]:
    """One query value -> (value, notice or None). Never raises."""
    default = getattr(DEFAULTS, name)
    rule = RULES.get(name, ())
    shown = raw if len(raw) <= 40 else raw[:40] + "…"
    if isinstance(default, bool):
        if raw.lower() in ("1", "true", "yes", "on"):
            return True, None
        if raw.lower() in ("0", "false", "no", "off", ""):
            return False, None
        return default, ("notice.bool", {"name": name, "raw": repr(shown), "default": default})
    if isinstance(default, int):
        try:
            value = int(raw.strip())
        except ValueError:
            return default, ("notice.int", {"name": name, "raw": repr(shown), "default": default})
        low, high = rule
        if value < low or value > high:  # reset, not clamp: ?dim=999999999 must not build the largest table
            notice = {"name": name, "raw": shown, "low": low, "high": high, "default": default}
            return default, ("notice.range", notice)
        return value, None
    if len(rule) == 1:  # free text with a maximum length: kept whole, the page reports a length problem
        return raw, None
    if raw not in rule:
        notice = {"name": name, "raw": repr(shown), "choices": ", ".join(rule), "default": repr(default)}
        return default, ("notice.choice", notice)
    return raw, None


def parse(
    query: Mapping[str, str | list[str]], browser_lang: str = DEFAULTS.lang, ignore: Collection[str] = ()
) -> tuple[Settings, list[Notice]]:
    """Query parameters -> settings and a list of notices about values that were changed. A link without
    ``lang`` opens in ``browser_lang`` (the visitor's browser), with that language's default sentences.
    Names in ``ignore`` belong to another part of the page (a class's ``room``) and are neither settings
    nor unknown."""
    values: dict[str, object] = {}
    notices: list[Notice] = []
    for name, raw in query.items():
        if name in ignore:
            continue
        if name not in FIELD_NAMES:
            notices.append(("notice.unknown", {"name": repr(name[:40])}))
            continue
        if isinstance(raw, list):
            raw = raw[-1] if raw else ""
        values[name], notice = _parse_value(name, str(raw))
        if notice:
            notices.append(notice)
    values.setdefault("lang", browser_lang if browser_lang in LANGUAGES else DEFAULTS.lang)
    return replace(defaults(str(values["lang"])), **values), notices


def fits_in_link(value: object) -> bool:
    """Whether a value is short enough for a link (URL-encoded): a 30,000-character sentence would make a
    URL that servers refuse (HTTP 400) when the link is opened again."""
    return len(quote(str(value))) <= MAX_LINK_VALUE


def to_query(settings: Settings) -> dict[str, str]:
    """The settings that differ from the defaults, as query parameters (short, shareable URLs).
    A text too long for a link is left out (the page says so)."""
    query, base = {}, defaults(settings.lang)
    for name, value in asdict(settings).items():
        if value != getattr(base, name) and fits_in_link(value):
            query[name] = str(value).lower() if isinstance(value, bool) else str(value)
    return query


def load(ignore: Collection[str] = ()) -> tuple[Settings, list[Notice]]:
    """Settings for this run: from the URL on a session's first run, from the widgets afterwards.
    Query parameters named in ``ignore`` are left to other modules (see :func:`parse`)."""
    state = st.session_state
    if "_notices" not in state:
        settings, notices = parse(st.query_params.to_dict(), browser_language(st.context.locale), ignore)
        for name, value in asdict(settings).items():
            state[name] = value
        state["_notices"] = notices
    else:
        # Streamlit forgets the value of a widget that is not drawn in a run (presenter mode hides
        # controls); writing each value back keeps it.
        for name in FIELD_NAMES:
            state[name] = state[name]
    return Settings(**{name: state[name] for name in FIELD_NAMES}), state["_notices"]


def current() -> Settings:
    """The settings as the widgets hold them now (after this run's widgets were drawn)."""
    return Settings(**{name: st.session_state[name] for name in FIELD_NAMES})


def save(extra: Mapping[str, str] | None = None) -> None:
    """Write the current non-default settings, and ``extra`` (a class's ``room``), to the URL."""
    write_link({**(extra or {}), **to_query(current())})


def write_link(query: Mapping[str, str]) -> None:
    """Make ``query`` the URL's query parameters, only when they differ (each change is a history entry)."""
    if dict(query) != st.query_params.to_dict():
        st.query_params.from_dict(query)
