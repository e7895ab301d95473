"""The batches view's excerpt HTML: anybody's text reaches the page as text, never as markup.

The HTML is parsed with the standard library's parser; its text, without the window marks and the
"skipped" notes, must be the visitor's text exactly, and no element may come from the text.
"""

from __future__ import annotations

from html.parser import HTMLParser

from embedviz.dataloader import window_starts
from embedviz.tokenizer import tokenize
from embedviz.ui.batch_html import ExcerptTexts, excerpt_html, token_span

HOSTILE = (
    '<script>alert(1)</script> <img src=x onerror="alert(2)"> & &amp; "quotes" \'single\' '
    "</span></div><style>body{display:none}</style> ünïcödé 🙂 end"
)
TITLE = 'a "title" <b>with</b> & markup'


class Reader(HTMLParser):
    """Collects every start tag and the text outside the marks and notes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.titles: list[str] = []
        self.text: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        found = dict(attrs)
        if "title" in found:
            self.titles.append(found["title"] or "")
        if self._hidden or found.get("class") in ("mark", "cut"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.text.append(data)


def texts() -> ExcerptTexts:
    return ExcerptTexts(token_title=lambda index, token_id, rows: TITLE, skipped=lambda n: f"<i>{n}</i>")


def read(markup: str) -> Reader:
    reader = Reader()
    reader.feed(markup.split("</style>", 1)[1])  # the CSS block is the module's own
    return reader


def test_hostile_text_is_shown_as_text() -> None:
    tokens = tokenize(HOSTILE)
    max_length, stride = 4, 4
    starts = window_starts(len(tokens), max_length, stride)
    markup, cut = excerpt_html(HOSTILE, tokens, starts, list(starts[:3]), max_length, texts())
    reader = read(markup)
    assert set(reader.tags) == {"div", "span"}
    shown = "".join(reader.text)
    assert HOSTILE.startswith(shown) and len(shown) > len("<script>alert(1)</script> <img")
    assert cut is None
    assert reader.titles and set(reader.titles) == {TITLE}


def test_skipped_notes_and_gaps_are_escaped() -> None:
    """Windows with gaps (stride > max_length) and a batch in the middle: struck-through tokens and the
    "skipped" notes on both sides, all escaped."""
    tokens = tokenize(HOSTILE * 6)
    starts = window_starts(len(tokens), 3, 5)
    markup, _ = excerpt_html(HOSTILE * 6, tokens, starts, [starts[5], starts[6]], 3, texts())
    reader = read(markup)
    assert set(reader.tags) == {"div", "span"}
    assert 'class="skip"' in markup and 'class="cut"' in markup and "&lt;i&gt;" in markup


def test_token_span_escapes_its_title() -> None:
    span = token_span("x", TITLE, [0], [0], skipped=False)
    reader = read("<style></style>" + span)
    assert reader.tags == ["span"] and reader.titles == [TITLE]
