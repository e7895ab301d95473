"""Exports carry the exact vectors, and user text only as data.

The CSV is read back with the csv module, the TSVs line by line, the HTML with the standard library's
HTML parser (the way a browser finds ``<script>`` elements).
"""

from __future__ import annotations

import csv
import io
import zipfile
from html.parser import HTMLParser

import numpy as np
import pytest
from plotly.offline import get_plotlyjs

import embedviz
from embedviz import export
from embedviz.figures.space import space_figure
from embedviz.projection import project

#: Tokens that are dangerous in CSV/TSV: a formula at the very start, commas, quotes, a tab, newlines,
#: "@", "+", "-" after a newline, a CR, GPT's special token, and an emoji cut into byte fragments.
TRICKY = '=1+1,"quoted", a\tb\n@SUM(A1)\n+2\n-3\r\n<|endoftext|> 🙂 end'
SCRIPT = "</script><script>alert(1)</script>"
NAMES = {
    "token": "token vectors",
    "position": "position vectors",
    "input": "input embeddings",
    "arrow": "token → input",
    "pos": "position",
}


@pytest.fixture(scope="module")
def tricky() -> embedviz.EmbeddingResult:
    return embedviz.embed(TRICKY, dim=7, seed=3)


def kind_order(result: embedviz.EmbeddingResult) -> list[tuple[int, str]]:
    """(position, kind) of every exported row: all token vectors, then positions, then inputs."""
    return [(p, kind) for kind in ("token", "position", "input") for p in range(result.n_tokens)]


def stacked(result: embedviz.EmbeddingResult) -> np.ndarray:
    return np.concatenate(
        [result.token_vectors.numpy(), result.position_vectors.numpy(), result.input_embeddings.numpy()]
    )


def looks_like_formula(cell: str) -> bool:
    """What a spreadsheet might evaluate: a formula sign first, possibly after whitespace."""
    starts = ("=", "+", "-", "@", "\t", "\r")
    return cell.startswith(starts) or cell.lstrip().startswith(starts)


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


# ---------------------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "dim", "positional"),
    [(TRICKY, 7, "learned"), ("Hi", 1, "none"), ("dog bites man", 768, "sinusoidal")],
)
def test_csv_reads_back_to_the_exact_float32_values(text: str, dim: int, positional: str) -> None:
    result = embedviz.embed(text, dim=dim, seed=11, positional=positional)
    table = read_csv(export.vectors_csv(result))
    assert table[0] == ["position", "token_id", "token", "kind", *(f"dim_{i}" for i in range(dim))]
    body = table[1:]
    assert len(body) == 3 * result.n_tokens
    assert all(len(row) == 4 + dim for row in body)
    assert [(int(row[0]), row[3]) for row in body] == kind_order(result)
    assert [int(row[1]) for row in body] == result.token_ids * 3
    values = np.array([row[4:] for row in body], dtype=np.float64).astype(np.float32)
    np.testing.assert_array_equal(values, stacked(result))  # bit for bit, not just close


def test_csv_token_cells_are_the_token_text_and_formula_safe(tricky: embedviz.EmbeddingResult) -> None:
    body = read_csv(export.vectors_csv(tricky))[1:]
    texts = [token.bytes.decode("utf-8", errors="replace") for token in tricky.tokens] * 3
    risky = 0
    for row, text in zip(body, texts, strict=True):
        cell = row[2]
        assert not looks_like_formula(cell), repr(cell)
        if looks_like_formula(text):
            risky += 1
            assert cell == "'" + text
        else:
            assert cell == text  # commas, quotes, newlines survive through csv quoting
    assert risky >= 3 * 4  # "=", "@", "+", "-" (and the tab) really were in the sentence
    assert any("\n" in row[2] for row in body) and any('"' in row[2] for row in body)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+", "'+"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        (" =HYPERLINK()", "' =HYPERLINK()"),
        ("\t=1", "'\t=1"),
        ("a=1", "a=1"),
        (" cat", " cat"),
        ("", ""),
    ],
)
def test_spreadsheet_safe(text: str, expected: str) -> None:
    assert export.spreadsheet_safe(text) == expected


def test_full_precision_formatting_round_trips() -> None:
    rng = np.random.default_rng(0)
    values = (rng.standard_normal(5000) * 10.0 ** rng.integers(-30, 30, 5000)).astype(np.float32)
    values[:4] = [0.0, -0.0, np.finfo(np.float32).max, np.finfo(np.float32).tiny]
    back = np.array(export.formatted(values, ",").split(","), dtype=np.float64).astype(np.float32)
    np.testing.assert_array_equal(back, values)


# ---------------------------------------------------------------------------------------------------------
# Embedding Projector TSVs
# ---------------------------------------------------------------------------------------------------------


def test_projector_tensors_one_vector_per_line(tricky: embedviz.EmbeddingResult) -> None:
    text = export.projector_tensors(tricky).decode("utf-8")
    assert text.endswith("\n") and "\r" not in text
    lines = text.splitlines()
    assert len(lines) == 3 * tricky.n_tokens
    rows = [line.split("\t") for line in lines]
    assert all(len(row) == tricky.dim for row in rows)
    values = np.array(rows, dtype=np.float64).astype(np.float32)
    np.testing.assert_array_equal(values, stacked(tricky))


def test_projector_metadata_header_and_one_line_records(tricky: embedviz.EmbeddingResult) -> None:
    text = export.projector_metadata(tricky).decode("utf-8")
    lines = text.split("\n")
    assert lines[-1] == ""  # ends with a newline
    lines = lines[:-1]
    assert lines[0] == "token\tid\tposition\tkind"
    assert len(lines) == 1 + 3 * tricky.n_tokens
    assert len(text.splitlines()) == len(lines)  # no \r, \v, \x1c, U+2028 ... splits a record
    records = [line.split("\t") for line in lines[1:]]
    assert all(len(record) == 4 for record in records)
    assert [(int(r[2]), r[3]) for r in records] == kind_order(tricky)
    assert [int(r[1]) for r in records] == tricky.token_ids * 3
    shown = [r[0] for r in records]
    assert "↵" in shown and "a→b" not in shown  # the newline token is visible; the tab is its own token
    assert any("→" in label for label in shown)
    assert "<|endoftext|>" in shown


def test_projector_zip_holds_both_files(tricky: embedviz.EmbeddingResult) -> None:
    with zipfile.ZipFile(io.BytesIO(export.projector_zip(tricky))) as archive:
        assert sorted(archive.namelist()) == ["metadata.tsv", "tensors.tsv"]
        assert archive.read("tensors.tsv") == export.projector_tensors(tricky)
        assert archive.read("metadata.tsv") == export.projector_metadata(tricky)


# ---------------------------------------------------------------------------------------------------------
# Standalone HTML
# ---------------------------------------------------------------------------------------------------------


class Scripts(HTMLParser):
    """Collects every <script> element: its attributes and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._open: tuple[dict[str, str | None], list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._open = (dict(attrs), [])

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._open is not None:
            self.scripts.append((self._open[0], "".join(self._open[1])))
            self._open = None


def html_for(text: str) -> str:
    result = embedviz.embed(text, dim=16, seed=1)
    projection = project(result.token_vectors, result.position_vectors, result.input_embeddings)
    first = {kind: export.vectors_of(result, kind)[:, :3] for kind in export.KINDS}
    figure = space_figure(projection, [t.display for t in result.tokens], result.token_ids, first, NAMES)
    return export.standalone_html(figure, title=f"“{text}” · {result.n_tokens} tokens").decode("utf-8")


def scripts_of(html: str) -> list[tuple[dict[str, str | None], str]]:
    parser = Scripts()
    parser.feed(html)
    parser.close()
    return parser.scripts


def test_html_is_standalone() -> None:
    html = html_for("Today the cat sat on the mat")
    assert html.lstrip().lower().startswith(("<!doctype html>", "<html"))
    assert get_plotlyjs()[:2000] in html and get_plotlyjs()[-2000:] in html  # plotly.js is inside
    scripts = scripts_of(html)
    assert all("src" not in attrs for attrs, _ in scripts), "a script loads from somewhere else"
    assert "cdn.plot.ly/plotly" not in html
    assert 'id="embedviz-3d"' in html and "Plotly.newPlot" in html
    assert 2_000_000 < len(html.encode()) < 10_000_000


def test_html_keeps_a_hostile_sentence_as_data() -> None:
    benign, hostile = scripts_of(html_for("harmless words")), scripts_of(html_for(SCRIPT))
    assert len(hostile) == len(benign)  # no element was added
    assert not any(body.strip().startswith("alert") for _, body in hostile)
    plot_call = next(body for _, body in hostile if "Plotly.newPlot" in body)
    assert "alert(1)" in plot_call  # the text is still there, as data inside the plot's JSON
    assert "</script>" not in plot_call


def test_html_is_deterministic() -> None:
    assert html_for("same") == html_for("same")


def test_projector_zip_is_the_same_whenever_it_is_built(tricky: embedviz.EmbeddingResult) -> None:
    """Its entries carry a fixed date, not the time of the download (the browser test compares the server's
    bytes with its own, built a moment later)."""
    with zipfile.ZipFile(io.BytesIO(export.projector_zip(tricky))) as archive:
        assert [entry.date_time for entry in archive.infolist()] == [(1980, 1, 1, 0, 0, 0)] * 2
        assert [entry.compress_type for entry in archive.infolist()] == [zipfile.ZIP_DEFLATED] * 2
