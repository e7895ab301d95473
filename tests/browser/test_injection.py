"""Injection in a real browser: hostile sentences typed into the page and passed in the link.

Each payload carries a marker (``ev01``, ``ev02``, ...). For each one, typed as the sentence and opened
as ``?text=<payload>&seed=<payload>`` (the seed goes through the "setting was changed" notice), the page
must show it as text and nothing else:

* no JavaScript dialog fires, and the browser requests nothing outside 127.0.0.1 (an injected image,
  iframe or stylesheet would);
* no dangerous element appears in the main area (same counts as a benign sentence), no element carries an
  inline event handler, and no element attribute carries the marker;
* the chips show the payload's characters (joined, ``␣`` read as a space) and GPT-2's ids computed here
  with plain tiktoken;
* the 3D chart's labels and hover texts reach Plotly HTML-escaped (Plotly renders ``<b>``, ``<a href>``
  in labels), and the heatmap's row labels read back as the literal characters;
* the notice quotes the tampered seed literally (markdown in it is not rendered);
* the CSV export holds the payload as data (token column joined back = payload, ids = plain tiktoken).

One server, one page for the whole module (every payload reuses it): about 5 s per payload.
"""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlparse

import pytest
import tiktoken
from payloads import PAYLOADS
from tiktoken.load import load_tiktoken_bpe

from embedviz.figures.space import MAX_LABELLED_TOKENS
from embedviz.tokenizer import GPT2_RANKS_PATH
from embedviz.ui.sections.tokens import MAX_CHIPS

from .conftest import (
    ARTIFACTS,
    new_instrumented_context,
    no_exception,
    open_app,
    open_on_demand,
    require_playwright,
    screenshot,
    type_sentence,
)

require_playwright()

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

EOT = "<|endoftext|>"
GPT2_PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""

#: How the chips show characters that are not printable (the tokenizer's documented pictures).
CHIP_PICTURES = {"\u202e": "⟨U+202E⟩", " ": "␣"}
DANGEROUS = (
    "img, iframe, frame, script, style, object, embed, form, meta, link, base, video, audio, "
    'a[href^="javascript"], [srcdoc]'
)
CHIPS = "div.ev-chips"
NOTICE_CHARS = 40  # the notice quotes at most this many characters of a tampered value
#: A smaller window than the fixtures' 1920x1080: SwiftShader draws the 3D view on the CPU at every rerun.
VIEWPORT = {"width": 1280, "height": 800}
#: Small tables keep each rerun quick; how user text is shown does not depend on the dimension.
SMALL = "dim=16"


def marker(payload: str) -> str:
    found = re.search(r"ev\d\d", payload)
    assert found, payload
    return found.group(0)


_PLAIN: dict[str, tiktoken.Encoding] = {}


def plain_ids(text: str) -> list[int]:
    """GPT-2 ids from plain tiktoken (the shipped ranks, openai/gpt-2's regex), no embedviz code."""
    if "gpt2" not in _PLAIN:
        ranks = load_tiktoken_bpe(str(GPT2_RANKS_PATH))
        _PLAIN["gpt2"] = tiktoken.Encoding(
            "plain-gpt2", pat_str=GPT2_PATTERN, mergeable_ranks=ranks, special_tokens={EOT: 50256}
        )
    return _PLAIN["gpt2"].encode(text, allowed_special={EOT}, disallowed_special=())


def expected_chips(text: str) -> list[str]:
    """What each chip should show, computed here from plain tiktoken's token bytes and the documented
    pictures: ``␣`` for a space, ``⟨U+202E⟩`` for an invisible format character, and ``<E2 80>`` for
    bytes that are not valid UTF-8 on their own (part of a character split over two tokens)."""
    encoding = _PLAIN["gpt2"]
    chips = []
    for token_id in plain_ids(text):
        # surrogateescape turns each invalid byte into one lone surrogate U+DC80..U+DCFF
        chars = encoding.decode_single_token_bytes(token_id).decode("utf-8", errors="surrogateescape")
        shown = "".join(CHIP_PICTURES.get(char, char) for char in chars)
        chips.append(
            re.sub(
                "[\udc80-\udcff]+",
                lambda run: "<" + " ".join(f"{ord(c) - 0xDC00:02X}" for c in run.group(0)) + ">",
                shown,
            )
        )
    return chips


@dataclass
class Session:
    """One page for the whole module, with every dialog and every request leaving 127.0.0.1 recorded."""

    page: Page
    base_url: str
    dialogs: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    baseline: dict[str, int | str] = field(default_factory=dict)

    def reset(self) -> None:
        self.dialogs.clear()
        self.outside.clear()


@pytest.fixture(scope="module")
def session(browser: Browser, app_url: str) -> Iterator[Session]:
    context = new_instrumented_context(browser, accept_downloads=True, viewport=VIEWPORT)
    page = context.new_page()
    state = Session(page, app_url)

    def on_dialog(dialog: Any) -> None:
        state.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def on_request(request: Any) -> None:
        host = urlparse(request.url).hostname
        if request.url.startswith(("http:", "https:", "ws:", "wss:")) and host != "127.0.0.1":
            state.outside.append(request.url)

    page.on("dialog", on_dialog)
    page.on("request", on_request)
    open_app(page, f"{app_url}/?{SMALL}")
    no_exception(page)
    open_on_demand(page)  # every section a visitor can open: tables, neighbours, code and downloads
    state.baseline = dangerous_counts(page)
    assert state.outside == [] and state.dialogs == []
    yield state
    context.close()


def dangerous_counts(page: Page) -> dict[str, int | str]:
    """How many elements of each risky kind the main area holds, its links, and page-wide inline
    event handlers."""
    return page.evaluate(
        """(selector) => {
             const main = document.querySelector('[data-testid="stMain"]');
             const counts = {};
             for (const s of selector.split(', ')) counts[s] = main.querySelectorAll(s).length;
             const links = Array.from(main.querySelectorAll('a[href]')).map((a) => a.getAttribute('href'));
             counts['links'] = links.sort().join(' ');
             counts['inline handlers'] = Array.from(document.querySelectorAll('*')).filter(
               (e) => Array.from(e.attributes).some((a) => a.name.toLowerCase().startsWith('on'))).length;
             return counts;
           }""",
        DANGEROUS,
    )


def attributes_with(page: Page, needle: str) -> list[str]:
    """Every element attribute (anywhere in the page) whose value contains ``needle``."""
    return page.evaluate(
        """(needle) => Array.from(document.querySelectorAll('*')).flatMap((e) =>
             Array.from(e.attributes).filter((a) => a.value.includes(needle))
               .map((a) => `${e.tagName.toLowerCase()}[${a.name}]`))""",
        needle,
    )


def chips_of(page: Page) -> list[tuple[int, str]]:
    """(id, shown text) of each chip of the tokens section."""
    rows = (
        page.locator(CHIPS)
        .first.locator("span.ev-chip")
        .evaluate_all("els => els.map(e => [e.getAttribute('data-token-id'), e.firstChild.textContent])")
    )
    return [(int(token_id), text) for token_id, text in rows]


def plotly_of(page: Page, key: str) -> dict[str, Any]:
    """The trace texts of the Plotly chart with widget key ``key``, and its rendered y tick labels."""
    return page.evaluate(
        """(key) => {
             const div = document.querySelector(`.st-key-${key} .js-plotly-plot`);
             const list = (v) => (v ? Array.from(v) : []);
             return {
               traces: div.data.map((t) => ({text: list(t.text), hover: list(t.hovertext)})),
               ticks: Array.from(div.querySelectorAll('.ytick text')).map((t) => t.textContent),
               links: div.querySelectorAll('a[href]').length,
             };
           }""",
        key,
    )


def settle(page: Page) -> None:
    """Give an injected ``onerror``/``onload`` the time to fire (a failed image load is quick)."""
    page.wait_for_timeout(300)


def check_page(state: Session, text: str, name: str) -> None:
    """Everything the page shows for ``text`` is text; see the module docstring."""
    page = state.page
    no_exception(page)
    open_on_demand(page)  # a new session (a link) starts with them closed; typed edits keep them open
    settle(page)
    assert state.dialogs == [], f"{name}: a dialog fired: {state.dialogs}"
    assert state.outside == [], f"{name}: the page requested {state.outside}"
    found = dangerous_counts(page)
    assert found == state.baseline, (
        f"{name}: an element was injected: {found} (a benign page: {state.baseline})"
    )
    tag = marker(text)
    # The sentence box holds the text as typed: a textarea's content or an <input>'s value is inert.
    carriers = [a for a in attributes_with(page, tag) if not a.startswith(("textarea", "input[value]"))]
    assert carriers == [], f"{name}: attributes carry the payload: {carriers}"

    chips = chips_of(page)
    ids = plain_ids(text)
    assert [token_id for token_id, _ in chips] == ids[:MAX_CHIPS]
    shown = [label for _, label in chips]
    assert shown == expected_chips(text)[:MAX_CHIPS], f"{name}: the chips do not show the payload as typed"

    space = plotly_of(page, "space3d")
    assert space["links"] == 0
    token_trace = space["traces"][0]
    labels = [label for label in token_trace["text"] if label]
    words = {chip.replace("␣", " ").strip() or chip for chip in shown}  # labels drop the space marker
    assert all(html.unescape(label) in words for label in labels)
    assert labels or len(ids) > MAX_LABELLED_TOKENS, f"{name}: the 3D view has no token labels"
    for label in token_trace["text"] + token_trace["hover"]:
        assert "<" not in re.sub(r"</?b>|<br>", "", label), f"{name}: unescaped markup in {label!r}"
    # The hover names each token (the figure may put it in hovertext or in the hover text itself).
    for i, hover in enumerate(token_trace["hover"][:MAX_CHIPS]):
        assert html.escape(shown[i], quote=False) in hover, f"{name}: hover {hover!r} misses {shown[i]!r}"
    heatmap = plotly_of(page, "heatmap-token")
    assert heatmap["links"] == 0
    rows = [f"{i}: {label}" for i, label in enumerate(expected_chips(text))]
    assert heatmap["ticks"] and set(heatmap["ticks"]) <= set(rows), f"{name}: heatmap rows {heatmap['ticks']}"


def is_formula(cell: str) -> bool:
    """Would a spreadsheet run this cell (OWASP's list of formula starts, after leading spaces)?"""
    return cell.lstrip().startswith(("=", "+", "-", "@", "\t", "\r"))


def check_csv(state: Session, text: str, name: str) -> None:
    """The CSV export (if the page offers it): ids of plain tiktoken, and the token column is the text."""
    button = state.page.locator(".st-key-export-csv button")
    assert button.count(), f"{name}: no CSV download on the page"
    with state.page.expect_download() as download:
        button.first.click()
    content = Path(download.value.path()).read_text(encoding="utf-8")
    rows = [row for row in csv.DictReader(io.StringIO(content, newline="")) if row["kind"] == "token"]
    assert [int(row["token_id"]) for row in rows] == plain_ids(text)
    cells = [row["token"] for row in rows]
    # A cell a spreadsheet would run as a formula starts with the apostrophe that marks it as text.
    for cell in cells:
        assert not is_formula(cell), f"{name}: formula cell {cell!r} is not marked as text"
    joined = "".join(cell[1:] if cell.startswith("'") and is_formula(cell[1:]) else cell for cell in cells)
    if "\ufffd" not in joined:  # a character split over two tokens shows as U+FFFD in its two rows
        assert joined == text, f"{name}: the CSV does not hold the payload"


#: The payloads opened as a link: one of each kind of character the seed's notice (an inline code span,
#: ``md_code``) must keep literal: HTML tags and quotes, entities, backticks and Markdown, ``$`` (math),
#: ``{{ }}``, Streamlit's ``:material/…:`` shortcodes, autolinks, a bidi override, a spreadsheet formula.
#: The other payloads reach the page's chips, 3D chart, heatmap and CSV the same way once parsed, and
#: each of them is typed into the page below (``test_payload_typed``); every payload in a link is also
#: parsed and checked without a browser in ``tests/test_app_hostile.py``. A link case costs a whole page
#: load (12-15 s here), so the suite opens ten, not all 26.
LINK_KINDS = (
    "script-tag",
    "attribute-breakout",
    "html-entities",
    "markdown-markup",
    "latex",
    "template",
    "streamlit-shortcodes",
    "markdown-autolink",
    "bidi-override",
    "csv-formula",
)
LINK_CASES = [pytest.param(PAYLOADS[name], id=name) for name in LINK_KINDS]


@pytest.mark.parametrize("payload", LINK_CASES)
def test_payload_in_the_link(session: Session, payload: str, request: pytest.FixtureRequest) -> None:
    """``?text=<payload>&seed=<payload>``: chips, 3D chart and heatmap show it as text; the notice about
    the seed quotes it literally; nothing runs, nothing is injected, nothing is fetched."""
    from playwright.sync_api import expect

    name = request.node.callspec.id
    session.reset()
    page = session.page
    open_app(page, f"{session.base_url}/?{SMALL}&text={quote(payload)}&seed={quote(payload)}")
    try:
        # Waited for, not read once: on a busy machine the box was read empty once, while the run that
        # puts the link's sentence into it was still being drawn (the screenshot then showed it filled).
        expect(page.get_by_label("Sentence", exact=True)).to_have_value(payload)
        shown = payload if len(payload) <= NOTICE_CHARS else payload[:NOTICE_CHARS] + "…"
        expect(page.locator('[data-testid="stAlert"]').filter(has_text="seed=")).to_have_count(1)
        notices = page.locator('[data-testid="stAlert"]').filter(has_text="seed=").all_inner_texts()
        assert len(notices) == 1, notices
        if name == "streamlit-shortcodes":
            # Streamlit rewrites ":material/x:" to ":material_x:" even inside a code span (a display quirk,
            # docs/reliability.md); what matters is that no icon or colour is rendered from the link.
            alert = page.locator('[data-testid="stAlert"]').filter(has_text="seed=")
            assert alert.locator('[data-testid="stIconMaterial"], span[style*="color"]').count() == 0
        else:
            assert f"seed={shown!r}" in notices[0], f"{name}: the notice does not quote the seed as typed"
        check_page(session, payload, name)
    except AssertionError:
        screenshot(page, f"FAILED-injection-link-{name}")
        raise


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_payload_typed(session: Session, payload: str, request: pytest.FixtureRequest) -> None:
    """The payload typed into the sentence box: the same checks, plus the CSV export holds it as data."""
    name = request.node.callspec.id
    if session.page.locator('[data-testid="stAlert"]').filter(has_text="seed=").count():
        open_app(
            session.page, f"{session.base_url}/?{SMALL}"
        )  # a fresh session: no notice left from a tampered link
    session.reset()
    text = f"typed {payload}"
    type_sentence(session.page, text)
    try:
        check_page(session, text, name)
        check_csv(session, text, name)
    except AssertionError:
        screenshot(session.page, f"FAILED-injection-typed-{name}")
        raise


def test_repeated_tokens_caption_is_literal(session: Session) -> None:
    """The 3D section names repeated tokens in a caption: markdown characters in them stay characters."""
    text = "**a** **b** `c` `d` $x$ $y$"
    session.reset()
    type_sentence(session.page, text)
    no_exception(session.page)
    caption = session.page.locator('[data-testid="stCaptionContainer"]').filter(has_text="×").inner_text()
    shown = [label for _, label in chips_of(session.page)]
    for label in {label for label in shown if shown.count(label) > 1}:
        assert f"{label} ×{shown.count(label)}" in caption, f"{label!r} is not shown literally in {caption!r}"


def test_every_payload_at_once_in_the_exports(session: Session, browser: Browser) -> None:
    """All payloads in one sentence: the HTML export opened in Chromium runs nothing, fetches nothing and
    shows the sentence as its title; the Projector ZIP keeps one record per line."""
    text = " ".join(PAYLOADS.values())
    session.reset()
    type_sentence(session.page, text)
    check_page(session, text, "all")
    buttons = {key: session.page.locator(f".st-key-export-{key} button") for key in ("html", "projector")}
    assert all(button.count() for button in buttons.values()), "no HTML/ZIP download on the page"
    files = {}
    for key, button in buttons.items():
        with session.page.expect_download() as download:
            button.first.click()
        files[key] = Path(download.value.path()).read_bytes()

    with zipfile.ZipFile(io.BytesIO(files["projector"])) as archive:
        metadata = archive.read("metadata.tsv").decode("utf-8").splitlines()
    n = len(plain_ids(text))
    assert len(metadata) == 1 + 3 * n and all(line.count("\t") == 3 for line in metadata)

    page_html = files["html"].decode("utf-8")
    for piece in ("<img src=x", "<iframe", "</script><script>alert", "<svg onload", "<style>body"):
        assert piece not in page_html, f"{piece!r} is in the exported HTML verbatim"
    exported = ARTIFACTS / "injection-export.html"
    exported.parent.mkdir(parents=True, exist_ok=True)
    exported.write_bytes(files["html"])
    context = browser.new_context()
    try:
        page = context.new_page()
        dialogs: list[str] = []
        outside: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("request", lambda r: outside.append(r.url) if r.url.startswith("http") else None)
        page.goto(exported.as_uri())
        page.wait_for_selector("#embedviz-3d .gtitle", timeout=30_000)
        settle(page)
        assert dialogs == [] and outside == []
        injected = "img, iframe, object, embed, form, meta[http-equiv], a[href^='javascript']"
        assert page.locator(injected).count() == 0
        title = page.locator("#embedviz-3d .gtitle").text_content() or ""
        assert text[:20] in title, f"the HTML title does not show the sentence: {title[:80]!r}"
    finally:
        context.close()


@pytest.mark.parametrize("encoding", ["cl100k_base", "o200k_base"])
def test_downloaded_encoding_from_the_link(session: Session, encoding: str) -> None:
    """``?encoding=cl100k_base`` on a server that cannot reach tiktoken's download host (this machine):
    the page explains the one-time download, or (if a tiktoken cache exists) uses the encoding; never an
    exception, never a request from the browser to the outside."""
    session.reset()
    open_app(session.page, f"{session.base_url}/?{SMALL}&encoding={encoding}")
    no_exception(session.page)
    assert session.outside == [] and session.dialogs == []
    errors = " ".join(session.page.locator('[data-testid="stAlert"]').all_inner_texts())
    chips = session.page.locator(CHIPS).first.locator("span.ev-chip").count()
    explained = encoding in errors and "TIKTOKEN_CACHE_DIR" in errors
    assert explained or chips > 0, f"neither the encoding nor an explanation: {errors[:300]!r}"
    assert session.page.locator(".st-key-dim input").input_value() == "16"  # the sidebar still works
