"""Every UI string exists in English and German, with the same placeholders in both."""

from __future__ import annotations

import json
import re
import string
from dataclasses import asdict, replace
from pathlib import Path

import pytest
import tiktoken
from apptest_utils import APP, ON_DEMAND
from streamlit.testing.v1 import AppTest
from test_app_budget import HEADROOM, limited  # noqa: F401 (a fixture)

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
from embedviz.ui.state import DEFAULTS, GERMAN_TEXTS, defaults, parse, to_query


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
        **{k: v for k, v in asdict(DEFAULTS).items() if k in GERMAN_TEXTS},
    }
    repeat = plain_gpt2.encode(german.pos_repeat)  # the positions view's sentence repeats a token
    assert len(set(repeat)) < len(repeat)


def test_no_spinner_text_is_written_in_english_only() -> None:
    """A spinner's text is a UI string, shown in the visitor's language: no ``show_spinner="..."`` or
    ``st.spinner("...")`` literal anywhere in the UI code."""
    ui = Path(__file__).resolve().parent.parent / "embedviz"
    for path in ui.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"show_spinner\s*=\s*['\"]|st\.spinner\(\s*['\"]", source), path


# The German page speaks German: every view, with the errors a visitor can cause, and no English sentence


def english_fragments() -> set[str]:
    """Pieces of the English UI texts that must not appear on a German page: the literal text between
    placeholders, three words or more, and not also part of some German text (code, names, titles)."""
    german = "\n".join(de for _, de in STRINGS.values())
    pieces = set()
    for english, de in STRINGS.values():
        if english == de:
            continue
        for literal, *_ in string.Formatter().parse(english):
            for piece in re.split(r"[`*_]|\s[—–·]\s|: |; |\(|\)", literal or ""):
                piece = piece.strip(" ,.:;!?")
                if len(piece.split()) >= 3 and len(piece) >= 15 and piece not in german:
                    pieces.add(piece)
    return pieces


def english_labels() -> set[str]:
    """Short English UI texts (a button, a heading, an option) that are not also some German text."""
    german = {de for _, de in STRINGS.values()}
    return {en for en, de in STRINGS.values() if en != de and "{" not in en and en not in german}


def page_texts(at: AppTest) -> tuple[str, set[str]]:
    """Everything the page says (text, labels, options, tables, chart JSON) and its short labels."""
    from google.protobuf.json_format import MessageToDict

    texts, labels = [], set()

    def walk(value: object, key: str = "") -> None:
        if isinstance(value, dict):
            for name, item in value.items():
                walk(item, name)
        elif isinstance(value, list):
            for item in value:
                walk(item, key)
        elif isinstance(value, str) and key not in ("id", "anchor", "key", "formId", "elementId"):
            texts.append(value)
            if key in ("label", "body", "options", "help", "placeholder", "default"):
                labels.add(value)

    for node in at._tree.children.values():  # main, sidebar, ...
        stack = [node]
        while stack:
            element = stack.pop()
            proto = getattr(element, "proto", None)
            if proto is not None:
                walk(MessageToDict(proto))
            stack.extend(getattr(element, "children", {}).values())
    for chart in at.get("plotly_chart"):
        texts.append(json.dumps(json.loads(chart.proto.spec), ensure_ascii=False))
    for host in at.get("bidi_component"):
        data = json.loads(host.proto.json)
        if "figure" in data:
            texts.append(json.dumps(json.loads(data["figure"]), ensure_ascii=False))
    return "\n".join(texts), labels


def figures(at: AppTest) -> list[dict]:
    """Every Plotly figure on the page, ``st.plotly_chart`` or Plotly host."""
    found = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    for host in at.get("bidi_component"):
        data = json.loads(host.proto.json)
        if "figure" in data:
            found.append(json.loads(data["figure"]))
    return found


PERCENT_TITLE = re.compile(r"PC\d \((\d+(?:[.,]\d)?)(\s?)%\)")


def assert_german_charts(at: AppTest) -> None:
    """German number marks in every chart, and German percentages in every 3D axis title (18,5 %)."""
    for figure in figures(at):
        layout = figure.get("layout", {})
        assert layout.get("separators") == ",.", layout.get("separators")
        scenes = [value for name, value in layout.items() if name.startswith("scene")]
        for scene in scenes:
            for axis in ("xaxis", "yaxis", "zaxis"):
                title = scene.get(axis, {}).get("title", {}).get("text", "")
                for share, space in PERCENT_TITLE.findall(title):
                    assert "." not in share and space == NBSP, title


def assert_german(at: AppTest, visitor_text: str = "") -> None:
    """No English UI text on the page (``visitor_text``, a sentence the visitor typed, may be English)."""
    assert not at.exception, at.exception
    assert_german_charts(at)
    text, labels = page_texts(at)
    if visitor_text:
        text = text.replace(visitor_text, "")
    leaks = sorted(piece for piece in english_fragments() if piece in text)
    assert not leaks, leaks
    assert not sorted(english_labels() & labels)


GERMAN_PAGES = {
    "pipeline": {"opened": ON_DEMAND},
    "pipeline-none-reference": {"positional": "none", "fit": "reference", "text": "der Hund und der Hund"},
    "pipeline-too-many-tokens": {"context_length": 4},
    "pipeline-text-too-long": {"text": "x" * (100_000 + 1)},
    "pipeline-dim-1": {"dim": 1, "opened": ON_DEMAND},
    "presenter-3d": {"presenter": "true", "step": 4},
    "seed": {"view": "seed", "add_b": "abc"},
    "batches": {"view": "batches"},
    "batches-too-short": {"view": "batches", "batch_source": "own", "batch_text": "Hi"},
    "order": {"view": "order"},
    "order-none": {"view": "order", "positional": "none"},
    "train": {"view": "train"},
    "positions": {"view": "positions"},
}


@pytest.mark.parametrize("name", sorted(GERMAN_PAGES))
def test_the_german_page_has_no_english_sentence(name: str) -> None:
    query = dict(GERMAN_PAGES[name])
    opened = query.pop("opened", ())
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in {"lang": "de", **query}.items():
        at.query_params[key] = str(value)
    for key in opened:
        at.session_state[key] = True
    assert_german(at.run())


def german_page(**query: object) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in {"lang": "de", **query}.items():
        at.query_params[key] = str(value)
    return at.run()


def test_an_unavailable_encoding_is_explained_in_german(monkeypatch, tmp_path) -> None:
    def offline(name: str):
        raise ConnectionError("no network")

    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(tiktoken, "get_encoding", offline)
    at = german_page(encoding="cl100k_base")
    assert any("ließ sich nicht laden" in e.value for e in at.error)
    assert_german(at)


def test_tables_over_the_limit_are_refused_in_german(monkeypatch) -> None:
    monkeypatch.setattr("embedviz.embeddings.MAX_TABLE_BYTES", 50 * 2**20)
    at = german_page(dim=300)
    assert any("die Grenze liegt bei 50 MiB" in e.value for e in at.error)
    assert_german(at)


def test_a_full_server_keeps_the_german_batches_page(limited) -> None:  # noqa: F811 (the fixture)
    limited(HEADROOM)
    at = german_page(view="batches", dim=2048)  # whole tables would not fit: the page reads its rows
    assert not at.error, [e.value for e in at.error]
    assert_german(at)


def test_gpt2_unavailable_is_explained_in_german(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "empty"))
    monkeypatch.delenv("EMBEDVIZ_GPT2_ENDPOINT", raising=False)
    at = german_page(view="train", tables="gpt2", dim=8, train_steps=10)
    assert any("Offline-Modus ist an" in w.value.replace("\\", "") for w in [*at.warning, *at.error])
    assert_german(at)


@pytest.mark.parametrize(
    ("lang", "count", "expected"),
    [
        ("en", 1, "1 of the sentence's 7 tokens never appears in the training text, so nothing trains it: "),
        ("en", 2, "2 of the sentence's 7 tokens never appear in the training text, so nothing trains them: "),
        ("de", 1, "1 der 7 Tokens des Satzes kommt im Trainingstext nie vor, also trainiert es nichts: "),
        ("de", 2, "2 der 7 Tokens des Satzes kommen im Trainingstext nie vor, also trainiert sie nichts: "),
    ],
)
def test_a_sentence_about_a_count_agrees_with_it(monkeypatch, lang: str, count: int, expected: str) -> None:
    import streamlit as st

    from embedviz.ui.i18n import t_plural

    monkeypatch.setattr(st, "session_state", {"lang": lang})
    assert t_plural("train.untrained", count, total=7, names="x").startswith(expected)


def test_the_readme_says_which_numbers_match_the_lesson() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "one learned vector per position" not in readme
    assert "random until trained" in readme
    assert "after `iter(dataloader)`" in readme and "position numbers differ" in readme


def test_german_tables_write_decimal_commas(plain_gpt2) -> None:
    """The exact numbers on the German page: the lesson's torch numbers, 4 places, decimal comma."""
    import torch

    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["lang"] = "de"
    at.session_state["open-numbers-token"] = True
    at.run()
    ids = plain_gpt2.encode(LESSON_PAIR[0])
    torch.manual_seed(123)
    expected = torch.nn.Embedding(50257, 256).weight[ids, :8].detach().numpy().astype("float64")
    table = at.dataframe[0].value
    assert table.columns[0] == "Token"
    shown = table.drop(columns="Token").to_numpy()
    assert shown.tolist() == [[f"{v:.4f}".replace(".", ",") for v in row] for row in expected]


@pytest.mark.parametrize(
    ("steps", "caption"), [(10, "haben die Wörter jeder Gruppe begonnen"), (100, "bilden also Haufen")]
)
def test_a_trained_run_on_the_german_page(steps: int, caption: str) -> None:
    """Trained in English (AppTest clicks only English labels), then opened by a German visitor: the run's
    loss, animation, numbers, exercise and maps speak German; the maps claim clusters only when the
    measured gap shows them (a 10-step run has only begun to move the groups, the calibrated 100 steps
    have clustered them)."""
    from test_app_train import open_train, train_now

    train_now(open_train(dim=16, train_steps=steps))
    at = german_page(view="train", dim=16, train_steps=steps, text=DEFAULTS.text)
    assert "Schon früher trainiert" in "\n".join(i.value for i in [*at.info, *at.success, *at.markdown])
    assert any(caption in c.value for c in at.caption), [c.value for c in at.caption]
    assert_german(at, visitor_text=DEFAULTS.text)
