"""The memory budget wired into the page (``embedviz.ui.cache.memory_budget``): refusals in the visitor's
language that say which dim fits, a page that keeps working, other visitors who notice nothing, caches
that give way first, and downloads and GPT-2's tables that ask too.

The budget here is the real one, reading this test process's real resident memory: each test sets
``EMBEDVIZ_MEMORY_LIMIT_MB`` to what the process holds now plus a headroom, so a table larger than the
headroom is refused and a smaller one is built. Expected numbers are worked out here from table sizes
(rows x dim x 4 bytes) and the headroom, not taken from the code under test.
"""

from __future__ import annotations

import re
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import replace

import numpy as np
import pytest
import tiktoken
import torch
from apptest_utils import APP, ON_DEMAND, chart_ids
from streamlit.testing.v1 import AppTest

from embedviz import export
from embedviz.budget import (
    DEFAULT_MARGIN_BYTES,
    LIMIT_VARIABLE,
    MemoryBudget,
    charged_bytes,
    release_freed_memory,
)
from embedviz.embeddings import EmbeddingSpec, build_position_table, build_token_table, embed_tokens
from embedviz.errors import EmbedvizError, MemoryBudgetExceeded
from embedviz.pretrained import ENDPOINT_VARIABLE
from embedviz.projection import project
from embedviz.rows import SeededRows
from embedviz.tokenizer import tokenize
from embedviz.ui import cache, memory_policy
from embedviz.ui.budget_text import Refused, refusal_text
from embedviz.ui.i18n import STRINGS, number
from embedviz.ui.reservations import budgeted
from embedviz.ui.sections.space3d import figure_for
from embedviz.ui.state import DEFAULTS

MB, MiB = 10**6, 2**20
GPT2_ROWS = 50_257 + 1_024  # token rows + the default context length
#: Memory left for tables above what the process holds when a test starts.
HEADROOM = 250 * MB
#: The resident memory of a test process moves by a few MB between two readings (caches, allocator).
NOISE = 40 * MB


def per_dim() -> int:
    """Bytes one dimension of GPT-2's token + position tables takes (float32)."""
    return GPT2_ROWS * 4


@pytest.fixture
def limited(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[int], MemoryBudget]]:
    """``limit(headroom)``: a fresh page budget whose limit is the process's resident memory now, plus
    the budget's margin, plus ``headroom``; every table cache empty. Afterwards a budget of the real
    environment again."""

    def limit(headroom: int) -> MemoryBudget:
        cache.clear_tables()
        cache.memory_budget.clear()
        release_freed_memory()
        megabytes = (charged_bytes() + DEFAULT_MARGIN_BYTES + headroom) / MiB
        monkeypatch.setenv(LIMIT_VARIABLE, f"{megabytes:.3f}")
        return cache.memory_budget()

    yield limit
    monkeypatch.delenv(LIMIT_VARIABLE, raising=False)
    cache.clear_tables()
    cache.memory_budget.clear()


def open_page(**query: object) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = str(value)
    for key in ON_DEMAND:
        at.session_state[key] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def chip_ids(at: AppTest) -> list[int]:
    rows = [h.proto.body for h in at.get("html") if "ev-chips" in h.proto.body]
    return [int(i) for i in re.findall(r'data-token-id="(\d+)"', rows[0])] if rows else []


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def parse_number(text: str, lang: str) -> int:
    return int(text.replace("." if lang == "de" else ",", ""))


def expected_largest(budget: MemoryBudget) -> int:
    """The largest dim the budget has room for now, from its own arithmetic written out here."""
    return (budget.limit - budget.margin - budget.used()) // per_dim()


# ---------------------------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------------------------

REFUSALS = {
    "en": r"dim 2,048 needs 420 MB; this server has room for up to dim ([\d,]+) right now\.",
    "de": r"dim 2\.048 braucht 420 MB; dieser Server hat gerade Platz für höchstens dim ([\d.]+)\.",
}


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_large_dim_on_a_full_server_streams_its_rows_instead_of_a_refusal(
    lang: str,
    limited: Callable[[int], MemoryBudget],
    plain_gpt2: tiktoken.Encoding,
    token_builds: list[tuple[int, int]],
) -> None:
    """Tables at dim 2,048 (420 MB) do not fit in 250 MB, but the page needs only the sentence's rows:
    it shows everything, draws no whole table, and the numbers are the seed's code's."""
    budget = limited(HEADROOM)
    at = open_page(dim=2048, lang=lang, text=DEFAULTS.text)
    assert not errors(at), errors(at)
    assert chip_ids(at) == plain_gpt2.encode(DEFAULTS.text)
    assert chart_ids(at), "no charts at dim 2,048"
    assert at.session_state["dim"] == 2048
    assert (2048, DEFAULTS.seed) not in token_builds  # no whole table drawn
    assert budget.reserved == 0
    result = cache.embedding_of(replace(DEFAULTS.spec, dim=2048), DEFAULTS.text)
    torch.manual_seed(DEFAULTS.seed)  # the seed's code, written out
    tok, pos = torch.nn.Embedding(50_257, 2048), torch.nn.Embedding(DEFAULTS.context_length, 2048)
    ids = plain_gpt2.encode(DEFAULTS.text)
    assert torch.equal(result.token_vectors, tok.weight.detach()[ids])
    assert torch.equal(result.position_vectors, pos.weight.detach()[: len(ids)])


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_batches_view_on_a_full_server_reads_only_its_rows(
    lang: str,
    limited: Callable[[int], MemoryBudget],
    token_builds: list[tuple[int, int]],
) -> None:
    """The batches view at dim 2,048 (whole tables: 420 MB) on a server with 250 MB to spare: it shows
    every section, draws no whole table, and sample 0's numbers are the seed's code's."""
    budget = limited(HEADROOM)
    at = open_page(view="batches", dim=2048, lang=lang)
    assert not errors(at), errors(at)
    assert (2048, DEFAULTS.seed) not in token_builds  # no whole table drawn
    assert budget.reserved == 0
    inputs = [
        [int(cell.split(" · ")[0]) for cell in row] for row in at.dataframe[0].value.itertuples(index=False)
    ]
    numbers = at.dataframe[2].value
    cells = numbers.drop(columns=numbers.columns[0]).to_numpy()
    shown = np.vectorize(lambda cell: float(str(cell).replace(",", ".")))(cells)  # German: "-0,4015"
    torch.manual_seed(DEFAULTS.seed)  # the seed's code, written out
    tok, pos = torch.nn.Embedding(50_257, 2048), torch.nn.Embedding(DEFAULTS.context_length, 2048)
    with torch.no_grad():
        expected = (tok(torch.tensor(inputs[0])) + pos(torch.arange(len(inputs[0]))))[:, : shown.shape[1]]
    assert abs(shown - expected.numpy()).max() <= 0.5e-4 + 1e-7  # shown to 4 decimal places


@pytest.mark.parametrize("lang", ["en", "de"])
def test_whole_tables_too_large_are_refused_saying_what_fits(
    lang: str, limited: Callable[[int], MemoryBudget]
) -> None:
    """Whole tables at dim 2,048 do not fit in 250 MB. No page asks for them then (``page_tables`` reads
    rows instead), but asked for directly the refusal says, in the visitor's language, which dim would fit
    right now; a smaller dim is then drawn."""
    budget = limited(HEADROOM)
    with pytest.raises(Refused) as refusal:
        cache.tables_of(replace(DEFAULTS.spec, dim=2048))
    assert 420 * MB < (2048 * per_dim()) < 421 * MB  # "420 MB" in the message
    found = re.match(REFUSALS[lang], refusal_text(refusal.value, lang, dim=2048))
    assert found, refusal_text(refusal.value, lang, dim=2048)
    largest = parse_number(found.group(1), lang)
    assert abs(largest - HEADROOM // per_dim()) <= NOISE // per_dim(), largest  # about 1,218
    assert largest > 1000  # so the German number shows its thousands separator
    assert budget.reserved == 0
    token_table, _ = cache.tables_of(replace(DEFAULTS.spec, dim=512))  # a dim that fits
    assert token_table.layer.weight.shape == (50_257, 512)


def test_other_visitors_notice_nothing(
    limited: Callable[[int], MemoryBudget], token_builds: list[tuple[int, int]]
) -> None:
    """Whole tables that cannot fit empty no cache: the visitors at the default dim keep their tables."""
    limited(HEADROOM)
    before = open_page()  # a visitor at the default dim
    with pytest.raises(Refused, match="needs 420 MB"):
        cache.tables_of(replace(DEFAULTS.spec, dim=2048))
    after = open_page()
    assert not errors(before) and not errors(after)
    assert chart_ids(after) == chart_ids(before) and chart_ids(after)
    assert token_builds == [(DEFAULTS.dim, DEFAULTS.seed)]  # built once, kept through the refusal


def test_a_refusal_half_way_through_a_view_is_shown_not_raised(
    limited: Callable[[int], MemoryBudget], monkeypatch: pytest.MonkeyPatch, plain_gpt2: tiktoken.Encoding
) -> None:
    """The tables can be let go and refused again between two uses in one run (another visitor's
    request made them give way): the page says so in the visitor's language, after what it showed.
    Here the neighbours section asks for tables that do not fit, as if its own had been let go."""
    limited(HEADROOM)
    monkeypatch.setattr(cache, "neighbours_of", lambda spec, _: cache.tables_of(replace(spec, dim=2048)))
    at = open_page(lang="de", text=DEFAULTS.text)
    assert re.fullmatch(REFUSALS["de"] + " Wählen Sie .*", errors(at)[-1]), errors(at)
    assert chip_ids(at) == plain_gpt2.encode(DEFAULTS.text)
    assert chart_ids(at)  # the sections before the neighbours were drawn


def test_gpt2_tables_ask_the_budget_first(
    limited: Callable[[int], MemoryBudget], monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    """Loading GPT-2 small's tables needs 316 MB at its peak (wte + wpe, and the mapped file): with
    250 MB to spare it is refused before anything is read, and the view says so in German."""
    limited(HEADROOM)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv(ENDPOINT_VARIABLE, "http://127.0.0.1:9/never-asked")
    cache.gpt2_tables().clear()
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in {"view": "train", "tables": "gpt2", "dim": 16, "lang": "de"}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    warning = next(w.value for w in at.warning if "GPT-2" in w.value)
    needed = 2 * GPT2_ROWS * 768 * 4
    assert f"Das braucht {number(needed / MB, lang='de')} MB" in warning, warning
    assert not (tmp_path / "hf").exists()  # refused before the download started
    labels = [b.label for b in at.button]
    assert STRINGS["train.start"][1] in labels and STRINGS["gpt2.retry"][1] in labels  # training still works


# ---------------------------------------------------------------------------------------------------------
# Caches give way before a refusal
# ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def token_builds(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """(dim, seed) of every token table drawn from now on."""
    built: list[tuple[int, int]] = []
    real = cache.build_token_table

    def counting(n_vocab: int, dim: int, seed: int):
        built.append((dim, seed))
        return real(n_vocab, dim, seed)

    monkeypatch.setattr(cache, "build_token_table", counting)
    return built


def test_caches_give_way_before_a_request_is_refused(
    limited: Callable[[int], MemoryBudget], token_builds: list[tuple[int, int]]
) -> None:
    default = EmbeddingSpec()  # 53 MB, in use by the rest of the class
    budget = limited(240 * MB + DEFAULTS.dim * per_dim())
    large, small = EmbeddingSpec(dim=1024, seed=1), EmbeddingSpec(dim=300, seed=2)  # 210 MB, 62 MB
    cache.tables_of(default)
    cache.tables_of(large)
    cache.tables_of(default)  # the class keeps using its tables: the large ones are used least recently
    assert budget.available() < 300 * per_dim()  # the small pair fits only if the large one gives way
    cache.tables_of(small)  # fits: the least recently used tables were let go...
    cache.tables_of(default)  # ... and the class's tables stayed
    cache.tables_of(small)
    cache.tables_of(large)  # asking for the large one again draws it again
    assert token_builds == [(256, 123), (1024, 1), (300, 2), (1024, 1)]

    # A training run's reservation makes the other settings' tables give way too (the default ones
    # stay: test_the_default_tables_never_give_way); a table that cannot fit next to it, even with every
    # other cache empty, is refused, saying what fits now.
    run = 200 * MB
    with budget.reserve(run, "a training run"), pytest.raises(Refused) as refusal:
        cache.tables_of(EmbeddingSpec(dim=300, seed=3))
    assert token_builds[-1] == (1024, 1)  # nothing drawn
    room = 40 * MB  # the headroom less the reservation
    assert abs(refusal.value.largest_dim - room // per_dim()) <= 20 * MB // per_dim(), (
        refusal.value.largest_dim
    )
    assert refusal.value.needed == 300 * per_dim() and isinstance(refusal.value, EmbedvizError)
    assert str(refusal.value).startswith("dim 300 needs 62 MB; this server has room for up to dim ")
    cache.tables_of(large)
    assert token_builds[-1] == (1024, 1) and len(token_builds) == 5  # it had given way to the run
    assert budget.reserved == 0


def test_the_default_tables_never_give_way(
    limited: Callable[[int], MemoryBudget], token_builds: list[tuple[int, int]]
) -> None:
    """The whole class opens the default setting: a server short of memory (a training run asking for
    more than is free) lets every other setting's tables go, never the default ones, which it might not
    be able to draw again (then every student's page would be refused)."""
    headroom = 120 * MB
    budget = limited(headroom)
    default = cache.tables_of(EmbeddingSpec())
    others = [EmbeddingSpec(dim=64, seed=seed) for seed in (1, 2, 3, 4)]  # more than the 3 small slots
    for spec in others:
        cache.tables_of(spec)
    with pytest.raises(MemoryBudgetExceeded), budget.reserve(headroom - MB, "a training run"):
        pass  # could fit only if the default tables gave way too: every evictor was asked, then refused
    again = cache.tables_of(EmbeddingSpec())
    assert again[0] is default[0] and again[1] is default[1]
    assert token_builds.count((DEFAULTS.dim, DEFAULTS.seed)) == 1
    cache.tables_of(others[-1])  # the others had given way: drawn again
    assert token_builds[-1] == (64, 4) and token_builds.count((64, 4)) == 2


def test_evictors_are_asked_cheapest_first() -> None:
    cache.memory_budget.clear()
    try:
        names = [name for name, _ in cache.memory_budget()._evictors]
    finally:
        cache.memory_budget.clear()
    assert names[: 5 + memory_policy.LRU_EVICTIONS] == [
        "built figures and projections",
        "GPT-2's tables",
        "reference PCA",
        "streamed settings' bookmarks",
        *["the least recently used tables"] * memory_policy.LRU_EVICTIONS,
        "token and position tables",
    ]


# ---------------------------------------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------------------------------------


def refusal(needed: int, available: int, largest: int | None) -> MemoryBudgetExceeded:
    return MemoryBudgetExceeded("dim 2,048", needed, available, 723 * MB, largest)


@pytest.mark.parametrize(
    ("lang", "dim", "error", "text"),
    [
        (
            "en",
            2048,
            refusal(420_108_288, 160 * MB, 768),
            "dim 2,048 needs 420 MB; this server has room for up to dim 768 right now. Choose a smaller "
            "dim, or try again in a minute.",
        ),
        (
            "de",
            2048,
            refusal(420_108_288, 300 * MB, 1462),
            "dim 2.048 braucht 420 MB; dieser Server hat gerade Platz für höchstens dim 1.462. Wählen Sie "
            "eine kleinere dim oder versuchen Sie es in einer Minute noch einmal.",
        ),
        (
            "en",
            1536,
            refusal(1_234_567_890, -5, 0),
            "dim 1,536 needs 1,235 MB, but this server's memory is full right now; try again in a minute.",
        ),
        (
            "de",
            None,
            refusal(315_899_904, 12_600_000, None),
            "Das braucht 316 MB, aber vom Speicher dieses Servers sind gerade nur 13 MB frei; versuchen Sie "
            "es in einer Minute noch einmal.",
        ),
    ],
)
def test_refusal_text(lang: str, dim: int | None, error: MemoryBudgetExceeded, text: str) -> None:
    assert refusal_text(error, lang, dim) == text


def test_number_formats() -> None:
    english = [number(v, lang="en") for v in (0, 999.4, 1234.5, 2_048_000)]
    german = [number(v, lang="de") for v in (0, 999.6, 1234.5, 2_048_000)]
    assert english == ["0", "999", "1,234", "2,048,000"]
    assert german == ["0", "1.000", "1.234", "2.048.000"]
    assert [number(2048.25, 1, "en"), number(2048.25, 1, "de")] == ["2,048.2", "2.048,2"]


def test_refused_keeps_the_fields_and_shows_the_message() -> None:
    error = refusal(420_108_288, 160 * MB, 768)
    wrapped = Refused(error, "für Besucher")
    assert str(wrapped) == "für Besucher"
    assert (wrapped.what, wrapped.needed, wrapped.available, wrapped.limit, wrapped.largest_dim) == (
        error.what,
        error.needed,
        error.available,
        error.limit,
        error.largest_dim,
    )


# ---------------------------------------------------------------------------------------------------------
# Downloads
# ---------------------------------------------------------------------------------------------------------


def test_a_download_reserves_its_bytes_and_is_refused_in_the_pages_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    budget = MemoryBudget(1_000 * MB, margin=0, rss=lambda: 900 * MB, release=lambda: None)
    monkeypatch.setattr(cache, "memory_budget", lambda: budget)  # the budget the button is drawn with
    seen: list[int] = []
    build = budgeted(lambda: seen.append(budget.reserved) or b"file", 50 * MB, "a download")
    too_big = budgeted(lambda: b"never built", 150 * MB, "a download")
    assert build() == b"file" and seen == [50 * MB] and budget.reserved == 0
    with pytest.raises(Refused, match=r"^This needs 150 MB, but only 100 MB of this server's memory"):
        too_big()


def test_a_download_that_cannot_fit_now_is_disabled_and_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    """30 MB above the floor: the CSV and zip of a short sentence at dim 8 (about 1 MB each while built)
    can be made, the standalone HTML page (plotly.js inside, about 40 MB) cannot, and the page says so."""
    budget = MemoryBudget(100 * MB, margin=0, rss=lambda: 70 * MB, release=lambda: None, floor=70 * MB)
    monkeypatch.setattr(cache, "memory_budget", lambda: budget)
    at = open_page(dim=8)
    buttons = {b.key: b.proto.disabled for b in at.get("download_button")}
    assert buttons == {"export-csv": False, "export-projector": False, "export-html": True}, buttons
    needed = export.peak_bytes("html", len(chip_ids(at)), 8)
    free = "MB, but only 30 MB of this server's memory are free"
    message = f"This needs {number(needed / MB, lang='en')} {free}"
    assert any(c.value.startswith(message) for c in at.caption), [c.value for c in at.caption]


@pytest.mark.parametrize(
    ("kind", "n_words", "dim"), [("csv", 60, 256), ("projector", 60, 256), ("html", 60, 64)]
)
def test_download_estimates_cover_the_measured_peak(kind: str, n_words: int, dim: int) -> None:
    """The estimate is at least the peak tracemalloc sees while the file is built, and not far above."""
    text = " ".join(["Zürich's café, naïve résumé"] * n_words)
    spec = EmbeddingSpec(dim=dim)
    tokens = build_token_table(50_257, dim, 1)
    tables = (tokens, build_position_table(tokens, spec.context_length))
    result = embed_tokens(text, tokenize(text, "gpt2"), spec, tables)
    builders = {
        "csv": lambda: export.vectors_csv(result),
        "projector": lambda: export.projector_zip(result),
        "html": lambda: export.standalone_html(
            figure_for(
                result,
                project(result.token_vectors, result.position_vectors, result.input_embeddings),
                "default",
                names={k: k for k in ("token", "position", "input", "arrow", "pos")},
            ),
            "title",
        ),
    }
    tracemalloc.start()
    try:
        builders[kind]()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    estimate = export.peak_bytes(kind, result.n_tokens, dim)
    assert peak <= estimate <= 2 * peak + 2 * MiB, (peak, estimate)


def test_which_tables_a_page_reads(
    limited: Callable[[int], MemoryBudget], token_builds: list[tuple[int, int]]
) -> None:
    """The default setting reads its resident tables; another setting its whole tables when there is
    room for them and KEEP_FREE_BYTES besides (or when they are cached anyway), else its rows."""
    room = 300 * MB
    limited(room)
    default = cache.page_tables(EmbeddingSpec())
    assert isinstance(default, tuple) and default[0] is cache.tables_of(EmbeddingSpec())[0]
    roomy = cache.page_tables(EmbeddingSpec(dim=256, seed=1))  # 54 MB + 128 MiB fit in 300 MB
    assert isinstance(roomy, tuple) and (256, 1) in token_builds
    assert cache.page_tables(EmbeddingSpec(dim=256, seed=1))[0] is roomy[0]  # kept
    crowded = cache.page_tables(EmbeddingSpec(dim=768, seed=2))  # 158 MB do not fit next to them
    assert isinstance(crowded, SeededRows) and (768, 2) not in token_builds
    assert cache.page_tables(EmbeddingSpec(dim=768, seed=2)) is crowded  # bookmarks kept
    trained = cache.tables_of(EmbeddingSpec(dim=64, seed=3))  # whole: a training run asked for them
    assert cache.page_tables(EmbeddingSpec(dim=64, seed=3))[0] is trained[0]
