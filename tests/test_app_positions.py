"""The positions view through AppTest, in both languages: every part present, no exception for any
setting or text, and the numbers of its charts against plain torch written here (the lesson's code,
complex numbers for rotary positions), never against embedviz's own functions."""

from __future__ import annotations

import cmath
import math

import numpy as np
import pytest
import torch
from apptest_utils import chart_by_key, plotly_hosts, run_app

PARTS = {
    "en": [
        "Why positions?",
        "Absolute positions: learned or sinusoidal",
        "Add or concatenate?",
        "Relative and rotary positions",
    ],
    "de": [
        "Wozu Positionen?",
        "Absolute Positionen: gelernt oder sinusförmig",
        "Addieren oder aneinanderhängen?",
        "Relative und rotierende Positionen",
    ],
}
CHARTS = (
    "positions-table-learned",
    "positions-table-sinusoidal",
    "positions-cosines-learned",
    "positions-cosines-sinusoidal",
    "positions-wavelengths",
    "positions-3d-add",
    "positions-3d-concat",
    "positions-scores",
    *(f"positions-rotation-{slot}" for slot in range(4)),  # four pairs of dimensions at dim 256
)
KATZE = "Die Katze saß auf der Matte"


def lesson_tables(dim: int = 256, seed: int = 123, context_length: int = 1024):
    """The lesson's code: the token table, then the position table, from one seed."""
    torch.manual_seed(seed)
    tok = torch.nn.Embedding(50257, dim)
    pos = torch.nn.Embedding(context_length, dim)
    return tok, pos


def host_keys(at) -> set[str]:
    return {key for host in plotly_hosts(at) for key in CHARTS if host.proto.id.endswith(key)}


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_part_in_both_languages(lang: str) -> None:
    # The English repeated-word sentence in both languages (the German page's default is a German one).
    at = run_app(view="positions", lang=lang, pos_repeat="Today the cat sat on the mat")
    assert not at.exception
    headers = [h.value for h in at.header]
    assert headers[1:5] == PARTS[lang]
    assert host_keys(at) == set(CHARTS)
    assert not at.error and not at.warning
    bag = at.dataframe[0].value
    yes, no = ("yes", "no") if lang == "en" else ("ja", "nein")
    assert list(bag.iloc[:, 1]) == [yes, no, no]  # none, learned, sinusoidal
    assert list(bag.iloc[:, 3]) == (
        ["6 of 7", "7 of 7", "7 of 7"] if lang == "en" else ["6 von 7", "7 von 7", "7 von 7"]
    )


def test_learned_table_and_cosines_are_the_lessons(plain_gpt2) -> None:
    at = run_app(view="positions")
    _, pos = lesson_tables()
    rows = pos.weight[:32].detach().double()
    table = chart_by_key(at, "positions-table-learned")["data"][0]["z"]
    assert np.array_equal(table, np.round(rows[:, :128].numpy(), 4).astype(np.float32))
    cosines = chart_by_key(at, "positions-cosines-learned")["data"][0]["z"]
    expected = torch.nn.functional.cosine_similarity(rows[:, None, :], rows[None, :, :], dim=-1)
    assert np.allclose(cosines, expected.numpy(), atol=1e-4)
    sinusoidal = chart_by_key(at, "positions-cosines-sinusoidal")["data"][0]["z"]
    for p, q in ((0, 1), (3, 17), (31, 5)):  # Vaswani et al.'s formula, by hand
        u = [
            math.sin(p / 10000 ** ((j - j % 2) / 256))
            if j % 2 == 0
            else math.cos(p / 10000 ** ((j - j % 2) / 256))
            for j in range(256)
        ]
        v = [
            math.sin(q / 10000 ** ((j - j % 2) / 256))
            if j % 2 == 0
            else math.cos(q / 10000 ** ((j - j % 2) / 256))
            for j in range(256)
        ]
        cosine = sum(a * b for a, b in zip(u, v, strict=True)) / math.sqrt(
            sum(a * a for a in u) * sum(b * b for b in v)
        )
        assert sinusoidal[p][q] == pytest.approx(cosine, abs=1e-4)


def test_wavelengths_and_full_turns() -> None:
    at = run_app(view="positions", pos_n=20, dim=64)
    lengths = [
        2 * math.pi * 10000 ** ((j - j % 2) / 64) for j in range(64)
    ]  # Vaswani et al.: sin(p / 10000^(2i/d))
    assert np.allclose(chart_by_key(at, "positions-wavelengths")["data"][0]["y"], lengths, atol=0.005, rtol=0)
    turned = sum(1 for length in lengths if length <= 19)  # a full turn between positions 0 and 19
    assert any(f"{turned} of the 64 dimensions complete a full turn" in c.value for c in at.caption)


def test_scores_of_the_moving_pair(plain_gpt2) -> None:
    at = run_app(view="positions", pos_offset=3)
    assert not at.exception
    ids = plain_gpt2.encode(KATZE)
    tok, pos = lesson_tables()
    with torch.no_grad():
        key, query = tok(torch.tensor(ids[:2])).double()
    table = pos.weight.detach().double()
    figure = chart_by_key(at, "positions-scores")
    lines = {trace["name"]: np.asarray(trace["y"]) for trace in figure["data"]}
    absolute = next(v for name, v in lines.items() if name.startswith("absolute"))
    rotary = next(v for name, v in lines.items() if name.startswith("rotary"))
    alibi = next(v for name, v in lines.items() if name.startswith("ALiBi"))
    assert len(absolute) == 32 - 3
    for m in (0, 7, 28):
        expected = float((query + table[m + 3]) @ (key + table[m])) / 16
        assert absolute[m] == pytest.approx(round(expected, 4), abs=1e-4)
    # RoPE as complex numbers: pair i = x[i] + i x[i + 128], turned by position / 10000^(2i/256)
    q_turned = [
        complex(query[i], query[i + 128]) * cmath.exp(1j * 5 * 10000 ** (-2 * i / 256)) for i in range(128)
    ]
    k_turned = [
        complex(key[i], key[i + 128]) * cmath.exp(1j * 2 * 10000 ** (-2 * i / 256)) for i in range(128)
    ]
    score = sum((a * b.conjugate()).real for a, b in zip(q_turned, k_turned, strict=True)) / 16
    assert np.allclose(rotary, round(score, 4), atol=1e-4)  # the same at every place
    assert np.allclose(alibi, round(float(query @ key) / 16 - 0.5 * 3, 4), atol=1e-4)
    # The first RoPE chart: the query's pair (0, 128) turned by one radian per position
    turning = chart_by_key(at, "positions-rotation-0")["data"][2]
    expected = [complex(query[0], query[128]) * cmath.exp(1j * p) for p in range(12)]
    assert np.allclose(turning["x"], [z.real for z in expected], atol=1e-4)
    assert np.allclose(turning["y"], [z.imag for z in expected], atol=1e-4)


def test_add_and_concatenate_shapes(plain_gpt2) -> None:
    at = run_app(view="positions", dim=16)
    n = len(plain_gpt2.encode(KATZE))
    assert [m.value for m in at.metric] == [f"({n}, 16)", f"({n}, 32)"]


def test_odd_dim_explains_rotary_and_draws_the_rest() -> None:
    at = run_app(view="positions", dim=5, lang="de")
    assert not at.exception
    assert any("gerade Zahl von Dimensionen" in w.value and "4 oder 6" in w.value for w in at.warning)
    assert host_keys(at) == {key for key in CHARTS if "rotation" not in key}
    names = [trace["name"] for trace in chart_by_key(at, "positions-scores")["data"]]
    assert len(names) == 2 and not any("RoPE" in name for name in names)


@pytest.mark.parametrize(
    "query",
    [
        {"pos_a": "<img src=x onerror=alert(1)>", "pos_b": "[link](javascript:alert(1)) $x$"},
        {"pos_a": "", "pos_b": ""},
        {"pos_a": "x", "pos_b": "x", "pos_repeat": "a a a a"},
        {"pos_a": "a " * 600, "pos_n": 128, "pos_offset": 32},
        {"context_length": 3, "pos_n": 100},
        {"dim": 1, "context_length": 1},
        {"pos_n": 999, "pos_offset": -4},
    ],
)
def test_no_setting_or_text_breaks_the_view(query: dict) -> None:
    at = run_app(view="positions", **query)
    assert not at.exception
    for chip_row in (h.proto.body for h in at.get("html") if "ev-chips" in h.proto.body):
        assert "<img" not in chip_row


def test_link_values_out_of_range_are_reset() -> None:
    at = run_app(view="positions", pos_n=999, pos_offset=0)
    assert at.slider(key="pos_n").value == 32 and at.slider(key="pos_offset").value == 2
    assert sum("pos_n" in w.value or "pos_offset" in w.value for w in at.warning) == 2


def test_editing_a_sentence_updates_the_bag() -> None:
    at = run_app(view="positions")
    at.text_input(key="pos_b").set_value("Die Katze saß auf dem Sofa").run()
    assert not at.exception
    assert list(at.dataframe[0].value.iloc[:, 1]) == ["no", "no", "no"]
    at.button[0].click().run()  # the lesson's pair again
    assert at.text_input(key="pos_b").value == "Die Matte saß auf der Katze"


def test_presenter_one_slide_per_part() -> None:
    """Next (the clicker's PageDown) turns the slides; each shows its part alone."""
    at = run_app(view="positions", presenter="true", step=0)
    for step, title in enumerate(PARTS["en"]):
        assert not at.exception
        assert [h.value for h in at.header] == [title]
        assert any(f"Step {step + 1} of 4:" in m.value for m in at.markdown)
        next_button = at.button(key="ev-presenter-pagedown")
        assert next_button.disabled == (step == 3)
        if step < 3:
            at = next_button.click().run()
    assert at.query_params["step"] in ("3", ["3"])


@pytest.mark.parametrize("step", range(4))
def test_presenter_slides_in_german(step: int) -> None:
    at = run_app(view="positions", presenter="true", step=step, lang="de")
    assert not at.exception
    assert [h.value for h in at.header] == [PARTS["de"][step]]
    assert any(f"Schritt {step + 1} von 4:" in m.value for m in at.markdown)


def test_presenter_later_step_shows_the_last_part() -> None:
    at = run_app(view="positions", presenter="true", step=4)
    assert not at.exception
    assert [h.value for h in at.header] == [PARTS["en"][-1]]
    at = at.button(key="ev-presenter-pageup").click().run()
    assert [h.value for h in at.header] == [PARTS["en"][2]]
