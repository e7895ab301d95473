"""Presenter slides, the live sentence box, the 3D view's labels and German notices, through AppTest.

What a browser must check (the keys really turn the slides, the chart fills the screen) is in
``tests/browser/test_camera_presenter.py``; here the page's structure and the figure's spec.
"""

from __future__ import annotations

import re

import pytest
from apptest_utils import chart_by_key, run_app

from embedviz.ui import stages, state
from embedviz.ui.i18n import STRINGS
from embedviz.ui.stages import STAGES, Stage, slides

SLIDES = slides()

STAGE_HEADINGS = (
    "1 · Tokens",
    "2 · Token embeddings",
    "3 · Position embeddings",
    "4 · Input embedding = token + position",
    "5 · The 3D view",
    "6 · Cosine similarity of the input embeddings",
)


def headings(at) -> list[str]:
    return [h.value for h in at.header]


def numbered_headings(at) -> list[str]:
    """The main column's section headings ("5 · The 3D view"), in order (not the sidebar's)."""
    return [h for h in headings(at) if re.match(r"\d+ · ", h)]


@pytest.mark.parametrize("step", range(len(SLIDES)))
def test_each_slide_shows_its_stage_alone(step: int):
    at = run_app(presenter="true", step=step)
    assert not at.exception
    assert [h for h in headings(at) if h in STAGE_HEADINGS] == [STAGE_HEADINGS[step]]
    assert not at.title  # no page title on a slide: the stage is the title
    assert at.text_input(key="text").value == "Today the cat sat on the mat"  # still editable
    assert any(f"Step {step + 1} of {len(SLIDES)}:" in m.value for m in at.markdown)


def test_back_and_next_answer_clicker_and_arrow_keys():
    """Next answers PageDown, Right and Down; Back PageUp, Left and Up (Streamlit's shortcut names)."""
    at = run_app(presenter="true", step=2)
    keys: dict[str, set[str]] = {"Next": set(), "Back": set()}
    for button in at.button:
        for word in keys:
            if word in button.label:
                keys[word].add(button.proto.shortcut)
    assert keys == {"Next": {"right", "pagedown", "down"}, "Back": {"left", "pageup", "up"}}
    hidden = [b for b in at.button if b.key and b.key.startswith("ev-presenter-")]
    hidden[0].click().run()  # a hidden key button moves the step like the visible one
    assert at.session_state["step"] == (3 if hidden[0].proto.shortcut in ("pagedown", "down") else 1)


def test_edge_steps_disable_their_keys():
    first, last = run_app(presenter="true", step=0), run_app(presenter="true", step=len(SLIDES) - 1)
    assert all(b.disabled for b in first.button if "Back" in b.label)
    assert all(b.disabled for b in last.button if "Next" in b.label)
    assert not any(b.disabled for b in first.button if "Next" in b.label)


def test_sentence_box_commits_while_typing():
    """A one-line input with a live pause (st.text_area has no ``live=``): the page follows the typing."""
    at = run_app()
    box = at.text_input(key="text")
    assert box.proto.live_debounce_ms == 250
    box.set_value("man bites dog").run()
    assert not at.exception
    assert at.query_params["text"] in ("man bites dog", ["man bites dog"])


def test_presenter_chart_takes_the_height_of_its_box():
    """On a slide the figure has no fixed height: CSS sizes the chart to the screen."""
    assert chart_by_key(run_app(), "space3d")["layout"]["height"] == 640
    assert "height" not in chart_by_key(run_app(presenter="true", step=4), "space3d")["layout"]


def test_3d_labels_only_on_token_points_and_large():
    """Token points carry the words (each distinct token once); position and input points are named on
    hover only; every text of the view is at least 16 px."""
    figure = chart_by_key(run_app(), "space3d")
    token, position, inputs = figure["data"][:3]
    assert list(token["text"]) == ["Today", "the", "cat", "sat", "on", "", "mat"]
    assert token["textfont"]["size"] >= 16
    for trace in (position, inputs):
        assert "text" not in trace or not any(trace["text"])
        assert len(trace["hovertext"]) == 7  # still named on hover
    layout = figure["layout"]
    assert layout["font"]["size"] >= 16 and layout["legend"]["font"]["size"] >= 16


def test_link_notices_in_german_with_german_numbers():
    at = run_app(lang="de", dim=999999999, seed="abc", positional="x", presenter="vielleicht", colour="blau")
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert any("dim=999999999 liegt außerhalb von 1–2.048" in w and "Standardwert 256" in w for w in warnings)
    assert any("seed='abc' ist keine ganze Zahl" in w for w in warnings)
    assert any("positional='x' ist keiner der Werte" in w for w in warnings)
    assert any("presenter='vielleicht' ist nicht true/false" in w for w in warnings)
    assert any("Unbekannte Einstellung 'colour' ignoriert" in w for w in warnings)
    english = run_app(dim=999999999)
    assert any("dim=999999999 is outside 1–2,048; using the default 256" in w.value for w in english.warning)


def test_german_prose_numbers_use_german_separators(plain_gpt2):
    text = "word " * 1200
    n = len(plain_gpt2.encode(text))
    assert n > 1000
    at = run_app(lang="de", text=text, context_length=2048)
    assert any(f"6.000 Zeichen → {n // 1000}.{n % 1000:03d} Tokens" in m.value for m in at.markdown)
    assert "100.000 Zeichen" in at.text_input(key="text").help


# ---------------------------------------------------------------------------------------------------------
# The stage list: slides, the step rule and the section numbers follow it
# ---------------------------------------------------------------------------------------------------------


def test_slides_and_step_rule_follow_the_stage_list() -> None:
    assert [stage.key for stage in SLIDES] == [stage.key for stage in STAGES if stage.slide]
    assert state.RULES["step"] == (0, len(SLIDES) - 1)
    for stage in STAGES:  # every stage names a section that exists, and its strings exist
        assert callable(stage.draw()), stage
        assert stage.title in STRINGS
        assert not stage.slide or f"presenter.stage.{stage.key}" in STRINGS


def test_a_new_stage_is_a_new_slide_and_a_wider_step_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """One more entry in the list: one more slide, one more allowed step, and the presenter counts it."""
    extra = Stage("tokens", "tokens.title", "tokens.render")  # a second tokens slide, drawn by its section
    monkeypatch.setattr(stages, "STAGES", (*STAGES, extra))
    assert len(stages.slides()) == len(SLIDES) + 1
    assert stages.step_rule() == (0, len(SLIDES))
    at = run_app(presenter="true", step=len(SLIDES) - 1)
    assert any(f"Step {len(SLIDES)} of {len(SLIDES) + 1}:" in m.value for m in at.markdown)
    next(b for b in at.button if "Next" in b.label).click().run()  # onto the new last slide
    assert not at.exception
    assert at.session_state["step"] == len(SLIDES)
    assert any(f"Step {len(SLIDES) + 1} of {len(SLIDES) + 1}:" in m.value for m in at.markdown)
    assert all(b.disabled for b in at.button if "Next" in b.label)
    assert headings(at) == ["1 · Tokens"]


def test_section_numbers_follow_the_stage_list(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each heading is the stage's place in the list and its title; without a stage, the later ones move
    up."""
    expected = [f"{place} · {STRINGS[stage.title][0]}" for place, stage in enumerate(STAGES, start=1)]
    assert numbered_headings(run_app()) == expected
    shorter = tuple(stage for stage in STAGES if stage.key != "position")
    monkeypatch.setattr(stages, "STAGES", shorter)
    expected = [f"{place} · {STRINGS[stage.title][0]}" for place, stage in enumerate(shorter, start=1)]
    assert numbered_headings(run_app()) == expected
    assert "3 · The 3D view" not in expected and "4 · The 3D view" in expected
